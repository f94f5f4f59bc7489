<?php
/**
 * The plugin's signing must agree with Wismo's Python side byte for byte.
 *
 * @package Wismo
 */

use PHPUnit\Framework\TestCase;

final class SignerTest extends TestCase {

	private static function vector() {
		$path = dirname( __DIR__, 4 ) . '/tests/vectors/shared_signing.json';
		return json_decode( file_get_contents( $path ), true );
	}

	public function test_storefront_token_matches_the_shared_vector() {
		$v = self::vector();
		$t = $v['storefront_token'];
		$this->assertSame(
			$t['token'],
			Wismo_Signer::storefront_token( $v['secret'], $t['shop_key'], $t['order_id'], $t['expires'] )
		);
	}

	public function test_storefront_token_with_the_placed_time_matches_the_shared_vector() {
		$v = self::vector();
		$t = $v['storefront_token_placed'];
		$this->assertSame(
			$t['token'],
			Wismo_Signer::storefront_token( $v['secret'], $t['shop_key'], $t['order_id'], $t['expires'], null, $t['placed'] )
		);
	}

	public function test_standard_webhooks_signature_matches_the_shared_vector() {
		$v       = self::vector();
		$w       = $v['standard_webhooks'];
		$headers = Wismo_Signer::webhook_headers( $v['secret'], $w['msg_id'], $w['timestamp'], $w['body'] );
		$this->assertSame( $w['signature'], $headers['webhook-signature'] );
		$this->assertSame( (string) $w['timestamp'], $headers['webhook-timestamp'] );
	}

	public function test_token_expires_a_week_from_now_by_default() {
		$token   = Wismo_Signer::storefront_token( 'whsec_QUFBQQ==', 'k', '7', null, 1000 );
		$payload = explode( '.', $token )[0];
		$claim   = json_decode( base64_decode( strtr( $payload, '-_', '+/' ) ), true );
		$this->assertSame( array( 's' => 'k', 'o' => '7', 'e' => 1000 + 604800 ), $claim );
	}

	public function test_key_of_a_plain_secret_is_its_bytes() {
		$this->assertSame( 'plain', Wismo_Signer::key( 'plain' ) );
		$this->assertSame( 'AAAA', Wismo_Signer::key( 'whsec_QUFBQQ==' ) );
	}

	public function test_clean_url() {
		$this->assertSame( 'https://wismo.example.com', Wismo_Signer::clean_url( ' https://wismo.example.com/ ' ) );
		$this->assertSame( 'http://127.0.0.1:5200/sub', Wismo_Signer::clean_url( 'http://127.0.0.1:5200/sub/' ) );
		$this->assertSame( '', Wismo_Signer::clean_url( 'javascript:alert(1)' ) );
		$this->assertSame( '', Wismo_Signer::clean_url( 'https://x.example/?a=1' ) );
	}

	public function test_local_hosts_are_recognised() {
		foreach ( array( 'localhost', '127.0.0.1', '10.0.0.5', '192.168.1.2', '::1', 'wismo.localhost' ) as $host ) {
			$this->assertTrue( Wismo_Signer::is_local_host( $host ), $host );
		}
		foreach ( array( 'wismo.example.com', '8.8.8.8' ) as $host ) {
			$this->assertFalse( Wismo_Signer::is_local_host( $host ), $host );
		}
	}
}
