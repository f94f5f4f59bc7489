<?php
/**
 * The widget markup follows Wismo's contract and escapes what it embeds.
 *
 * @package Wismo
 */

use PHPUnit\Framework\TestCase;

final class WidgetTest extends TestCase {

	public function test_order_widget_carries_the_token_and_locale() {
		$html = Wismo_Widget::html( 'https://wismo.example', array( 'token' => 'abc.def', 'locale' => 'uk' ) );
		$this->assertSame(
			'<div class="wismo-widget-wrap" style="display:block!important;visibility:visible!important;opacity:1!important"><div class="wismo-widget" data-token="abc.def" data-locale="uk"></div></div>'
			. '<script src="https://wismo.example/widget.js" async></script>',
			$html
		);
	}

	public function test_lookup_form_names_the_shop_and_escapes_attributes() {
		$html = Wismo_Widget::html( 'https://w.example', array( 'shop' => 'k1', 'title' => '"><script>', 'accent' => '' ) );
		$this->assertStringContainsString( 'data-shop="k1"', $html );
		$this->assertStringContainsString( 'data-title="&quot;&gt;&lt;script&gt;"', $html );
		$this->assertStringNotContainsString( 'data-accent', $html );
		$this->assertStringNotContainsString( 'data-token', $html );
	}

	public function test_promise_mode_names_the_shop_and_cleans_country_and_carrier() {
		$html = Wismo_Widget::promise_html( 'https://w.example', 'k1', 'uk', 'ua', 'Nova-Poshta"><b>' );
		$this->assertStringStartsWith(
			'<div class="wismo-widget-wrap" style="display:block!important;visibility:visible!important;opacity:1!important"><div class="wismo-widget" data-mode="promise" data-shop="k1" data-locale="uk" data-carrier="novaposhtab" data-country="UA"></div></div>',
			$html
		);
		$this->assertStringContainsString( '<script src="https://w.example/widget.js" async></script>', $html );
		$bad = Wismo_Widget::promise_html( 'https://w.example', 'k1', 'en', '"><script>', '' );
		$this->assertStringNotContainsString( 'data-country', $bad );
		$this->assertStringNotContainsString( 'data-carrier', $bad );
		$this->assertStringNotContainsString( '<script>"', $bad );
	}

	public function test_locales() {
		$this->assertSame( 'uk', Wismo_Widget::locale( 'uk' ) );
		$this->assertSame( 'ru', Wismo_Widget::locale( 'ru_RU' ) );
		$this->assertSame( 'en', Wismo_Widget::locale( 'de_DE' ) );
	}
}
