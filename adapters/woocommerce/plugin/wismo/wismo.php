<?php
/**
 * Plugin Name:       Wismo – order status notifications
 * Plugin URI:        https://github.com/wismo/wismo
 * Description:       Connects WooCommerce to Wismo: shoppers get a message at every milestone and see the live status of their order under My Account.
 * Version:           0.1.0
 * Requires at least: 6.3
 * Requires PHP:      7.4
 * Requires Plugins:  woocommerce
 * WC requires at least: 8.0
 * WC tested up to:   10.0
 * Author:            Wismo
 * License:           AGPL-3.0-or-later
 * Text Domain:       wismo
 * Domain Path:       /languages
 *
 * @package Wismo
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

define( 'WISMO_VERSION', '0.1.0' );
define( 'WISMO_FILE', __FILE__ );

require_once __DIR__ . '/includes/class-wismo-signer.php';
require_once __DIR__ . '/includes/class-wismo-widget.php';
require_once __DIR__ . '/includes/class-wismo-statuses.php';
require_once __DIR__ . '/includes/class-wismo-client.php';
require_once __DIR__ . '/includes/class-wismo-link.php';
require_once __DIR__ . '/includes/class-wismo-storefront.php';
require_once __DIR__ . '/includes/class-wismo-admin.php';
require_once __DIR__ . '/includes/class-wismo-order-box.php';

// High-Performance Order Storage: the plugin reads orders only through the order API.
add_action(
	'before_woocommerce_init',
	function () {
		if ( class_exists( '\Automattic\WooCommerce\Utilities\FeaturesUtil' ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', __FILE__, true );
		}
	}
);

register_activation_hook( __FILE__, array( 'Wismo_Client', 'import_config' ) );
register_activation_hook(
	__FILE__,
	function () {
		update_option( 'wismo_welcome', 'yes', false );
		if ( ! wp_next_scheduled( 'wismo_link_check' ) ) {
			wp_schedule_event( time() + 300, 'hourly', 'wismo_link_check' );
		}
	}
);
register_deactivation_hook(
	__FILE__,
	function () {
		wp_clear_scheduled_hook( 'wismo_link_check' );
	}
);

// Hourly: is the link still whole? A broken one raises the admin notice (Wismo_Admin::link_notice).
add_action(
	'wismo_link_check',
	function () {
		if ( Wismo_Client::configured() ) {
			Wismo_Admin::check();
		}
	}
);

add_action(
	'plugins_loaded',
	function () {
		load_plugin_textdomain( 'wismo', false, dirname( plugin_basename( __FILE__ ) ) . '/languages' );
		Wismo_Client::hooks();
		Wismo_Storefront::hooks();
		Wismo_Order_Box::hooks();
		if ( is_admin() ) {
			Wismo_Admin::hooks();
		}
	}
);
