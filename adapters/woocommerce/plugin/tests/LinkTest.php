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
}
