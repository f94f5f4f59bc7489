<?php
/**
 * Uninstall: remove every option the plugin stored (orders keep their _wismo_locale meta,
 * which is the shopper's data, not the plugin's settings).
 *
 * @package Wismo
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

foreach ( array( 'wismo_url', 'wismo_shop_key', 'wismo_secret', 'wismo_allow_local', 'wismo_last_status', 'wismo_status_map', 'wismo_health', 'wismo_mail_off', 'wismo_welcome' ) as $wismo_option ) {
	delete_option( $wismo_option );
}
