<?php
/**
 * Wismo in the WooCommerce order screen: a tracking number with its carrier, so the
 * merchant needs no other plugin, and the switch for WooCommerce's own customer emails.
 *
 * The number is stored the way the Shipment Tracking extensions store theirs
 * (`_wc_shipment_tracking_items`), so Wismo reads it from the order.updated webhook like
 * any other parcel, and those extensions show it too when they are installed.
 *
 * @package Wismo
 */

if ( ! defined( 'ABSPATH' ) && ! defined( 'WISMO_TESTING' ) ) {
	exit;
}

/**
 * The order screen's tracking box and the platform email switch.
 */
class Wismo_Order_Box {

	const META = '_wc_shipment_tracking_items';

	/** Carriers offered in the box (Wismo links their tracking pages); any other name may be typed. */
	const CARRIERS = array( 'Nova Poshta', 'Ukrposhta', 'Meest Express', 'DHL', 'DHL Express', 'UPS', 'FedEx', 'USPS', 'DPD', 'GLS', 'InPost', 'Royal Mail', 'Canada Post', 'Australia Post' );

	/** WooCommerce's customer emails for the milestones Wismo writes about. */
	const EMAILS = array( 'customer_on_hold_order', 'customer_processing_order', 'customer_completed_order', 'customer_refunded_order' );

	/** Seconds a broken link may last before WooCommerce's own emails come back. */
	const RESTORE_AFTER = 21600;

	/**
	 * Register the hooks.
	 */
	public static function hooks() {
		add_action( 'add_meta_boxes', array( __CLASS__, 'add_box' ), 40 );
		add_action( 'woocommerce_process_shop_order_meta', array( __CLASS__, 'save' ), 50 );
		foreach ( self::EMAILS as $email ) {
			add_filter( 'woocommerce_email_enabled_' . $email, array( __CLASS__, 'platform_email' ), 20 );
		}
	}

	/**
	 * The tracking items with this number added (or its carrier updated), pure.
	 *
	 * @param mixed  $items   The meta's current value.
	 * @param string $number  Tracking number as typed.
	 * @param string $carrier Carrier as chosen or typed.
	 * @param int    $now     Unix time.
	 * @return array
	 */
	public static function with_number( $items, $number, $carrier, $now ) {
		$items   = is_array( $items ) ? array_values( $items ) : array();
		$number  = strtoupper( preg_replace( '/[^A-Za-z0-9-]/', '', (string) $number ) );
		$carrier = trim( preg_replace( '/[\x00-\x1F<>]+/', ' ', self::strip( (string) $carrier ) ) );
		if ( '' === $number ) {
			return $items;
		}
		$known = in_array( $carrier, self::CARRIERS, true );
		$item  = array(
			'tracking_provider'        => $known ? $carrier : '',
			'custom_tracking_provider' => $known ? '' : substr( $carrier, 0, 64 ),
			'custom_tracking_link'     => '',
			'tracking_number'          => substr( $number, 0, 64 ),
			'date_shipped'             => (string) $now,
			'tracking_id'              => md5( 'wismo-' . $number ),
		);
		foreach ( $items as $i => $existing ) {
			if ( is_array( $existing ) && isset( $existing['tracking_number'] ) && $existing['tracking_number'] === $item['tracking_number'] ) {
				$items[ $i ] = array_merge( $existing, array_intersect_key( $item, array_flip( array( 'tracking_provider', 'custom_tracking_provider' ) ) ) );
				return $items;
			}
		}
		$items[] = $item;
		return $items;
	}

	/**
	 * Tags out of a carrier name (wp_strip_all_tags once WordPress is loaded).
	 *
	 * @param string $text Text.
	 * @return string
	 */
	private static function strip( $text ) {
		return function_exists( 'wp_strip_all_tags' ) ? wp_strip_all_tags( $text ) : strip_tags( $text );
	}

	/**
	 * Whether WooCommerce's own customer email should go out, pure.
	 *
	 * @param bool  $switched_off The merchant turned them off for Wismo.
	 * @param bool  $configured   Wismo is set up in the plugin.
	 * @param array $health       The last link check (Wismo_Admin::check()), with failing_since.
	 * @param int   $now          Unix time.
	 * @return bool
	 */
	public static function platform_email_wanted( $switched_off, $configured, array $health, $now ) {
		if ( ! $switched_off || ! $configured ) {
			return true;
		}
		if ( empty( $health ) || ! empty( $health['ok'] ) ) {
			return false;
		}
		$since = isset( $health['failing_since'] ) ? (int) $health['failing_since'] : (int) $health['at'];
		return $now - $since >= self::RESTORE_AFTER;
	}

