<?php
use PHPUnit\Framework\TestCase;
use Wismo\Outbox;
use Wismo\Pusher;
use Wismo\Settings;

require_once __DIR__ . '/MariaDb.php';

/** The outbox on a real MariaDB: order of delivery, back-off, upgrade from 1.0, the latest error. */
final class OutboxTest extends TestCase {
	private $db;

	protected function setUp(): void {
		$this->db = MariaDb::connect();
	}

	protected function tearDown(): void {
		$this->db->drop();
	}

	private function pusher(array &$answers, array &$sent): Pusher {
		$transport = function (string $url, array $headers, string $body) use (&$answers, &$sent) {
			$answer = array_shift($answers) ?: [200, ''];

			if ($answer[0] === 200) {
				$sent[] = json_decode($body, true)['order']['status'];
			}

			return $answer;
		};
		$outbox = new Outbox($this->db, 'oc_');
		$outbox->install();

		return new Pusher(new Settings('https://wismo.example', 'k3y', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), $outbox, $transport);
	}

	private static function push(string $order, string $status): array {
		return ['event' => 'order.status_changed', 'order' => ['id' => $order, 'status' => $status]];
	}

	public function testANewerPushNeverOvertakesAnOlderOneOfTheSameOrder(): void {
		$answers = [[0, 'Connection refused']];
		$sent = [];
		$pusher = $this->pusher($answers, $sent);

		$pusher->send(self::push('15', 'placed'), 1000);         // Wismo down: waits in back-off
		$pusher->send(self::push('15', 'processing'), 1010);     // Wismo back, but "placed" is not due yet
		$pusher->send(self::push('16', 'placed'), 1020);         // another order is not held up
		$this->assertSame(['placed'], array_map(function ($r) { return json_decode($r['body'], true)['order']['status']; }, $this->db->query('SELECT body FROM oc_wismo_outbox WHERE order_id = 15 ORDER BY outbox_id LIMIT 1')->rows));
		$this->assertSame(['placed'], $sent, 'order 16 went out; order 15 waits in order');

		$pusher->flush(1000 + Outbox::backoff(1));
		$this->assertSame(['placed', 'placed', 'processing'], $sent);
		$this->assertSame(0, (new Outbox($this->db, 'oc_'))->summary()['waiting']);
	}

	public function testUninstallDeliversWhatWaitsFirstEvenInBackOff(): void {
		$answers = [[0, 'Connection refused']];
		$sent = [];
		$pusher = $this->pusher($answers, $sent);
		$pusher->send(self::push('15', 'placed'), 1000);        // fails: in back-off until 1060
		$pusher->send(self::push('15', 'processing'), 1010);

		$this->assertSame(0, $pusher->leave(1020), 'tried at once, not left to the back-off');
		$this->assertSame(['placed', 'processing'], $sent);
		$this->assertSame([], $this->db->query("SHOW TABLES LIKE 'oc_wismo_outbox'")->rows, 'nothing waits: the table goes');
	}

	public function testUninstallWithWismoDownKeepsWhatWaitsForAReinstall(): void {
		$answers = [[0, 'Connection refused'], [0, 'Connection refused'], [0, 'Connection refused']];
		$sent = [];
		$pusher = $this->pusher($answers, $sent);
		$pusher->send(self::push('15', 'placed'), 1000);
		$pusher->send(self::push('16', 'placed'), 1005);

		$this->assertSame(2, $pusher->leave(1020));
		$outbox = new Outbox($this->db, 'oc_');
		$outbox->install();                                         // the module installed again
		$this->assertSame(2, $outbox->summary()['waiting']);
		$pusher->flush(1020 + Outbox::backoff(2));
		$this->assertSame(['placed', 'placed'], $sent, 'the kept pushes go out after the reinstall');
	}

	public function testTheLatestErrorIsShownNotTheAlphabeticallyLargest(): void {
		$answers = [[0, 'zzz: an old timeout'], [401, 'HTTP 401: invalid signature']];
		$sent = [];
		$pusher = $this->pusher($answers, $sent);
		$pusher->send(self::push('1', 'placed'), 1000);
		$pusher->flush(1000 + Outbox::backoff(1));

		$summary = (new Outbox($this->db, 'oc_'))->summary();
		$this->assertSame('HTTP 401: invalid signature', $summary['last_error']);
		$this->assertSame(1060, $summary['last_attempt']);
	}

	public function testATableMadeByModule10IsUpgradedInPlaceAndKeepsItsRows(): void {
		$this->db->query("CREATE TABLE oc_wismo_outbox (`outbox_id` INT(11) NOT NULL AUTO_INCREMENT, `message_id` VARCHAR(64) NOT NULL, `body` MEDIUMTEXT NOT NULL, `attempts` INT(11) NOT NULL DEFAULT 0, `next_attempt` INT(11) NOT NULL DEFAULT 0, `last_error` VARCHAR(255) NOT NULL DEFAULT '', `date_added` INT(11) NOT NULL, PRIMARY KEY (`outbox_id`), UNIQUE KEY `message_id` (`message_id`)) ENGINE=InnoDB");
		$this->db->query("INSERT INTO oc_wismo_outbox SET message_id = 'msg_old', body = '{\"order\":{\"id\":\"9\",\"status\":\"shipped\"}}', date_added = 1");
		$sent = [];
		$transport = function (string $url, array $headers, string $body) use (&$sent) {
			$sent[] = json_decode($body, true)['order']['status'];

			return [200, ''];
		};
		$pusher = new Pusher(new Settings('https://wismo.example', 'k3y', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), new Outbox($this->db, 'oc_'), $transport);

		$pusher->send(self::push('9', 'delivered'), 1000);
		$this->assertSame(['shipped', 'delivered'], $sent);
	}
}
