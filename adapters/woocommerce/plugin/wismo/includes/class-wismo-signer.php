<?php
/**
 * Pure signing for the Wismo plugin: no WordPress functions, so PHPUnit tests it alone.
 *
 * - Storefront tokens for the widget (the format of core/storefront.py in Wismo):
 *   payload = base64url(JSON {"s": shop_key, "o": order_id, "e": expires})
 *   token   = payload . "." . base64url(HMAC-SHA256(key, "wismo-widget.v1." . payload))
 * - Standard Webhooks signatures for the plugin's own requests to Wismo (connect, test).
 *
 * `key` is the base64-decoded part of a "whsec_..." secret (or a plain secret's bytes).
 *
 * @package Wismo
 */

if ( ! defined( 'ABSPATH' ) && ! defined( 'WISMO_TESTING' ) ) {
	exit;
}

/**
 * Signs what the plugin sends to Wismo and hands to the widget.
 */
class Wismo_Signer {

	const WIDGET_CONTEXT = 'wismo-widget.v1.';
	const DEFAULT_TTL    = 604800; // one week, as in Wismo.

	/**
	 * The HMAC key of a secret: base64-decoded after "whsec_", else the raw string.
	 *
	 * @param string $secret The shop's secret.
	 * @return string Key bytes.
	 */
	public static function key( $secret ) {
		if ( 0 === strpos( $secret, 'whsec_' ) ) {
			$decoded = base64_decode( substr( $secret, 6 ), true ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_decode -- the secret's key bytes, as Standard Webhooks encode them.
			if ( false !== $decoded ) {
				return $decoded;
			}
		}
		return (string) $secret;
	}

	/**
	 * Unpadded base64url.
	 *
	 * @param string $data Bytes.
	 * @return string
	 */
	public static function b64url( $data ) {
		return rtrim( strtr( base64_encode( $data ), '+/', '-_' ), '=' ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- base64url of a signed token.
	}

	/**
	 * A storefront token for one order of one shop.
	 *
	 * @param string   $secret   The shop's whsec_ secret.
	 * @param string   $shop_key The shop key.
	 * @param string   $order_id The WooCommerce order id.
	 * @param int|null $expires  Unix time; a week from $now when null.
	 * @param int|null $now      Current Unix time (tests).
	 * @param int|null $placed   Unix time the order was placed: Wismo can then tell an old
	 *                           order it never heard of from a new one still on its way.
	 * @return string
	 */
	public static function storefront_token( $secret, $shop_key, $order_id, $expires = null, $now = null, $placed = null ) {
		if ( null === $expires ) {
			$expires = ( null === $now ? time() : (int) $now ) + self::DEFAULT_TTL;
		}
		$json = '{"s":' . self::json_string( (string) $shop_key ) . ',"o":' . self::json_string( (string) $order_id ) . ',"e":' . (int) $expires;
		if ( $placed ) {
			$json .= ',"p":' . (int) $placed;
		}
		$json   .= '}';
		$payload = self::b64url( $json );
		$mac     = hash_hmac( 'sha256', self::WIDGET_CONTEXT . $payload, self::key( $secret ), true );
		return $payload . '.' . self::b64url( $mac );
	}

	/**
	 * A JSON string literal the way Python's json.dumps writes it (ASCII, \uXXXX escapes).
	 *
	 * @param string $text Text.
	 * @return string
	 */
	public static function json_string( $text ) {
		return json_encode( $text ); // phpcs:ignore WordPress.WP.AlternativeFunctions.json_encode_json_encode -- must match Python's json.dumps byte for byte, and runs without WordPress. PHP escapes "/" as "\/": keys and ids never contain one.
	}

	/**
	 * Standard Webhooks headers for a request body (https://www.standardwebhooks.com).
	 *
	 * @param string $secret    The shop's whsec_ secret.
	 * @param string $msg_id    A unique message id.
	 * @param int    $timestamp Unix time.
	 * @param string $body      The exact body sent.
	 * @return array<string,string>
	 */
	public static function webhook_headers( $secret, $msg_id, $timestamp, $body ) {
		$content = $msg_id . '.' . (int) $timestamp . '.' . $body;
		$sig     = base64_encode( hash_hmac( 'sha256', $content, self::key( $secret ), true ) ); // phpcs:ignore WordPress.PHP.DiscouragedPHPFunctions.obfuscation_base64_encode -- the Standard Webhooks signature.
		return array(
			'webhook-id'        => $msg_id,
			'webhook-timestamp' => (string) (int) $timestamp,
			'webhook-signature' => 'v1,' . $sig,
		);
	}

	/**
	 * Whether a Wismo URL is usable: http(s), a host, no query or fragment.
	 *
	 * @param string $url The URL the merchant typed.
	 * @return string The URL without a trailing slash, or '' when unusable.
	 */
	public static function clean_url( $url ) {
		$url   = rtrim( trim( (string) $url ), '/' );
		$parts = parse_url( $url ); // phpcs:ignore WordPress.WP.AlternativeFunctions.parse_url_parse_url -- the signer runs without WordPress (tests); PHP 7.4+ parses consistently.
		if ( ! $parts || empty( $parts['host'] ) || ! in_array( strtolower( isset( $parts['scheme'] ) ? $parts['scheme'] : '' ), array( 'http', 'https' ), true ) ) {
			return '';
		}
		if ( isset( $parts['query'] ) || isset( $parts['fragment'] ) ) {
			return '';
		}
		return $url;
	}

	/**
	 * Whether a host is a loopback or private address (what WordPress refuses by default).
	 *
	 * @param string $host Host name or IP.
	 * @return bool
	 */
	public static function is_local_host( $host ) {
		$host = strtolower( trim( (string) $host, '[]' ) );
		if ( 'localhost' === $host || '.localhost' === substr( $host, -10 ) ) {
			return true;
		}
		if ( filter_var( $host, FILTER_VALIDATE_IP ) ) {
			return false === filter_var( $host, FILTER_VALIDATE_IP, FILTER_FLAG_NO_PRIV_RANGE | FILTER_FLAG_NO_RES_RANGE );
		}
		return false;
	}
}
