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
	 * The app name Wismo asks WooCommerce's authorisation with (adapters/woocommerce/views.py).
	 */
	const APP_NAME = 'Wismo';

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
			return self::result( false, self::refusal( $reply ), (string) $reply['error'] );
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
		// WooCommerce's test delivery is an unsigned ping: only Wismo knows whether the
		// signed order updates since the last good one were turned away.
		$turned  = isset( $status['refused_since_last_received'] ) ? (int) $status['refused_since_last_received'] : 0;
		$last_no = isset( $status['last_refused_at'] ) ? strtotime( (string) $status['last_refused_at'] ) : false;
		$last_ok = isset( $status['last_received_at'] ) ? strtotime( (string) $status['last_received_at'] ) : false;
		if ( $turned > 0 && false !== $last_no && ( false === $last_ok || $last_no >= $last_ok ) ) {
			return self::result( false, 'signature', (string) $turned );
		}
		if ( null !== $refused ) {  // The link works on the keys that worked before: a warning.
			return self::result( true, 'new_keys_refused', $refused );
		}
		return self::result( true, 'connected', (string) count( (array) $status['webhooks'] ) );
	}

	/**
	 * Why Wismo did not do what a signed request asked, as a code Wismo_Admin::explain()
	 * turns into what to do: the plugin not set up yet, a secret Wismo does not have for
	 * this shop (401), a shop key Wismo does not know (404), Wismo out of reach (no HTTP
	 * answer), or any other refusal.
	 *
	 * @param array $reply Wismo_Client::post() result that was not ok.
	 * @return string setup|secret|shop_key|unreachable|refused
	 */
	public static function refusal( array $reply ) {
		if ( ! empty( $reply['setup'] ) ) {
			return 'setup';
		}
		switch ( (int) $reply['status'] ) {
			case 401:
				return 'secret';
			case 404:
				return 'shop_key';
			case 0:
				return 'unreachable';
			default:
				return 'refused';
		}
	}

	/**
	 * Where WooCommerce's Connect approval stands, from Wismo's /status answer.
	 *
	 * Wismo tries the approved key in the background, so on the return from approval it
	 * may still be checking. Once the approved key replaced other working keys, Wismo
	 * names the old one by the hash WooCommerce keeps of it (wc_api_hash), so the plugin
	 * can revoke it, and the key in use now (`keep`), so keys an earlier approval made for
	 * Wismo can go too; a value that is not such a hash is never used.
	 *
	 * @param array $reply Wismo_Client::post() result for /status.
	 * @return array{stage: string, detail: string, webhooks: int, key: string, revoke: string, revoke_hint: string, keep: string}
	 */
	public static function approval( array $reply ) {
		$status = ! empty( $reply['ok'] ) && is_array( $reply['body'] ) ? $reply['body'] : array();
		$check  = isset( $status['key_check'] ) && is_array( $status['key_check'] ) ? $status['key_check'] : array();
		$out    = array(
			'stage'       => 'checking',
			'detail'      => '',
			'webhooks'    => isset( $status['webhooks'] ) ? count( (array) $status['webhooks'] ) : 0,
			'key'         => isset( $status['key_hint'] ) ? (string) $status['key_hint'] : '',
			'revoke'      => '',
			'revoke_hint' => '',
			'keep'        => '',
		);
		if ( empty( $reply['ok'] ) ) {
			$out['stage']  = 'unreachable';
			$out['detail'] = (string) $reply['error'];
		} elseif ( array_key_exists( 'ok', $check ) && false === $check['ok'] ) {
			$out['stage']  = 'refused';
			$out['detail'] = isset( $check['error'] ) ? (string) $check['error'] : '';
		} elseif ( ! empty( $check['ok'] ) && ! empty( $status['linked'] ) ) {
			$out['stage'] = 'linked';
			$keep         = isset( $status['key_hash'] ) ? (string) $status['key_hash'] : '';
			$out['keep']  = 1 === preg_match( '/^[0-9a-f]{64}$/', $keep ) ? $keep : '';
			$old          = isset( $status['replaced_key'] ) && is_array( $status['replaced_key'] ) ? $status['replaced_key'] : array();
			$hash         = isset( $old['hash'] ) ? (string) $old['hash'] : '';
			if ( 1 === preg_match( '/^[0-9a-f]{64}$/', $hash ) ) {
				$out['revoke']      = $hash;
				$out['revoke_hint'] = isset( $old['hint'] ) ? preg_replace( '/[^A-Za-z0-9]/', '', (string) $old['hint'] ) : '';
			}
		}
		return $out;
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
