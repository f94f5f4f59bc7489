<?php
/**
 * Which order statuses the merchant maps by hand, pure (no WordPress).
 *
 * WooCommerce's own statuses have sensible defaults in Wismo; any other status (from
 * a plugin, or the merchant's own) is offered for mapping to a Wismo status or "ignore".
 *
 * @package Wismo
 */

if ( ! defined( 'ABSPATH' ) && ! defined( 'WISMO_TESTING' ) ) {
	exit;
}

/**
 * The status mapping form's data.
 */
class Wismo_Statuses {

	const BUILT_IN = array( 'pending', 'processing', 'on-hold', 'completed', 'cancelled', 'refunded', 'failed', 'checkout-draft' );

	const CANONICAL = array(
		'placed',
		'processing',
		'picking',
		'packed',
		'shipped',
		'in_transit',
		'out_for_delivery',
		'ready_for_pickup',
		'attempted_delivery',
		'delivered',
		'delayed',
		'exception',
		'cancelled',
		'return_requested',
		'returned',
		'refunded',
	);

	/**
	 * The statuses that are not WooCommerce's own, as slug => label ("wc-" prefix dropped).
	 *
	 * @param array<string,string> $all wc_get_order_statuses(): "wc-slug" => label.
	 * @return array<string,string>
	 */
	public static function custom( array $all ) {
		$out = array();
		foreach ( $all as $key => $label ) {
			$slug = 0 === strpos( $key, 'wc-' ) ? substr( $key, 3 ) : $key;
			if ( ! in_array( $slug, self::BUILT_IN, true ) ) {
				$out[ $slug ] = $label;
			}
		}
		return $out;
	}

	/**
	 * Keep only valid choices: a canonical status or "ignore"; '' means Wismo's default.
	 *
	 * @param array<string,string> $posted slug => choice.
	 * @param array<string,string> $custom The store's custom statuses.
	 * @return array<string,string>
	 */
	public static function clean( array $posted, array $custom ) {
		$out = array();
		foreach ( $posted as $slug => $choice ) {
			if ( isset( $custom[ $slug ] ) && ( 'ignore' === $choice || in_array( $choice, self::CANONICAL, true ) ) ) {
				$out[ $slug ] = $choice;
			}
		}
		return $out;
	}
}
