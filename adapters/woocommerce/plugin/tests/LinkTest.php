<?php
/**
 * "Connected" only after a full round trip; every other state says what is wrong.
 *
 * @package Wismo
 */

use PHPUnit\Framework\TestCase;

final class LinkTest extends TestCase {

	private static function reply( array $body, $status = 200 ) {
		return array( 'ok' => $status >= 200 && $status < 300, 'status' => $status, 'body' => $body, 'error' => $status >= 300 ? 'no matching v1 signature' : '' );
	}

	private static function healthy( array $extra = array() ) {
		return $extra + array(
			'linked'    => true,
			'connected' => true,
			'key_check' => array( 'ok' => true ),
			'live'      => array( 'ok' => true, 'error' => null ),
			'webhooks'  => array( 'order.created' => 1, 'order.updated' => 2, 'order.deleted' => 3, 'order.restored' => 4 ),
		);
	}

	public function test_connected_needs_wismo_the_store_and_a_delivery() {
		$this->assertSame( array( 'ok' => true, 'code' => 'connected', 'detail' => '4' ), Wismo_Link::verdict( self::reply( self::healthy() ), null ) );
	}

	public function test_a_refusal_names_what_to_fix_not_the_protocol() {
		$refused = function ( $status, $error, array $extra = array() ) {
			return Wismo_Link::verdict( $extra + array( 'ok' => false, 'status' => $status, 'body' => null, 'error' => $error ), null );
		};
		$this->assertSame( array( 'ok' => false, 'code' => 'secret', 'detail' => 'no matching v1 signature' ), $refused( 401, 'no matching v1 signature' ) );
		$this->assertSame( 'shop_key', $refused( 404, 'no such shop' )['code'] );
		$this->assertSame( 'unreachable', $refused( 0, 'cURL error 7: Failed to connect' )['code'] );
		$this->assertSame( 'refused', $refused( 400, 'invalid push' )['code'] );
		$this->assertSame( 'setup', $refused( 0, 'Enter the Wismo URL, shop key and secret first.', array( 'setup' => true ) )['code'], 'not set up is not "cannot be reached"' );
	}

	public function test_woocommerce_refusing_to_deliver_is_not_connected() {
		$verdict = Wismo_Link::verdict( self::reply( self::healthy() ), 'Error: Delivery URL cannot be reached: A valid URL was not provided.' );
		$this->assertFalse( $verdict['ok'] );
		$this->assertSame( 'delivery', $verdict['code'] );
		$this->assertStringContainsString( 'A valid URL', $verdict['detail'] );
	}

	public function test_a_mistyped_new_secret_is_reported_while_the_old_keys_work() {
		$body    = self::healthy( array( 'key_check' => array( 'ok' => false, 'error' => 'WooCommerce answered 401: Consumer secret is invalid.' ) ) );
		$verdict = Wismo_Link::verdict( self::reply( $body ), null );
		$this->assertSame( array( true, 'new_keys_refused' ), array( $verdict['ok'], $verdict['code'] ), 'still linked on the old keys: a warning, not a broken link' );
		$this->assertFalse( Wismo_Link::verdict( self::reply( $body ), 'Error: Delivery URL cannot be reached' )['ok'] );
	}

	public function test_keys_still_being_checked_are_not_connected_yet() {
		$this->assertSame( 'checking', Wismo_Link::verdict( self::reply( self::healthy( array( 'key_check' => array( 'ok' => null ) ) ) ), null )['code'] );
	}

	public function test_the_store_refusing_the_keys_is_not_connected() {
		$body = self::healthy( array( 'live' => array( 'ok' => false, 'error' => 'WooCommerce answered 401' ) ) );
		$this->assertSame( 'store', Wismo_Link::verdict( self::reply( $body ), null )['code'] );
	}