	/**
	 * Filter woocommerce_email_enabled_{id}: off while Wismo writes to customers.
	 *
	 * @param bool $enabled Whether WooCommerce would send it.
	 * @return bool
	 */
	public static function platform_email( $enabled ) {
		if ( ! $enabled ) {
			return false;
		}
		return self::platform_email_wanted( 'yes' === get_option( 'wismo_mail_off', 'no' ), Wismo_Client::configured(), (array) get_option( 'wismo_health', array() ), time() );
	}

	/**
	 * The box in the order screen's side column (HPOS and the classic screen).
	 */
	public static function add_box() {
		$screen = function_exists( 'wc_get_page_screen_id' ) ? wc_get_page_screen_id( 'shop-order' ) : 'shop_order';
		add_meta_box( 'wismo-tracking', __( 'Tracking number (Wismo)', 'wismo' ), array( __CLASS__, 'render' ), $screen, 'side', 'default' );
	}

	/**
	 * The box.
	 *
	 * @param WP_Post|WC_Order $object The order (HPOS) or its post.
	 */
	public static function render( $object ) {
		$order = $object instanceof WC_Order ? $object : wc_get_order( $object->ID );
		if ( ! $order ) {
			return;
		}
		wp_nonce_field( 'wismo_tracking', 'wismo_tracking_nonce' );
		$items = $order->get_meta( self::META );
		if ( is_array( $items ) && $items ) {
			echo '<ul>';
			foreach ( $items as $item ) {
				$carrier = ! empty( $item['custom_tracking_provider'] ) ? $item['custom_tracking_provider'] : ( isset( $item['tracking_provider'] ) ? $item['tracking_provider'] : '' );
				echo '<li><code>' . esc_html( isset( $item['tracking_number'] ) ? $item['tracking_number'] : '' ) . '</code> ' . esc_html( $carrier ) . '</li>';
			}
			echo '</ul>';
		}
		echo '<p><label for="wismo_tracking_number">' . esc_html__( 'Tracking number', 'wismo' ) . '</label><br><input type="text" class="widefat" id="wismo_tracking_number" name="wismo_tracking_number" value="" autocomplete="off"></p>';
		echo '<p><label for="wismo_carrier">' . esc_html__( 'Carrier', 'wismo' ) . '</label><br><input type="text" class="widefat" id="wismo_carrier" name="wismo_carrier" list="wismo-carriers" value="" autocomplete="off"><datalist id="wismo-carriers">';
		foreach ( self::CARRIERS as $name ) {
			echo '<option value="' . esc_attr( $name ) . '"></option>';
		}
		echo '</datalist></p><p class="description">' . esc_html__( 'Saved with the order (Update). Wismo tells the customer with the shipped message, or at once if the order has already shipped.', 'wismo' ) . '</p>';
	}

	/**
	 * Save the number typed in the box with the order.
	 *
	 * @param int $order_id Order id.
	 */
	public static function save( $order_id ) {
		if ( ! isset( $_POST['wismo_tracking_nonce'] ) || ! wp_verify_nonce( sanitize_key( wp_unslash( $_POST['wismo_tracking_nonce'] ) ), 'wismo_tracking' ) || ! current_user_can( 'edit_shop_orders' ) ) {
			return;
		}
		$number = isset( $_POST['wismo_tracking_number'] ) ? sanitize_text_field( wp_unslash( $_POST['wismo_tracking_number'] ) ) : '';
		if ( '' === $number ) {
			return;
		}
		$carrier = isset( $_POST['wismo_carrier'] ) ? sanitize_text_field( wp_unslash( $_POST['wismo_carrier'] ) ) : '';
		$order   = wc_get_order( $order_id );
		if ( ! $order ) {
			return;
		}
		$order->update_meta_data( self::META, self::with_number( $order->get_meta( self::META ), $number, $carrier, time() ) );
		$order->save();
	}
}
