<?php
use PHPUnit\Framework\TestCase;
use Wismo\Widget;

/** The widget markup both modules put on the storefront, as widget.js reads it. */
final class WidgetTest extends TestCase {
	public function testOpenCartLanguageCodesBecomeTheWidgetsLocales(): void {
		$this->assertSame('uk', Widget::locale('uk-ua'));
		$this->assertSame('uk', Widget::locale('ua-uk'));
		$this->assertSame('uk', Widget::locale('ua'));
		$this->assertSame('ru', Widget::locale('ru-ru'));
		$this->assertSame('en', Widget::locale('en-gb'));
		$this->assertSame('en', Widget::locale('EN_us'));
		$this->assertSame('', Widget::locale('de-de'));
		$this->assertSame('', Widget::locale(''));
	}

	public function testOnOpenCart30TheSessionLanguageWinsOverTheStoreDefault(): void {
		$this->assertSame('ru-ru', Widget::shopperLanguage('ru-ru', 'en-gb'));
		$this->assertSame('en-gb', Widget::shopperLanguage(null, 'en-gb'));
		$this->assertSame('en-gb', Widget::shopperLanguage('', 'en-gb'));
	}

	public function testTheOrderWidgetCarriesTokenLocaleAndScript(): void {
		$html = Widget::forOrder('https://wismo.example.com/', 'abc.def', 'ru-ru');
		$this->assertStringContainsString('<div class="wismo-widget" data-token="abc.def" data-locale="ru"></div>', $html);
		$this->assertStringContainsString('<script src="https://wismo.example.com/widget.js" async></script>', $html);
	}

	public function testSpacingIsOnAWrapperBecauseTheWidgetResetsItsOwnElement(): void {
		$html = Widget::lookup('https://wismo.example.com', 'shop-1', 'uk-ua');
		$this->assertMatchesRegularExpression('#^<div class="wismo-widget-wrap" style="margin-bottom:1rem"><div class="wismo-widget" data-shop="shop-1" data-locale="uk"></div><script [^>]+></script></div>$#', $html);
	}

	public function testTheDeliveryDateGoesAboveTheBuyButtonOnBothVersions(): void {
		$widget = Widget::promise('https://wismo.example.com', 'shop-1', 'uk-ua');
		$this->assertStringContainsString('<div class="wismo-widget" data-mode="promise" data-shop="shop-1" data-locale="uk"></div>', $widget);
		$oc3 = '<div id="content"><h1>Kettle</h1><ul><li><h2>$10</h2></li></ul><div id="product"><button id="button-cart"></button></div></div>';
		$this->assertSame('<div id="content"><h1>Kettle</h1><ul><li><h2>$10</h2></li></ul>' . $widget . '<div id="product"><button id="button-cart"></button></div></div>', Widget::injectPromise($oc3, $widget));
		$oc4 = '<div id="content"><h1>Kettle</h1><form method="post" data-oc-toggle="ajax" id="form-product"><button></button></form></div>';
		$this->assertStringContainsString($widget . '<form method="post" data-oc-toggle="ajax" id="form-product">', Widget::injectPromise($oc4, $widget));
		$this->assertSame('<div id="content">' . $widget . '<p>x</p></div>', Widget::injectPromise('<div id="content"><p>x</p></div>', $widget));
	}

	public function testAnUnsupportedLanguageLeavesTheChoiceToTheOrdersLanguage(): void {
		$this->assertStringNotContainsString('data-locale', Widget::forOrder('https://w.example', 't', 'de-de'));
	}

	public function testValuesAreEscaped(): void {
		$html = Widget::lookup('https://w.example/"><x', 'a"b', 'en');
		$this->assertStringContainsString('data-shop="a&quot;b"', $html);
		$this->assertStringNotContainsString('"><x', $html);
	}

	public function testTheWidgetGoesAtTheTopOfTheContentColumn(): void {
		$page = '<div class="row"><div id="content" class="col-sm-9"><h1>Order</h1></div></div><footer></footer>';
		$this->assertSame('<div class="row"><div id="content" class="col-sm-9">W<h1>Order</h1></div></div><footer></footer>', Widget::inject($page, 'W'));
		$this->assertSame('<main></main>W<footer></footer>', Widget::inject('<main></main><footer></footer>', 'W'));
	}
}
