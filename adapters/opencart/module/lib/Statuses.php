<?php
namespace Wismo;

/**
 * Which Wismo status each OpenCart order status stands for. The same defaults as
 * adapters/opencart/statuses.py; the merchant's choices on the settings page win.
 */
final class Statuses {
	const NONE = 'none';

	/** Wismo's canonical statuses, in the order a settings page lists them. */
	const CANONICAL = [
		'placed', 'processing', 'picking', 'packed', 'shipped', 'in_transit', 'out_for_delivery',
		'ready_for_pickup', 'attempted_delivery', 'delivered', 'delayed', 'exception', 'cancelled',
		'return_requested', 'returned', 'refunded',
	];

	/** OpenCart's stock statuses (the same ids in 3.0 and 4.x): id => canonical or "none". */
	const DEFAULTS = [
		1 => 'placed',       // Pending
		2 => 'processing',   // Processing
		3 => 'shipped',      // Shipped
		5 => 'delivered',    // Complete
		7 => 'cancelled',    // Canceled
		8 => 'cancelled',    // Denied
		9 => 'none',         // Canceled Reversal
		10 => 'none',        // Failed
		11 => 'refunded',    // Refunded
		12 => 'none',        // Reversed
		13 => 'none',        // Chargeback
		14 => 'cancelled',   // Expired
		15 => 'processing',  // Processed
		16 => 'cancelled',   // Voided
	];

	/** The default for a status id: stock table, else "none" (a custom status says nothing until mapped). */
	public static function defaultFor(int $statusId): string {
		return self::DEFAULTS[$statusId] ?? self::NONE;
	}

	/** The merchant's choice for a status id if it is valid, else the default. */
	public static function resolve(int $statusId, array $mapping): string {
		$choice = isset($mapping[$statusId]) ? strtolower(trim((string)$mapping[$statusId])) : '';

		if ($choice === self::NONE || in_array($choice, self::CANONICAL, true)) {
			return $choice;
		}

		return self::defaultFor($statusId);
	}
}
