<?php
/**
 * The order screen's tracking entry and the switch for WooCommerce's own customer emails.
 *
 * @package Wismo
 */

use PHPUnit\Framework\TestCase;

final class OrderBoxTest extends TestCase {

	public function test_a_number_with_a_known_carrier_is_stored_as_the_tracking_extensions_do() {
		$items = Wismo_Order_Box::with_number( '', ' 2045 0000 000123 ', 'Nova Poshta', 1800000000 );
		$this->assertCount( 1, $items );
		$this->assertSame( '20450000000123', $items[0]['tracking_number'] );
		$this->assertSame( 'Nova Poshta', $items[0]['tracking_provider'] );
		$this->assertSame( '', $items[0]['custom_tracking_provider'] );
		$this->assertSame( '1800000000', $items[0]['date_shipped'] );
	}

	public function test_a_typed_carrier_is_a_custom_provider_and_the_same_number_is_not_added_twice() {
		$items = Wismo_Order_Box::with_number( array(), 'RR123456789UA', 'Local <b>courier</b>', 1 );
		$this->assertSame( 'Local courier', $items[0]['custom_tracking_provider'] );
		$items = Wismo_Order_Box::with_number( $items, 'rr123456789ua', 'Ukrposhta', 2 );
		$this->assertCount( 1, $items );
		$this->assertSame( array( 'Ukrposhta', '' ), array( $items[0]['tracking_provider'], $items[0]['custom_tracking_provider'] ) );
		$this->assertCount( 2, Wismo_Order_Box::with_number( $items, 'CP000000001UA', '', 3 ) );
	}

	public function test_woocommerce_emails_are_off_only_while_wismo_is_set_up_and_working() {
		$now = 1800000000;
		$ok  = array( 'ok' => true, 'at' => $now );
		$this->assertFalse( Wismo_Order_Box::platform_email_wanted( true, true, $ok, $now ) );
		$this->assertTrue( Wismo_Order_Box::platform_email_wanted( false, true, $ok, $now ), 'switch off' );
		$this->assertTrue( Wismo_Order_Box::platform_email_wanted( true, false, $ok, $now ), 'Wismo not set up' );
		$broken = array( 'ok' => false, 'at' => $now, 'failing_since' => $now - 3600 );
		$this->assertFalse( Wismo_Order_Box::platform_email_wanted( true, true, $broken, $now ), 'broken for an hour' );
		$broken['failing_since'] = $now - Wismo_Order_Box::RESTORE_AFTER;
		$this->assertTrue( Wismo_Order_Box::platform_email_wanted( true, true, $broken, $now ), 'broken for 6 hours' );
	}
}
