<?php
/**
 * Whether the link to Wismo really works, pure (no WordPress): the verdict the Test
 * button, the hourly check and the admin notice share.
 *
 * "Connected" is said only after a full round trip: Wismo answered a signed request,
 * it just reached the store's REST API with its keys and found its webhooks active,
 * and WooCommerce just delivered a test to Wismo through the same path it delivers
 * order updates on.
 *
 * @package Wismo
 */

if ( ! defined( 'ABSPATH' ) && ! defined( 'WISMO_TESTING' ) ) {
	exit;
}

/**
 * The link verdict.
 */
class Wismo_Link {

	/**
	 * The verdict from Wismo's /status answer and WooCommerce's delivery test.
	 *
	 * @param array       $reply      Wismo_Client::post() result for /status.
	 * @param string|null $ping_error null when the test delivery got a 200, else its error
	 *                                ('' when there was no webhook to test).
	 * @return array{ok: bool, code: string, detail: string}
	 */
	public static function verdict( array $reply, $ping_error ) {
		if ( empty( $reply['ok'] ) ) {
			$code = 401 === (int) $reply['status'] ? 'secret' : ( 0 === (int) $reply['status'] ? 'unreachable' : 'refused' );
			return self::result( false, $code, (string) $reply['error'] );
		}
		$status = is_array( $reply['body'] ) ? $reply['body'] : array();
		$check  = isset( $status['key_check'] ) && is_array( $status['key_check'] ) ? $status['key_check'] : array();
		if ( array_key_exists( 'ok', $check ) && null === $check['ok'] ) {
			return self::result( false, 'checking', '' );
		}
		$refused = array_key_exists( 'ok', $check ) && false === $check['ok'] ? ( isset( $check['error'] ) ? (string) $check['error'] : '' ) : null;
		if ( null !== $refused && empty( $status['linked'] ) ) {
			return self::result( false, 'keys_refused', $refused );
		}
		if ( empty( $status['linked'] ) ) {
			return self::result( false, 'not_linked', '' );
		}
		$live = isset( $status['live'] ) && is_array( $status['live'] ) ? $status['live'] : array();
		if ( empty( $live['ok'] ) ) {
			return self::result( false, 'store', isset( $live['error'] ) ? (string) $live['error'] : '' );
		}
		if ( null !== $ping_error ) {
			return self::result( false, 'delivery', (string) $ping_error );
		}
		if ( null !== $refused ) {  // The link works on the keys that worked before: a warning.
			return self::result( true, 'new_keys_refused', $refused );
		}
		return self::result( true, 'connected', (string) count( (array) $status['webhooks'] ) );
	}

	/**
	 * One verdict.
	 *
	 * @param bool   $ok     Whether the link works.
	 * @param string $code   What the merchant is told (Wismo_Admin::explain()).
	 * @param string $detail The error or figure it quotes.
	 * @return array{ok: bool, code: string, detail: string}
	 */
	private static function result( $ok, $code, $detail ) {
		return array(
			'ok'     => $ok,
			'code'   => $code,
			'detail' => $detail,
		);
	}
}
