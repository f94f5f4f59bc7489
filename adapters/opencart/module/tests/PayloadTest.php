<?php
use PHPUnit\Framework\TestCase;
use Wismo\Outbox;
use Wismo\Payload;
use Wismo\Pusher;
use Wismo\Settings;
use Wismo\Signer;

require_once __DIR__ . '/MariaDb.php';

/** The push body, built from OpenCart's own order arrays, and how it is sent. */
final class PayloadTest extends TestCase {
	private static function order(array $extra = []): array {
		return $extra + [
			'order_id' => 42, 'customer_id' => 7, 'firstname' => 'Олена', 'lastname' => 'Петренко',
			'email' => 'olena@example.com', 'telephone' => '+380501234567', 'language_code' => 'uk-ua',
			'currency_code' => 'UAH', 'currency_value' => '40.00000000', 'total' => '31.2500',
			'shipping_method' => ['name' => 'Flat Shipping Rate', 'code' => 'flat.flat'], 'shipping_city' => 'Київ',
			'store_url' => 'http://shop.example/', 'date_modified' => '2026-11-22 10:00:00', 'date_added' => '2026-11-21 18:30:00', 'order_status_id' => 3,
		];
	}

	private static function build(array $order): array {
		$products = [['name' => 'Чайник &amp; чашка', 'model' => 'K-1', 'quantity' => 2, 'price' => '12.5000', 'total' => '25.0000', 'tax' => '0.0000']];
		$totals = [['code' => 'sub_total', 'title' => 'Sub-Total', 'value' => '25.0000'], ['code' => 'total', 'title' => 'Total', 'value' => '31.2500']];
		$event = ['status_id' => 3, 'status_name' => 'Shipped', 'comment' => 'ТТН 20450000000000', 'notify' => true, 'occurred_at' => 1795000000, 'tracking_number' => '20450000000000', 'wismo_status' => 'shipped'];

		return Payload::build($order, $products, $totals, $event, '4.1.0.3');
	}

	public function testCarriesEveryFieldWismoNeeds(): void {
		$order = self::build(self::order())['order'];
		$this->assertSame('42', $order['id']);
		$this->assertSame(3, $order['status_id']);
		$this->assertSame('Shipped', $order['status']);
		$this->assertSame('shipped', $order['wismo_status']);
		$this->assertTrue($order['notify']);
		$this->assertSame(['id' => 7, 'name' => 'Олена Петренко', 'email' => 'olena@example.com', 'phone' => '+380501234567'], $order['customer']);
		$this->assertSame('uk-ua', $order['language']);
		$this->assertSame('Flat Shipping Rate', $order['shipping']['method']);
		$this->assertSame('Київ', $order['shipping']['city']);
		$this->assertSame('20450000000000', $order['tracking_number']);
		$this->assertSame('http://shop.example/', $order['store_url']);
		$this->assertStringStartsWith('2026-11-22T10:00:00', $order['date_modified']);
		$this->assertStringStartsWith('2026-11-21T18:30:00', $order['date_added']);
	}

	public function testAStaffOnlyCommentStaysInTheStore(): void {
		$event = ['status_id' => 7, 'status_name' => 'Canceled', 'comment' => 'fraud suspected', 'notify' => false, 'occurred_at' => 1795000000, 'wismo_status' => 'cancelled'];
		$order = Payload::build(self::order(), [], [], $event, '3.0.4.1')['order'];
		$this->assertSame('', $order['comment']);
		$this->assertSame('', $order['reason']);
		$this->assertStringNotContainsString('fraud', Payload::encode(['order' => $order]));
	}

	public function testANotifiedCancellationCommentIsTheReason(): void {
		$event = ['status_id' => 7, 'status_name' => 'Canceled', 'comment' => ' Out of stock ', 'notify' => true, 'occurred_at' => 1795000000, 'wismo_status' => 'cancelled'];
		$order = Payload::build(self::order(), [], [], $event, '3.0.4.1')['order'];
		$this->assertSame('Out of stock', $order['comment']);
		$this->assertSame('Out of stock', $order['reason']);
	}

	public function testAmountsAreInTheOrdersCurrency(): void {
		$order = self::build(self::order())['order'];
		$this->assertSame('1250.00', $order['total']);
		$this->assertSame('500.00', $order['products'][0]['price']);
		$this->assertSame('Чайник & чашка', $order['products'][0]['name']);
		$this->assertSame(['code' => 'total', 'title' => 'Total', 'value' => '1250.00'], $order['totals'][1]);
	}

	public function testOpenCart3ShippingMethodIsAString(): void {
		$order = self::build(self::order(['shipping_method' => 'Flat Shipping Rate']))['order'];
		$this->assertSame('Flat Shipping Rate', $order['shipping']['method']);
	}

	public function testTheBodyIsCompactUnicodeJson(): void {
		$body = Payload::encode(self::build(self::order()));
		$this->assertStringContainsString('"name":"Олена Петренко"', $body);
		$this->assertStringContainsString('"store_url":"http://shop.example/"', $body);
	}

	public function testDeliveryIsSignedAndAFailureStaysQueued(): void {
		$db = MariaDb::connect();
		$outbox = new Outbox($db, 'oc_');
		$outbox->install();
		$calls = [];
		$answers = [[0, 'Connection refused'], [200, '']];
		$transport = function (string $url, array $headers, string $body) use (&$calls, &$answers) {
			$calls[] = [$url, $headers, $body];

			return array_shift($answers);
		};
		$settings = new Settings('https://wismo.example/', 'k3y', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
		$pusher = new Pusher($settings, $outbox, $transport);

		$this->assertSame(['sent' => 0, 'failed' => 1], $pusher->send(['event' => 'x'], 1000));
		$this->assertSame(1, $outbox->summary()['waiting']);
		$this->assertSame(['sent' => 0, 'failed' => 0], $pusher->flush(1001));  // not due yet
		$this->assertSame(['sent' => 1, 'failed' => 0], $pusher->flush(1000 + Outbox::backoff(1)));
		$this->assertSame(0, $outbox->summary()['waiting']);
		$db->drop();

		list($url, $headers, $body) = $calls[1];
		$this->assertSame('https://wismo.example/webhooks/opencart/k3y', $url);
		$id = substr($headers[0], strlen('webhook-id: '));
		$this->assertSame($calls[0][1][0], $headers[0], 'a retry keeps the message id');
		$this->assertSame('webhook-timestamp: 1060', $headers[1], 'and is signed afresh');
		$this->assertSame('webhook-signature: ' . Signer::sign($settings->secret, $id, 1060, $body), $headers[2]);
	}

	public function testBackoffGrowsToAnHour(): void {
		$this->assertSame([60, 120, 240, 3600], [Outbox::backoff(1), Outbox::backoff(2), Outbox::backoff(3), Outbox::backoff(9)]);
	}
}
