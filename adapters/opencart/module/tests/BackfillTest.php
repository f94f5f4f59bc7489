<?php
use PHPUnit\Framework\TestCase;
use Wismo\Backfill;
use Wismo\Signer;

require_once __DIR__ . '/MariaDb.php';

/** Wismo's signed pull of open orders: the signature check and the paging, on a real MariaDB. */
final class BackfillTest extends TestCase {
	const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

	public function testOnlyWismosSignatureWithinFiveMinutesOpensThePull(): void {
		$body = '{"since":0,"page":1}';
		$sig = Signer::sign(self::SECRET, 'msg_1', 1000, $body);
		$this->assertTrue(Signer::verify(self::SECRET, 'msg_1', '1000', 'v1,bm9wZQ== ' . $sig, $body, 1100));
		$this->assertFalse(Signer::verify(self::SECRET, 'msg_1', '1000', $sig, $body, 1400), 'too old');
		$this->assertFalse(Signer::verify(self::SECRET, 'msg_1', '1000', $sig, '{"since":0,"page":2}', 1100), 'another body');
		$this->assertFalse(Signer::verify('whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB', 'msg_1', '1000', $sig, $body, 1100), 'another secret');
		$this->assertFalse(Signer::verify(self::SECRET, '', '1000', $sig, $body, 1100));
	}

	public function testOpenMeansAStatusStillOnItsWay(): void {
		$this->assertSame([1, 2, 3, 15], Backfill::openStatusIds([1, 2, 3, 5, 7, 11, 15, 17], []));
		$this->assertSame([1, 17], Backfill::openStatusIds([1, 17], [17 => 'ready_for_pickup']));
	}

	public function testPagesOfOpenOrdersSinceADate(): void {
		$db = MariaDb::connect();
		try {
			$db->query('CREATE TABLE oc_order (`order_id` INT PRIMARY KEY, `order_status_id` INT, `date_added` DATETIME)');
			for ($i = 1; $i <= 120; $i++) {
				$db->query('INSERT INTO oc_order VALUES (' . $i . ', ' . ($i % 10 === 0 ? 5 : 2) . ", '2026-11-" . sprintf('%02d', 1 + $i % 28) . " 10:00:00')");
			}
			$db->query("INSERT INTO oc_order VALUES (500, 2, '2025-01-01 10:00:00')");
			$backfill = new Backfill($db, 'oc_');
			list($total, $first) = $backfill->page([1, 2, 3], strtotime('2026-10-01 00:00:00'), 1);
			list(, $third) = $backfill->page([1, 2, 3], strtotime('2026-10-01 00:00:00'), 3);
			$this->assertSame(108, $total);  // 120 minus the 12 complete ones; the 2025 order is too old
			$this->assertCount(50, $first);
			$this->assertCount(8, $third);
			$this->assertNotContains(10, $first);
			$this->assertSame([0, []], $backfill->page([], 0, 1));
		} finally {
			$db->drop();
		}
	}
}
