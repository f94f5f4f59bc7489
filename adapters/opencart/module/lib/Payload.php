<?php
namespace Wismo;

/**
 * The JSON a push carries, built from OpenCart's own order arrays (model checkout/order
 * getOrder(), getProducts(), getTotals()), which look the same in 3.0 and 4.x except
 * that 4.x keeps shipping_method as an array.
 */
final class Payload {
	const VERSION = '1.2.0';

	/**
	 * @param array $order    getOrder() of the order
	 * @param array $products getProducts() rows
	 * @param array $totals   getTotals() rows
	 * @param array $event    status_id, status_name, comment, notify, occurred_at (unix), tracking_number,
	 *                        wismo_status (the mapped status), facts_only, tracking_carrier
	 * @param string $platform the OpenCart VERSION
	 */
	public static function build(array $order, array $products, array $totals, array $event, string $platform = ''): array {
		$rate = isset($order['currency_value']) && (float)$order['currency_value'] > 0 ? (float)$order['currency_value'] : 1.0;

		$shipping = $order['shipping_method'] ?? '';

		if (is_array($shipping)) {
			$shipping = $shipping['name'] ?? ($shipping['title'] ?? '');
		}

		$items = [];

		foreach ($products as $product) {
			$items[] = [
				'name'     => html_entity_decode((string)($product['name'] ?? ''), ENT_QUOTES, 'UTF-8'),
				'model'    => (string)($product['model'] ?? ''),
				'quantity' => (int)($product['quantity'] ?? 1),
				'price'    => self::money((float)($product['price'] ?? 0) + (float)($product['tax'] ?? 0), $rate),
				'total'    => self::money((float)($product['total'] ?? 0) + (float)($product['tax'] ?? 0) * (int)($product['quantity'] ?? 1), $rate),
			];
		}

		$lines = [];

		foreach ($totals as $total) {
			$lines[] = [
				'code'  => (string)($total['code'] ?? ''),
				'title' => html_entity_decode((string)($total['title'] ?? ''), ENT_QUOTES, 'UTF-8'),
				'value' => self::money((float)($total['value'] ?? 0), $rate),
			];
		}

		$name = trim(($order['firstname'] ?? '') . ' ' . ($order['lastname'] ?? ''));
		// OpenCart shows a history comment to the customer only when "Notify" is ticked;
		// without it the comment is staff-only ("fraud suspected") and never leaves the store.
		$notify = !empty($event['notify']);
		$public = $notify ? trim((string)($event['comment'] ?? '')) : '';
		$status = (string)($event['wismo_status'] ?? '');

		$data = [
			'id'              => (string)$order['order_id'],
			'number'          => '#' . $order['order_id'],
			'status_id'       => (int)$event['status_id'],
			'status'          => (string)($event['status_name'] ?? ''),
			'wismo_status'    => $status,
			'facts_only'      => !empty($event['facts_only']),
			'comment'         => $public,
			'reason'          => $status === 'cancelled' ? $public : '',
			'notify'          => $notify,
			'customer'        => [
				'id'    => (int)($order['customer_id'] ?? 0),
				'name'  => html_entity_decode($name, ENT_QUOTES, 'UTF-8'),
				'email' => (string)($order['email'] ?? ''),
				'phone' => (string)($order['telephone'] ?? ''),
			],
			'language'        => (string)($order['language_code'] ?? ''),
			'currency'        => (string)($order['currency_code'] ?? ''),
			'total'           => self::money((float)($order['total'] ?? 0), $rate),
			'totals'          => $lines,
			'products'        => $items,
			'shipping'        => [
				'method' => html_entity_decode((string)$shipping, ENT_QUOTES, 'UTF-8'),
				'city'   => html_entity_decode((string)($order['shipping_city'] ?? ''), ENT_QUOTES, 'UTF-8'),
			],
			'tracking_number' => (string)($event['tracking_number'] ?? ''),
			'tracking_carrier' => (string)($event['tracking_carrier'] ?? ''),
			'store_url'       => (string)($order['store_url'] ?? ''),
			'date_modified'   => self::isoDate((string)($order['date_modified'] ?? '')),
			'date_added'      => self::isoDate((string)($order['date_added'] ?? '')),
			'occurred_at'     => date('c', (int)($event['occurred_at'] ?? time())),
		];

		return ['event' => 'order.status_changed', 'module' => self::VERSION, 'platform' => 'opencart ' . $platform, 'order' => $data];
	}

	/** The body bytes that get signed: compact JSON, Unicode kept readable. */
	public static function encode(array $payload): string {
		return json_encode($payload, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE);
	}

	/** An amount in the order's currency (OpenCart stores the default currency and a rate). */
	public static function money(float $amount, float $rate = 1.0): string {
		return number_format($amount * $rate, 2, '.', '');
	}

	private static function isoDate(string $value): string {
		$time = $value !== '' ? strtotime($value) : false;

		return $time ? date('c', $time) : '';
	}
}
