<?php
/**
 * Uninstall: tell Wismo, which removes its webhooks from the store and stops messaging
 * this shop's shoppers, then remove every option the plugin stored (orders keep their
 * _wismo_locale meta and tracking numbers, which are the shop's data, not the plugin's).
 *
 * @package Wismo
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

// WordPress runs this file without loading the plugin.
require_once __DIR__ . '/includes/class-wismo-signer.php';
require_once __DIR__ . '/includes/class-wismo-client.php';
if ( ! defined( 'WISMO_FILE' ) ) {
	define( 'WISMO_FILE', __DIR__ . '/wismo.php' );
}
Wismo_Client::hooks(); // A local Wismo (the Development option) stays reachable.
if ( Wismo_Client::configured() ) {
	Wismo_Client::post( '/uninstalled', array() );
}
wp_clear_scheduled_hook( 'wismo_link_check' );

foreach ( array( 'wismo_url', 'wismo_shop_key', 'wismo_secret', 'wismo_allow_local', 'wismo_last_status', 'wismo_status_map', 'wismo_health', 'wismo_mail_off', 'wismo_welcome' ) as $wismo_option ) {
	delete_option( $wismo_option );
}
