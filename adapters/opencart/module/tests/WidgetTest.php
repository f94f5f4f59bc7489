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
