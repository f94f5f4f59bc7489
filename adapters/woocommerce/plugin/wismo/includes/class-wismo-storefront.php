<?php
/**
 * What shoppers see: the live status widget on My Account -> View Order and the
 * thank-you page, the [wismo_tracking] lookup shortcode; and the shopper's language
 * kept on the order (so Wismo writes to them in it).
 *
 * @package Wismo
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Storefront hooks.
 */
class Wismo_Storefront {

	/**
	 * Register the storefront hooks.
	 */
	public static function hooks() {
		add_action( 'woocommerce_view_order', array( __CLASS__, 'order_widget' ), 5 );
		add_action( 'woocommerce_thankyou', array( __CLASS__, 'order_widget' ), 5 );
		add_shortcode( 'wismo_tracking', array( __CLASS__, 'shortcode' ) );
		// The delivery date before purchase: under the price on a product page, above the
		// checkout button in the cart, and anywhere with [wismo_delivery_date].
		add_action( 'woocommerce_single_product_summary', array( __CLASS__, 'promise_widget' ), 25 );
		add_action( 'woocommerce_proceed_to_checkout', array( __CLASS__, 'promise_widget' ), 5 );
		add_shortcode( 'wismo_delivery_date', array( __CLASS__, 'promise_shortcode' ) );
		add_action( 'woocommerce_checkout_create_order', array( __CLASS__, 'remember_locale' ) );
		add_action( 'woocommerce_store_api_checkout_update_order_meta', array( __CLASS__, 'remember_locale' ) );
	}

	/**
	 * The shopper's Wismo language for the current request.
	 *
	 * @return string
	 */
	private static function locale() {
		return Wismo_Widget::locale( function_exists( 'determine_locale' ) ? determine_locale() : get_locale() );
	}

	/**
	 * The widget for one order. WooCommerce has already checked that the viewer owns it
	 * (View Order) or holds its key (thank-you page); the token only names this order.
	 *
	 * @param int $order_id The order.
	 */
	public static function order_widget( $order_id ) {
		$order = wc_get_order( $order_id );
		if ( ! $order || ! Wismo_Client::configured() ) {
			return;
		}
		$created = $order->get_date_created();
		$token   = Wismo_Signer::storefront_token(
			(string) get_option( 'wismo_secret' ),
			(string) get_option( 'wismo_shop_key' ),
			(string) $order->get_id(),
			null,
			null,
			$created ? $created->getTimestamp() : null
		);
		echo '<section class="wismo-order-status"><h2>' . esc_html__( 'Delivery status', 'wismo' ) . '</h2>';
		// phpcs:ignore WordPress.Security.EscapeOutput, WordPress.XSS.EscapeOutput -- escaped in Wismo_Widget.
		echo Wismo_Widget::html(
			Wismo_Client::url(),
			array(
				'token'  => $token,
				'locale' => self::locale(),
			)
		);
		echo '</section>';
	}

	/**
	 * [wismo_tracking accent="#0a7" title="Where is my order?"]: the public lookup form.
	 *
	 * @param array|string $atts Shortcode attributes.
	 * @return string
	 */
	public static function shortcode( $atts ) {
		if ( ! Wismo_Client::configured() ) {
			return current_user_can( 'manage_woocommerce' ) ? esc_html__( 'Wismo is not set up yet: see WooCommerce -> Wismo.', 'wismo' ) : '';
		}
		$atts = shortcode_atts(
			array(
				'accent' => '',
				'title'  => '',
			),
			$atts,
			'wismo_tracking'
		);
		return Wismo_Widget::html(
			Wismo_Client::url(),
			array(
				'shop'   => (string) get_option( 'wismo_shop_key' ),
				'locale' => self::locale(),
				'accent' => sanitize_hex_color( $atts['accent'] ) ? $atts['accent'] : '',
				'title'  => sanitize_text_field( $atts['title'] ),
			)
		);
	}

	/**
	 * The delivery date widget, echoed on product and cart pages.
	 */
	public static function promise_widget() {
		echo self::promise_shortcode(); // phpcs:ignore WordPress.Security.EscapeOutput, WordPress.XSS.EscapeOutput -- escaped in Wismo_Widget.
	}

	/**
	 * [wismo_delivery_date]: "Order within 2 h 15 min, get it Thu 5 – Fri 6 Dec".
	 *
	 * @return string
	 */
	public static function promise_shortcode() {
		if ( ! Wismo_Client::configured() ) {
			return '';
		}
		$country = '';
		if ( function_exists( 'WC' ) && WC()->customer ) {
			$country = (string) WC()->customer->get_shipping_country();
		}
		/**
		 * The carrier the delivery date is counted for (a Wismo carrier slug such as
		 * novaposhta); empty: the first carrier connected in Wismo.
		 *
		 * @param string $carrier The slug.
		 */
		$carrier = (string) apply_filters( 'wismo_promise_carrier', '' );
		return Wismo_Widget::promise_html( Wismo_Client::url(), (string) get_option( 'wismo_shop_key' ), self::locale(), $country, $carrier );
	}

	/**
	 * Keep the shopper's language on the order (meta through the order API, HPOS-safe).
	 *
	 * @param WC_Order $order The order being created.
	 */
	public static function remember_locale( $order ) {
		if ( $order instanceof WC_Order ) {
			$order->update_meta_data( '_wismo_locale', self::locale() );
			if ( doing_action( 'woocommerce_store_api_checkout_update_order_meta' ) ) {
				$order->save();
			}
		}
	}
}
