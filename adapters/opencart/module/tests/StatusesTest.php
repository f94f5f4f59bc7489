<?php
use PHPUnit\Framework\TestCase;
use Wismo\Statuses;

final class StatusesTest extends TestCase {
	public function testEveryStockStatusHasADefault(): void {
		foreach ([1, 2, 3, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16] as $id) {
			$this->assertArrayHasKey($id, Statuses::DEFAULTS);
		}
		$this->assertSame('shipped', Statuses::defaultFor(3));
		$this->assertSame('delivered', Statuses::defaultFor(5));
	}

	public function testACustomStatusSaysNothingUntilMapped(): void {
		$this->assertSame('none', Statuses::resolve(17, []));
		$this->assertSame('ready_for_pickup', Statuses::resolve(17, [17 => 'ready_for_pickup']));
	}

	public function testTheMerchantsChoiceWinsUnlessItIsNotAStatus(): void {
		$this->assertSame('none', Statuses::resolve(1, [1 => 'none']));
		$this->assertSame('placed', Statuses::resolve(1, [1 => 'teleported']));
	}
}