	public function test_a_wrong_shop_secret_and_an_unreachable_wismo_are_told_apart() {
		$this->assertSame( 'secret', Wismo_Link::verdict( self::reply( array(), 401 ), null )['code'] );
		$this->assertSame( 'unreachable', Wismo_Link::verdict( array( 'ok' => false, 'status' => 0, 'body' => null, 'error' => 'cURL error 7' ), null )['code'] );
		$this->assertSame( 'not_linked', Wismo_Link::verdict( self::reply( array( 'linked' => false, 'webhooks' => array() ) ), '' )['code'] );
	}

	public function test_the_return_from_approval_waits_while_wismo_tries_the_key() {
		$approval = Wismo_Link::approval( self::reply( self::healthy( array( 'key_check' => array( 'ok' => null ) ) ) ) );
		$this->assertSame( array( 'checking', '' ), array( $approval['stage'], $approval['revoke'] ) );
	}

	public function test_an_approved_key_that_replaced_a_pasted_one_names_the_old_one_to_revoke() {
		$hash     = hash_hmac( 'sha256', 'ck_0123456789abcdef0123456789abcdef01234567', 'wc-api' );
		$body     = self::healthy(
			array(
				'key_check'    => array( 'ok' => true, 'via' => 'authorize' ),
				'key_hint'     => '9a8b7c6',
				'key_hash'     => str_repeat( 'c', 64 ),
				'replaced_key' => array( 'hash' => $hash, 'hint' => '1234567' ),
			)
		);
		$approval = Wismo_Link::approval( self::reply( $body ) );
		$this->assertSame( 'linked', $approval['stage'] );
		$this->assertSame( array( $hash, '1234567', '9a8b7c6', 4 ), array( $approval['revoke'], $approval['revoke_hint'], $approval['key'], $approval['webhooks'] ) );
		$this->assertSame( str_repeat( 'c', 64 ), $approval['keep'], 'the key in use is never among those revoked' );
	}

	public function test_nothing_but_a_key_hash_is_ever_used_to_revoke() {
		foreach ( array( "' OR 1=1 --", 'ck_0123456789', str_repeat( 'g', 64 ), strtoupper( str_repeat( 'a', 64 ) ) ) as $bad ) {
			$body = self::healthy( array( 'replaced_key' => array( 'hash' => $bad, 'hint' => '<b>x' ), 'key_hash' => $bad ) );
			$this->assertSame( array( '', '' ), array( Wismo_Link::approval( self::reply( $body ) )['revoke'], Wismo_Link::approval( self::reply( $body ) )['keep'] ), $bad );
		}
		$this->assertSame( '', Wismo_Link::approval( self::reply( self::healthy() ) )['revoke'], 'no earlier key: nothing to revoke' );
	}

	public function test_a_refused_approved_key_revokes_nothing_and_says_why() {
		$body     = self::healthy(
			array(
				'key_check'    => array( 'ok' => false, 'error' => 'WooCommerce answered 401' ),
				'replaced_key' => array( 'hash' => str_repeat( 'a', 64 ), 'hint' => '1234567' ),
			)
		);
		$approval = Wismo_Link::approval( self::reply( $body ) );
		$this->assertSame( array( 'refused', 'WooCommerce answered 401', '' ), array( $approval['stage'], $approval['detail'], $approval['revoke'] ) );
		$this->assertSame( 'unreachable', Wismo_Link::approval( array( 'ok' => false, 'status' => 0, 'body' => null, 'error' => 'cURL error 7' ) )['stage'] );
	}

	public function test_signed_updates_refused_since_the_last_good_one_are_not_connected() {
		$body    = self::healthy(
			array(
				'refused_since_last_received' => 3,
				'last_refused_at'             => '2026-12-03T17:30:54+00:00',
				'last_received_at'            => '2026-12-03T17:21:02+00:00',
			)
		);
		$verdict = Wismo_Link::verdict( self::reply( $body ), null );
		$this->assertSame( array( false, 'signature', '3' ), array( $verdict['ok'], $verdict['code'], $verdict['detail'] ), 'the unsigned ping passing proves nothing about signatures' );
		$body['last_received_at'] = '2026-12-03T17:34:21+00:00';
		$this->assertSame( 'connected', Wismo_Link::verdict( self::reply( $body ), null )['code'], 'a good delivery since: mended' );
	}
}
