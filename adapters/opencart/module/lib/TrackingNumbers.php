<?php
namespace Wismo;

/** The tracking number of each order (OpenCart has no field for it), in the store's database. */
final class TrackingNumbers {
	private $db;
	private $table;

	public function __construct($db, string $prefix) {
		$this->db = $db;
		$this->table = '`' . $prefix . 'wismo_tracking`';
	}

	public function install(): void {
		$this->db->query('CREATE TABLE IF NOT EXISTS ' . $this->table . ' (
			`order_id` INT(11) NOT NULL,
			`tracking_number` VARCHAR(64) NOT NULL,
			`date_modified` INT(11) NOT NULL,
			PRIMARY KEY (`order_id`)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4');
	}

	public function uninstall(): void {
		$this->db->query('DROP TABLE IF EXISTS ' . $this->table);
	}

	public function get(int $orderId): string {
		$row = $this->db->query('SELECT `tracking_number` FROM ' . $this->table . ' WHERE `order_id` = ' . $orderId)->row;

		return (string)($row['tracking_number'] ?? '');
	}

	public function set(int $orderId, string $number, int $now): void {
		$this->db->query('REPLACE INTO ' . $this->table . ' SET `order_id` = ' . $orderId . ", `tracking_number` = '" . $this->db->escape($number) . "', `date_modified` = " . $now);
	}
}
