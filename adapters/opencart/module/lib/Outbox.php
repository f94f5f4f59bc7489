<?php
namespace Wismo;

/**
 * Pushes that did not get through yet, in a table of the store's database, retried with
 * a growing pause. Works on OpenCart's DB object (query(), escape()) in 3.0 and 4.x.
 *
 * One order's pushes go out strictly in the order they were made: a row waits while an
 * older row of the same order is still in the table (in back-off, say), so "processing"
 * can never overtake the "placed" it follows.
 */
final class Outbox {
	private $db;
	private $table;
	private $checked = false;

	public function __construct($db, string $prefix) {
		$this->db = $db;
		$this->table = '`' . $prefix . 'wismo_outbox`';
	}

	public function install(): void {
		$this->db->query('CREATE TABLE IF NOT EXISTS ' . $this->table . ' (
			`outbox_id` INT(11) NOT NULL AUTO_INCREMENT,
			`message_id` VARCHAR(64) NOT NULL,
			`body` MEDIUMTEXT NOT NULL,
			`attempts` INT(11) NOT NULL DEFAULT 0,
			`next_attempt` INT(11) NOT NULL DEFAULT 0,
			`order_id` VARCHAR(32) NOT NULL DEFAULT \'\',
			`last_error` VARCHAR(255) NOT NULL DEFAULT \'\',
			`last_attempt` INT(11) NOT NULL DEFAULT 0,
			`date_added` INT(11) NOT NULL,
			PRIMARY KEY (`outbox_id`),
			UNIQUE KEY `message_id` (`message_id`),
			KEY `order_id` (`order_id`)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4');
		$this->upgrade();
	}

	/**
	 * Adds the columns of module 1.1 to a table made by 1.0: OpenCart 3.0 replaces the
	 * files on upgrade but never runs install() again. Checked once per instance.
	 */
	public function upgrade(): void {
		if ($this->checked) {
			return;
		}

		if (!$this->db->query('SHOW COLUMNS FROM ' . $this->table . " LIKE 'order_id'")->num_rows) {
			$this->db->query('ALTER TABLE ' . $this->table . " ADD `order_id` VARCHAR(32) NOT NULL DEFAULT '' AFTER `next_attempt`, ADD `last_attempt` INT(11) NOT NULL DEFAULT 0 AFTER `last_error`, ADD KEY `order_id` (`order_id`)");
		}

		$this->checked = true;
	}

	public function uninstall(): void {
		$this->db->query('DROP TABLE IF EXISTS ' . $this->table);
	}

	/** Keep a push; $orderId ('' for none) ties it to the order's other pushes. */
	public function add(string $messageId, string $body, int $now, string $orderId = ''): void {
		$this->upgrade();
		$this->db->query('INSERT IGNORE INTO ' . $this->table . " SET `message_id` = '" . $this->db->escape($messageId) . "', `body` = '" . $this->db->escape($body) . "', `next_attempt` = 0, `order_id` = '" . $this->db->escape($orderId) . "', `date_added` = " . $now);
	}

	/** Rows due for a (re)try, oldest first, each the oldest one waiting for its order. */
	public function due(int $now, int $limit): array {
		$this->upgrade();

		return $this->db->query('SELECT o.* FROM ' . $this->table . ' o WHERE o.`next_attempt` <= ' . $now . " AND (o.`order_id` = '' OR NOT EXISTS (SELECT 1 FROM " . $this->table . ' p WHERE p.`order_id` = o.`order_id` AND p.`outbox_id` < o.`outbox_id`)) ORDER BY o.`outbox_id` LIMIT ' . max(1, $limit))->rows;
	}

	public function delete(int $outboxId): void {
		$this->db->query('DELETE FROM ' . $this->table . ' WHERE `outbox_id` = ' . $outboxId);
	}

	public function failed(array $row, string $error, int $now): void {
		$attempts = (int)$row['attempts'] + 1;
		$this->db->query('UPDATE ' . $this->table . ' SET `attempts` = ' . $attempts . ', `next_attempt` = ' . ($now + self::backoff($attempts)) . ', `last_attempt` = ' . $now . ", `last_error` = '" . $this->db->escape(mb_substr($error, 0, 250)) . "' WHERE `outbox_id` = " . (int)$row['outbox_id']);
	}

	/** How many pushes wait, and the latest error with its time, for the settings page. */
	public function summary(): array {
		$this->upgrade();
		$count = $this->db->query('SELECT COUNT(*) AS total FROM ' . $this->table)->row;
		$last = $this->db->query('SELECT `last_error`, `last_attempt` FROM ' . $this->table . " WHERE `last_error` <> '' ORDER BY `last_attempt` DESC, `outbox_id` DESC LIMIT 1")->row;

		return ['waiting' => (int)($count['total'] ?? 0), 'last_error' => (string)($last['last_error'] ?? ''), 'last_attempt' => (int)($last['last_attempt'] ?? 0)];
	}

	/** When the oldest push that has failed at least once was made (unix), 0 if none. */
	public function oldestFailing(): int {
		$this->upgrade();

		return (int)($this->db->query('SELECT MIN(`date_added`) AS t FROM ' . $this->table . ' WHERE `attempts` > 0')->row['t'] ?? 0);
	}

	/** Keep the waiting rows (uninstall): they are delivered after a reinstall. */
	public function isEmpty(): bool {
		$this->upgrade();

		return !$this->db->query('SELECT 1 FROM ' . $this->table . ' LIMIT 1')->num_rows;
	}

	/** Seconds to wait after the n-th failed attempt: 1, 2, 4 ... minutes, at most an hour. */
	public static function backoff(int $attempts): int {
		return (int)min(3600, 60 * (2 ** max(0, min(10, $attempts - 1))));
	}
}
