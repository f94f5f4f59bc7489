<?php
/**
 * The status mapping form offers only the store's own statuses and keeps valid choices.
 *
 * @package Wismo
 */

use PHPUnit\Framework\TestCase;

final class StatusesTest extends TestCase {

	public function test_only_custom_statuses_are_offered() {
		$all = array(
			'wc-pending'         => 'Pending payment',
			'wc-completed'       => 'Completed',
			'wc-partial-shipped' => 'Partially Shipped',
			'wc-awaiting-pickup' => 'Awaiting pickup',
		);
		$this->assertSame(
			array( 'partial-shipped' => 'Partially Shipped', 'awaiting-pickup' => 'Awaiting pickup' ),
			Wismo_Statuses::custom( $all )
		);
	}

	public function test_clean_drops_unknown_statuses_and_targets() {
		$custom = array( 'awaiting-pickup' => 'Awaiting pickup', 'gift-wrap' => 'Gift wrap' );
		$posted = array( 'awaiting-pickup' => 'ready_for_pickup', 'gift-wrap' => 'teleported', 'pending' => 'placed', 'x' => 'ignore' );
		$this->assertSame( array( 'awaiting-pickup' => 'ready_for_pickup' ), Wismo_Statuses::clean( $posted, $custom ) );
		$this->assertSame( array( 'gift-wrap' => 'ignore' ), Wismo_Statuses::clean( array( 'gift-wrap' => 'ignore' ), $custom ) );
	}
}
