<?php
namespace Wismo;

/**
 * Open orders for Wismo's backfill (`wismo backfill`), pulled by Wismo with a signed
 * request: orders placed since a date whose status maps to a Wismo status still in
 * progress, a page at a time, each as the push it would have been.
 */
final class Backfill {
	const PER_PAGE = 50;
	/** Wismo statuses of an order still on its way (anything else is finished or silent). */
	const OPEN = ['placed', 'processing', 'picking', 'packed', 'shipped', 'in_transit', 'out_for_delivery', 'ready_for_pickup', 'attempted_delivery', 'delayed', 'exception'];

	private $db;
	private $prefix;

	public function __construct($db, string $prefix) {
		$this->db = $db;
		$this->prefix = $prefix;
	}

	/** The store's status ids that are open under the module's mapping. */
	public static function openStatusIds(array $statusIds, array $statusMap): array {
		return array_values(array_filter(array_map('intval', $statusIds), function ($id) use ($statusMap) {
			return $id > 0 && in_array(Statuses::resolve($id, $statusMap), self::OPEN, true);
		}));
	}

	/** [total, order ids of this page] for orders added since $since (unix) in the open statuses. */
	public function page(array $openIds, int $since, int $page): array {
		if (!$openIds) {
			return [0, []];
		}

		$where = ' WHERE `order_status_id` IN (' . implode(',', array_map('intval', $openIds)) . ") AND `date_added` >= '" . $this->db->escape(date('Y-m-d H:i:s', $since)) . "'";
		$total = (int)$this->db->query('SELECT COUNT(*) AS n FROM `' . $this->prefix . 'order`' . $where)->row['n'];
		$rows = $this->db->query('SELECT `order_id` FROM `' . $this->prefix . 'order`' . $where . ' ORDER BY `order_id` LIMIT ' . self::PER_PAGE . ' OFFSET ' . (max(1, $page) - 1) * self::PER_PAGE)->rows;

		return [$total, array_map(function ($r) { return (int)$r['order_id']; }, $rows)];
	}
}
