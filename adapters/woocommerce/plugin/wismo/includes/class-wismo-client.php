<?php
/**
 * The plugin's settings and its signed requests to Wismo, plus the development option.
 *
 * @package Wismo
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Options, requests to Wismo, and the filters that let WordPress reach a local Wismo.
 */
class Wismo_Client {

	const OPTIONS = array( 'wismo_url', 'wismo_shop_key', 'wismo_secret', 'wismo_allow_local', 'wismo_last_status', 'wismo_status_map', 'wismo_health', 'wismo_mail_off', 'wismo_welcome' );

	/**
	 * Register the HTTP filters for development setups.
	 */
	public static function hooks() {
		add_filter( 'http_request_host_is_external', array( __CLASS__, 'allow_local_host' ), 10, 3 );
		add_filter( 'http_allowed_safe_ports', array( __CLASS__, 'allow_port' ), 10, 3 );
		add_filter( 'http_request_args', array( __CLASS__, 'request_args' ), 10, 2 );
	}

	/**
	 * On activation, a pre-configured zip's wismo-config.php fills empty settings.
	 */
	public static function import_config() {
		$file = dirname( WISMO_FILE ) . '/wismo-config.php';
		if ( ! is_readable( $file ) ) {
			return;
		}
		$config = include $file;
		if ( ! is_array( $config ) ) {
			return;
		}
		$map = array(
			'wismo_url' => 'wismo_url',
			'shop_key'  => 'wismo_shop_key',
			'secret'    => 'wismo_secret',
		);
		foreach ( $map as $key => $option ) {
			if ( ! empty( $config[ $key ] ) && '' === (string) get_option( $option, '' ) ) {
				update_option( $option, sanitize_text_field( $config[ $key ] ), false );
			}
		}
	}

	/**
	 * Wismo's URL (no trailing slash) or ''.
	 *
	 * @return string
	 */
	public static function url() {
		return Wismo_Signer::clean_url( get_option( 'wismo_url', '' ) );
	}

	/**
	 * Whether URL, shop key and secret are all set.
	 *
	 * @return bool
	 */
	public static function configured() {
		return '' !== self::url() && '' !== (string) get_option( 'wismo_shop_key', '' ) && '' !== (string) get_option( 'wismo_secret', '' );
	}

	/**
	 * POST JSON to Wismo, signed with the shop's secret.
	 *
	 * @param string $path e.g. "/status" (appended to /woocommerce/<shop key>).
	 * @param array  $data JSON body.
	 * @return array{ok: bool, status: int, body: mixed, error: string, setup?: bool}
	 */
	public static function post( $path, array $data ) {
		if ( ! self::configured() ) {
			return array(
				'ok'     => false,
				'status' => 0,
				'body'   => null,
				'error'  => __( 'Enter the Wismo URL, shop key and secret first.', 'wismo' ),
				'setup'  => true,
			);
		}
		$body     = wp_json_encode( empty( $data ) ? new stdClass() : $data );
		$headers  = Wismo_Signer::webhook_headers( (string) get_option( 'wismo_secret' ), 'wp_' . wp_generate_uuid4(), time(), $body );
		$url      = self::url() . '/woocommerce/' . rawurlencode( (string) get_option( 'wismo_shop_key' ) ) . $path;
		$response = wp_remote_post(
			$url,
			array(
				'timeout' => 20,
				'headers' => array_merge( $headers, array( 'Content-Type' => 'application/json' ) ),
				'body'    => $body,
			)
		);
		if ( is_wp_error( $response ) ) {
			return array(
				'ok'     => false,
				'status' => 0,
				'body'   => null,
				'error'  => $response->get_error_message(),
			);
		}
		$status  = (int) wp_remote_retrieve_response_code( $response );
		$decoded = json_decode( wp_remote_retrieve_body( $response ), true );
		$error   = is_array( $decoded ) && isset( $decoded['error'] ) ? (string) $decoded['error'] : '';
		return array(
			'ok'     => $status >= 200 && $status < 300,
			'status' => $status,
			'body'   => $decoded,
			'error'  => $error,
		);
	}

	/**
	 * The Wismo URL's host and port when the development option is on, else null.
	 *
	 * @return array{host: string, port: int}|null
	 */
	private static function local_target() {
		if ( 'yes' !== get_option( 'wismo_allow_local', 'no' ) || '' === self::url() ) {
			return null;
		}
		$parts = wp_parse_url( self::url() );
		$port  = isset( $parts['port'] ) ? (int) $parts['port'] : ( 'https' === $parts['scheme'] ? 443 : 80 );
		return array(
			'host' => strtolower( $parts['host'] ),
			'port' => $port,
		);
	}

	/**
	 * Filter http_request_host_is_external: let webhook deliveries reach a local Wismo.
	 *
	 * @param bool   $external Whether WordPress considers the host external.
	 * @param string $host     Host.
	 * @return bool
	 */
	public static function allow_local_host( $external, $host ) {
		$target = self::local_target();
		return $external || ( $target && strtolower( $host ) === $target['host'] );
	}

	/**
	 * Filter http_allowed_safe_ports: allow the local Wismo's port (e.g. 5200).
	 *
	 * @param int[]  $ports Allowed ports.
	 * @param string $host  Host.
	 * @return int[]
	 */
	public static function allow_port( $ports, $host ) {
		$target = self::local_target();
		if ( $target && strtolower( $host ) === $target['host'] ) {
			$ports[] = $target['port'];
		}
		return $ports;
	}

	/**
	 * Filter http_request_args: requests to the local Wismo (webhook deliveries, the
	 * connect callback) skip the unsafe-URL check and accept a self-signed certificate.
	 *
	 * @param array  $args Request arguments.
	 * @param string $url  Target URL.
	 * @return array
	 */
	public static function request_args( $args, $url ) {
		$target = self::local_target();
		if ( $target && 0 === strpos( $url, self::url() . '/' ) ) {
			$args['reject_unsafe_urls'] = false;
			$args['sslverify']          = false;
		}
		return $args;
	}
}
