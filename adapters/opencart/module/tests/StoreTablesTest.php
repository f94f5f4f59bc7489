<?php
use PHPUnit\Framework\TestCase;
use Wismo\Outbox;
use Wismo\PlatformEmails;
use Wismo\TrackingNumbers;

require_once __DIR__ . '/MariaDb.php';

/** The tracking table and OpenCart's own email events, on a real MariaDB. */
final class StoreTablesTest extends TestCase {
	private $db;

	protected function setUp(): void {
		$this->db = MariaDb::connect();
	}

	protected function tearDown(): void {
		$this->db->drop();
	}

	public function testACarrierIsKeptWhenACommentRepeatsTheNumber(): void {
		$tracking = new TrackingNumbers($this->db, 'oc_');
		$tracking->install();
		$tracking->set(15, '20450000000123', 1000, 'Nova Poshta');
		$tracking->set(15, '20450000000123', 1100);  // "ТТН 2045..." typed into a history comment
		$this->assertSame(['20450000000123', 'Nova Poshta'], [$tracking->get(15), $tracking->carrier(15)]);
		$tracking->set(15, 'RR123456789UA', 1200, '<b>Ukrposhta</b>');
		$this->assertSame(['RR123456789UA', 'Ukrposhta'], [$tracking->get(15), $tracking->carrier(15)]);
	}

	public function testATrackingTableOfModule10GetsItsCarrierColumn(): void {
		$this->db->query('CREATE TABLE oc_wismo_tracking (`order_id` INT(11) NOT NULL, `tracking_number` VARCHAR(64) NOT NULL, `date_modified` INT(11) NOT NULL, PRIMARY KEY (`order_id`)) ENGINE=InnoDB');
		$this->db->query("INSERT INTO oc_wismo_tracking SET order_id = 3, tracking_number = 'RR1', date_modified = 1");
		$tracking = new TrackingNumbers($this->db, 'oc_');
		$this->assertSame(['RR1', ''], [$tracking->get(3), $tracking->carrier(3)]);
	}

	public function testTheStoresCustomerEmailsGoOffAndComeBackButTheOwnersAlertStays(): void {
		$this->db->query('CREATE TABLE oc_event (`event_id` INT AUTO_INCREMENT PRIMARY KEY, `code` VARCHAR(64), `trigger` TEXT, `action` TEXT, `status` TINYINT)');
		$this->db->query("INSERT INTO oc_event (`code`, `trigger`, `action`, `status`) VALUES ('mail_order_add', 'catalog/model/checkout/order/addOrderHistory/before', 'mail/order', 1), ('mail_order_alert', 'catalog/model/checkout/order/addOrderHistory/before', 'mail/order/alert', 1)");
		$emails = new PlatformEmails($this->db, 'oc_');

		$this->assertTrue($emails->apply(false));
		$this->assertFalse($emails->on());
		$this->assertFalse($emails->apply(false), 'nothing to change');
		$this->assertSame('1', $this->db->query("SELECT status FROM oc_event WHERE code = 'mail_order_alert'")->row['status']);
		$this->assertTrue($emails->apply(true));
		$this->assertTrue($emails->on());
	}

	public function testTheStoresEmailsAreWantedBackWhenWismoIsOffOrLongUnreachable(): void {
		$now = 1800000000;
		$this->assertFalse(PlatformEmails::wanted(true, true, 0, $now));
		$this->assertFalse(PlatformEmails::wanted(true, true, $now - 600, $now));
		$this->assertTrue(PlatformEmails::wanted(true, true, $now - PlatformEmails::RESTORE_AFTER, $now));
		$this->assertTrue(PlatformEmails::wanted(true, false, 0, $now), 'Wismo turned off in the module');
		$this->assertTrue(PlatformEmails::wanted(false, true, 0, $now), 'the switch is off');
	}

	public function testTheOldestFailingPushIsWhatCounts(): void {
		$outbox = new Outbox($this->db, 'oc_');
		$outbox->install();
		$outbox->add('msg_a', '{}', 1000, '1');
		$this->assertSame(0, $outbox->oldestFailing());
		$outbox->failed($outbox->due(1000, 1)[0], 'HTTP 503', 1000);
		$this->assertSame(1000, $outbox->oldestFailing());
		$this->assertFalse($outbox->isEmpty());
	}
}
