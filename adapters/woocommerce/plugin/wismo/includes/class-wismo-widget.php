<?php
/**
 * The storefront widget's markup, pure (no WordPress), per Wismo's widget contract:
 *
 *   <div class="wismo-widget" data-token="TOKEN" data-locale="uk"></div>
 *   <script src="WISMO_URL/widget.js" async></script>
 *
 * With a token the widget shows that order; with data-shop and no token, the lookup form;
 * with data-mode="promise" and data-shop, the delivery date before purchase (product and
 * cart pages: "Order within 2 hr 15 min, get it Thu, Dec 3 – Fri, Dec 4").
 *
 * @package Wismo
 */

if ( ! defined( 'ABSPATH' ) && ! defined( 'WISMO_TESTING' ) ) {
	exit;
}

/**
 * Builds the widget HTML.
 */
class Wismo_Widget {

	const LOCALES = array( 'en', 'ru', 'uk' );

	/**
	 * Wismo's language for a WordPress locale (uk, ru_RU -> ru, anything else -> en).
	 *
	 * @param string $wp_locale e.g. "uk", "ru_RU", "en_US".
	 * @return string
	 */
	public static function locale( $wp_locale ) {
		$lang = strtolower( substr( (string) $wp_locale, 0, 2 ) );
		return in_array( $lang, self::LOCALES, true ) ? $lang : 'en';
	}

	const WRAP_STYLE = 'display:block!important;visibility:visible!important;opacity:1!important';

	/**
	 * Escape for an HTML attribute.
	 *
	 * @param string $value Text.
	 * @return string
	 */
	private static function attr( $value ) {
		return htmlspecialchars( (string) $value, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8' );
	}

	/**
	 * The widget for one order (token) or the lookup form (shop key).
	 *
	 * @param string $wismo_url Wismo's public URL, without a trailing slash.
	 * @param array  $data      token or shop, locale, and optionally accent, title.
	 * @return string HTML.
	 */
	public static function html( $wismo_url, array $data ) {
		$attrs = '';
		foreach ( array( 'mode', 'token', 'shop', 'locale', 'accent', 'title', 'carrier', 'country' ) as $name ) {
			if ( isset( $data[ $name ] ) && '' !== (string) $data[ $name ] ) {
				$attrs .= ' data-' . $name . '="' . self::attr( $data[ $name ] ) . '"';
			}
		}
		// The widget resets every style of its own element (all: initial, so no theme can hide
		// it), which also dropped the theme's content width and centring; the wrapper takes
		// them instead (block themes constrain direct children of the content), and keeps
		// itself shown the same way (inline !important outranks any stylesheet).
		return '<div class="wismo-widget-wrap" style="' . self::WRAP_STYLE . '"><div class="wismo-widget"' . $attrs . '></div></div>'
			. '<script src="' . self::attr( $wismo_url . '/widget.js' ) . '" async></script>'; // phpcs:ignore WordPress.WP.EnqueuedResources.NonEnqueuedScript -- the merchant's Wismo serves it beside its element; html() also runs outside WordPress (tests, the block's server render).
	}

	/**
	 * The delivery date before purchase, for a product or cart page.
	 *
	 * @param string $wismo_url Wismo's public URL, without a trailing slash.
	 * @param string $shop_key  The shop's public key.
	 * @param string $locale    Wismo's language (en, ru, uk).
	 * @param string $country   The shopper's shipping country (ISO code), or "".
	 * @param string $carrier   The carrier the shop ships with (a Wismo slug), or "".
	 * @return string HTML.
	 */
	public static function promise_html( $wismo_url, $shop_key, $locale, $country = '', $carrier = '' ) {
		$country = strtoupper( (string) $country );
		return self::html(
			$wismo_url,
			array(
				'mode'    => 'promise',
				'shop'    => $shop_key,
				'locale'  => $locale,
				'country' => preg_match( '/^[A-Z]{2}$/', $country ) ? $country : '',
				'carrier' => preg_replace( '/[^a-z0-9_]/', '', strtolower( (string) $carrier ) ),
			)
		);
	}
}
