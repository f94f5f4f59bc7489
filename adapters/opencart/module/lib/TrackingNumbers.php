<?php
namespace Wismo;

/**
 * The tracking number and carrier of each order (OpenCart has no field for them), in the
 * store's database.
 */
final class TrackingNumbers {
	/** Carriers offered in the order page's box (Wismo links their tracking pages); any other name may be typed. */
	const CARRIERS = ['Nova Poshta', 'Ukrposhta', 'Meest Express', 'DHL', 'DHL Express', 'UPS', 'FedEx', 'USPS', 'DPD', 'GLS', 'InPost', 'Royal Mail', 'Canada Post', 'Australia Post'];

	private $db;
	private $table;
	private $checked = false;

	public function __construct($db, string $prefix) {
		$this->db = $db;
		$this->table = '`' . $prefix . 'wismo_tracking`';
	}

	public function install(): void {
		$this->db->query('CREATE TABLE IF NOT EXISTS ' . $this->table . ' (
			`order_id` INT(11) NOT NULL,
			`tracking_number` VARCHAR(64) NOT NULL,
			`carrier` VARCHAR(64) NOT NULL DEFAULT \'\',
			`date_modified` INT(11) NOT NULL,
			PRIMARY KEY (`order_id`)
		) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4');
		$this->upgrade();
	}

	/** Adds module 1.1's `carrier` column to a table made by 1.0 (3.0 upgrades never re-run install()). */
	public function upgrade(): void {
		if ($this->checked) {
			return;
		}

		if (!$this->db->query('SHOW COLUMNS FROM ' . $this->table . " LIKE 'carrier'")->num_rows) {
			$this->db->query('ALTER TABLE ' . $this->table . " ADD `carrier` VARCHAR(64) NOT NULL DEFAULT '' AFTER `tracking_number`");
		}

		$this->checked = true;
	}

	public function uninstall(): void {
		$this->db->query('DROP TABLE IF EXISTS ' . $this->table);
	}

	public function get(int $orderId): string {
		$row = $this->db->query('SELECT `tracking_number` FROM ' . $this->table . ' WHERE `order_id` = ' . $orderId)->row;

		return (string)($row['tracking_number'] ?? '');
	}

	/** The carrier saved with the order's number ('' if none). */
	public function carrier(int $orderId): string {
		$this->upgrade();
		$row = $this->db->query('SELECT `carrier` FROM ' . $this->table . ' WHERE `order_id` = ' . $orderId)->row;

		return (string)($row['carrier'] ?? '');
	}

	/** Save the order's number; a null carrier (a number read from a comment) keeps the saved one. */
	public function set(int $orderId, string $number, int $now, ?string $carrier = null): void {
		$this->upgrade();
		$keep = $carrier === null ? '`carrier`' : "'" . $this->db->escape(self::cleanCarrier($carrier)) . "'";
		$this->db->query('INSERT INTO ' . $this->table . ' SET `order_id` = ' . $orderId . ", `tracking_number` = '" . $this->db->escape($number) . "', `carrier` = '" . $this->db->escape(self::cleanCarrier((string)$carrier)) . "', `date_modified` = " . $now . " ON DUPLICATE KEY UPDATE `tracking_number` = VALUES(`tracking_number`), `carrier` = " . $keep . ', `date_modified` = VALUES(`date_modified`)');
	}

	/** A carrier name as typed: plain text, at most 64 characters. */
	public static function cleanCarrier(string $carrier): string {
		return mb_substr(trim(preg_replace('/[\x00-\x1F<>]+/u', ' ', strip_tags($carrier))), 0, 64);
	}
}
