<?php
namespace Wismo;

/**
 * Pushes that did not get through yet, in a table of the store's database, retried with
 * a growing pause. Works on OpenCart's DB object (query(), escape()) in 3.0 and 4.x.
 */
final class Outbox {
	private $db;
	private $table;

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
			`last_error` VARCHAR(255) NOT NULL DEFAULT \'\',
			`date_added` INT(11) NOT NULL,
			PRIMARY KEY (`outbox_id`),
			UNIQUE KEY `message_id` (`message_id`)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4');
	}

	public function uninstall(): void {
		$this->db->query('DROP TABLE IF EXISTS ' . $this->table);
	}

	public function add(string $messageId, string $body, int $now): void {
		$this->db->query('INSERT IGNORE INTO ' . $this->table . " SET `message_id` = '" . $this->db->escape($messageId) . "', `body` = '" . $this->db->escape($body) . "', `next_attempt` = 0, `date_added` = " . $now);
	}

	/** Rows due for a (re)try, oldest first. */
	public function due(int $now, int $limit): array {
		return $this->db->query('SELECT * FROM ' . $this->table . ' WHERE `next_attempt` <= ' . $now . ' ORDER BY `outbox_id` LIMIT ' . max(1, $limit))->rows;
	}

	public function delete(int $outboxId): void {
		$this->db->query('DELETE FROM ' . $this->table . ' WHERE `outbox_id` = ' . $outboxId);
	}

	public function failed(array $row, string $error, int $now): void {
		$attempts = (int)$row['attempts'] + 1;
		$this->db->query('UPDATE ' . $this->table . ' SET `attempts` = ' . $attempts . ', `next_attempt` = ' . ($now + self::backoff($attempts)) . ", `last_error` = '" . $this->db->escape(mb_substr($error, 0, 250)) . "' WHERE `outbox_id` = " . (int)$row['outbox_id']);
	}

	/** How many pushes wait, and the last error, for the settings page. */
	public function summary(): array {
		$row = $this->db->query('SELECT COUNT(*) AS total, MAX(`last_error`) AS last_error FROM ' . $this->table)->row;

		return ['waiting' => (int)($row['total'] ?? 0), 'last_error' => (string)($row['last_error'] ?? '')];
	}

	/** Seconds to wait after the n-th failed attempt: 1, 2, 4 ... minutes, at most an hour. */
	public static function backoff(int $attempts): int {
		return (int)min(3600, 60 * (2 ** max(0, min(10, $attempts - 1))));
	}
}
