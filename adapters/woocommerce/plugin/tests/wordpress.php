<?php
/**
 * The few WordPress functions Wismo_Admin's pure parts call, as WordPress defines them
 * (escaping, options in memory, admin URLs), for AdminTest only. Not a stand-in for
 * Wismo's code: the plugin's own classes run as they are.
 *
 * @package Wismo
 */

// phpcs:ignoreFile -- WordPress's own function names and signatures.

if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}

$GLOBALS['wismo_test_options'] = array();
$GLOBALS['wismo_test_can']     = true;

function __( $text, $domain = 'default' ) {
	return $text;
}
function esc_html( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}
function esc_attr( $text ) {
	return htmlspecialchars( (string) $text, ENT_QUOTES, 'UTF-8' );
}
function esc_html__( $text, $domain = 'default' ) {
	return esc_html( $text );
}
function esc_url( $url ) {
	return esc_attr( $url );
}
function admin_url( $path = '' ) {
	return 'https://shop.example/wp-admin/' . ltrim( $path, '/' );
}
function get_option( $name, $default = false ) {
	return array_key_exists( $name, $GLOBALS['wismo_test_options'] ) ? $GLOBALS['wismo_test_options'][ $name ] : $default;
}
function update_option( $name, $value, $autoload = null ) {
	$GLOBALS['wismo_test_options'][ $name ] = $value;
	return true;
}
function delete_option( $name ) {
	unset( $GLOBALS['wismo_test_options'][ $name ] );
	return true;
}
function current_user_can( $capability ) {
	return $GLOBALS['wismo_test_can'];
}
function wp_nonce_field( $action ) {
	echo '<input type="hidden" name="_wpnonce" value="nonce-' . esc_attr( $action ) . '">';
}
function submit_button( $text, $type = 'primary', $name = 'submit', $wrap = true ) {
	echo '<input type="submit" name="' . esc_attr( $name ) . '" class="button button-' . esc_attr( $type ) . '" value="' . esc_attr( $text ) . '">';
}
