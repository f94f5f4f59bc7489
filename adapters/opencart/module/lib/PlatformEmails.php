<?php
namespace Wismo;

/**
 * OpenCart's own customer order emails (the event `mail_order_add` in 3.0, `mail_order`
 * in 4.x, action mail/order: the confirmation and every "Notify customer" update),
 * switched off while Wismo writes to shoppers, so nobody gets two emails per milestone,
 * and back on when Wismo is turned off in the module or has not been reached for
 * RESTORE_AFTER seconds (the shopper hears from the store rather than from nobody).
 */
final class PlatformEmails {
	const CODES = ['mail_order_add', 'mail_order'];
	const RESTORE_AFTER = 6 * 3600;

	private $db;
	private $table;

	public function __construct($db, string $prefix) {
		$this->db = $db;
		$this->table = '`' . $prefix . 'event`';
	}

	/** Whether OpenCart's customer emails should be on now. */
	public static function wanted(bool $switchedOff, bool $wismoEnabled, int $oldestFailing, int $now): bool {
		if (!$switchedOff || !$wismoEnabled) {
			return true;
		}

		return $oldestFailing > 0 && $now - $oldestFailing >= self::RESTORE_AFTER;
	}

	/** Whether any of OpenCart's customer order email events is enabled. */
	public function on(): bool {
		return (bool)$this->db->query('SELECT 1 FROM ' . $this->table . ' WHERE `code` IN (' . $this->codes() . ') AND `status` = 1 LIMIT 1')->num_rows;
	}

	/** Turn them on or off (the store owner's new-order alert, mail_order_alert, is never touched). */
	public function set(bool $on): void {
		$this->db->query('UPDATE ' . $this->table . ' SET `status` = ' . ($on ? 1 : 0) . ' WHERE `code` IN (' . $this->codes() . ')');
	}

	/** Bring them to the wanted state; true if something changed. */
	public function apply(bool $wanted): bool {
		if ($this->on() === $wanted) {
			return false;
		}

		$this->set($wanted);

		return true;
	}

	/** After a push or a settings change: the store's emails on or off as the situation wants. */
	public static function follow($db, string $prefix, $config, Outbox $outbox, int $now): void {
		$wanted = self::wanted((bool)$config->get('module_wismo_mail_off'), (bool)$config->get('module_wismo_status'), $outbox->oldestFailing(), $now);
		(new self($db, $prefix))->apply($wanted);
	}

	private function codes(): string {
		return "'" . implode("','", self::CODES) . "'";
	}
}
