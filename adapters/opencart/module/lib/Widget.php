<?php
namespace Wismo;

/**
 * The storefront widget's markup, as Wismo's widget.js expects it (docs/tracking.md):
 * `<div class="wismo-widget" data-token|data-shop data-locale></div>` plus the script.
 *
 * widget.js resets every style of that div (`:host { all: initial !important }`, so a theme
 * cannot hide it), which also drops any class or style the theme would use for spacing:
 * the spacing lives on a wrapper around it instead (1rem, both Bootstrap 3 and 5 themes).
 */
final class Widget {
	/** Languages widget.js speaks; for others the attribute is left out and the order's language is used. */
	const LOCALES = ['en', 'ru', 'uk'];

	/** OpenCart's language code (en-gb, ru-ru, uk-ua, ua-uk, ua) -> the widget's locale, or '' when it has none. */
	public static function locale(string $code): string {
		$language = strtolower(preg_split('/[-_.@\s]/', trim($code))[0]);
		$language = $language === 'ua' ? 'uk' : $language;

		return in_array($language, self::LOCALES, true) ? $language : '';
	}

	/**
	 * The language the shopper reads the store in. OpenCart 3.0's startup keeps it in the
	 * session (`session->data['language']`) and leaves `config_language` at the store's
	 * default; 4.x sets `config_language` itself (pass no session language there).
	 */
	public static function shopperLanguage(?string $sessionLanguage, string $storeLanguage): string {
		return $sessionLanguage !== null && $sessionLanguage !== '' ? $sessionLanguage : $storeLanguage;
	}

	/** The widget for one order (authorised by a storefront token). */
	public static function forOrder(string $wismoUrl, string $token, string $languageCode): string {
		return self::markup($wismoUrl, ['data-token' => $token], $languageCode);
	}

	/** The lookup form (order number plus email or phone) for one shop. */
	public static function lookup(string $wismoUrl, string $shopKey, string $languageCode): string {
		return self::markup($wismoUrl, ['data-shop' => $shopKey], $languageCode);
	}

	/** The delivery date before purchase (widget.js's promise mode) for a product page. */
	public static function promise(string $wismoUrl, string $shopKey, string $languageCode): string {
		return self::markup($wismoUrl, ['data-mode' => 'promise', 'data-shop' => $shopKey], $languageCode);
	}

	/**
	 * Put the delivery date above the product's options and buy button (3.0: div#product,
	 * 4.x: form#form-product); in a theme with neither, at the top of the content column.
	 */
	public static function injectPromise(string $html, string $widget): string {
		if (preg_match('/<(?:div id="product"|form[^>]*id="form-product")[^>]*>/', $html, $match, PREG_OFFSET_CAPTURE)) {
			$at = $match[0][1];

			return substr($html, 0, $at) . $widget . substr($html, $at);
		}

		return self::inject($html, $widget);
	}

	/** Put the widget at the top of the page's content column (or before the footer). */
	public static function inject(string $html, string $widget): string {
		if (preg_match('/<div id="content"[^>]*>/', $html, $match, PREG_OFFSET_CAPTURE)) {
			$at = $match[0][1] + strlen($match[0][0]);

			return substr($html, 0, $at) . $widget . substr($html, $at);
		}

		$at = strripos($html, '<footer');

		return $at === false ? $html . $widget : substr($html, 0, $at) . $widget . substr($html, $at);
	}

	private static function markup(string $wismoUrl, array $attributes, string $languageCode): string {
		$locale = self::locale($languageCode);

		if ($locale !== '') {
			$attributes['data-locale'] = $locale;
		}

		$html = '';

		foreach ($attributes as $name => $value) {
			$html .= ' ' . $name . '="' . self::escape((string)$value) . '"';
		}

		return '<div class="wismo-widget-wrap" style="margin-bottom:1rem">'
			. '<div class="wismo-widget"' . $html . '></div>'
			. '<script src="' . self::escape(rtrim($wismoUrl, '/') . '/widget.js') . '" async></script>'
			. '</div>';
	}

	private static function escape(string $value): string {
		return htmlspecialchars($value, ENT_QUOTES, 'UTF-8');
	}
}
