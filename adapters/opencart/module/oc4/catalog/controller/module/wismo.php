<?php
namespace Opencart\Catalog\Controller\Extension\Wismo\Module;

require_once DIR_EXTENSION . 'wismo/system/library/wismo/autoload.php';

/**
 * Wismo in the storefront (OpenCart 4.0.2+ and 4.1): the order history event handler,
 * the live status widget on the customer's order page, the tracking lookup page and
 * the cron route that retries pushes Wismo did not receive.
 */
class Wismo extends \Opencart\System\Engine\Controller {
	/**
	 * Event catalog/model/checkout/order?addHistory/after (4.0: order/addHistory, 4.1: order.addHistory).
	 * $args = [order_id, order_status_id, comment, notify, override]. Returns nothing: a
	 * return value would stop the event chain. Never throws: checkout must not break.
	 */
	public function history(string &$route, array &$args, &$output): void {
		try {
			$settings = \Wismo\Settings::fromConfig($this->config);
			$order_id = (int)($args[0] ?? 0);
			$status_id = (int)($args[1] ?? 0);

			if (!$settings->configured() || !$order_id || !$status_id) {
				return;
			}

			$this->load->model('checkout/order');
			$order = $this->model_checkout_order->getOrder($order_id);

			if (!$order) {
				return;
			}

			$comment = (string)($args[2] ?? '');
			$tracking = new \Wismo\TrackingNumbers($this->db, DB_PREFIX);
			$number = \Wismo\Tracking::fromComment($comment);

			if ($number) {
				$tracking->set($order_id, $number, time());
			} else {
				$number = $tracking->get($order_id);
			}

			$event = [
				'status_id'       => $status_id,
				'status_name'     => $this->statusName($status_id, (int)$order['language_id']),
				'wismo_status'    => \Wismo\Statuses::resolve($status_id, $settings->statusMap),
				'comment'         => $comment,
				'notify'          => !empty($args[3]),
				'occurred_at'     => time(),
				'tracking_number' => (string)$number,
				'tracking_carrier' => $tracking->carrier($order_id),
			];
			$payload = \Wismo\Payload::build($order, $this->model_checkout_order->getProducts($order_id), $this->model_checkout_order->getTotals($order_id), $event, VERSION);

			$this->pusher($settings)->send($payload, time());
			\Wismo\PlatformEmails::follow($this->db, DB_PREFIX, $this->config, new \Wismo\Outbox($this->db, DB_PREFIX), time());
		} catch (\Throwable $e) {
			$this->log->write('Wismo: ' . $e->getMessage());
		}
	}

	/** Event catalog/view/product/product/after: the delivery date before purchase. */
	public function productPromise(string &$route, array &$data, string &$output): void {
		try {
			$settings = \Wismo\Settings::fromConfig($this->config);

			if ($settings->configured()) {
				$output = \Wismo\Widget::injectPromise($output, \Wismo\Widget::promise($settings->url, $settings->shopKey, (string)$this->config->get('config_language')));
			}
		} catch (\Throwable $e) {
			$this->log->write('Wismo: ' . $e->getMessage());
		}
	}

	/** Event catalog/view/account/order_info/after: the live status widget for this order. */
	public function orderInfo(string &$route, array &$data, string &$output): void {
		try {
			$settings = \Wismo\Settings::fromConfig($this->config);

			if (!$settings->configured() || empty($data['order_id']) || !$this->customer->isLogged()) {
				return;
			}

			$this->load->model('account/order');
			$info = $this->model_account_order->getOrder((int)$data['order_id']);
			$placed = $info ? (int)strtotime((string)$info['date_added']) : 0;
			$token = \Wismo\Signer::storefrontToken($settings->secret, $settings->shopKey, (string)(int)$data['order_id'], time() + 7 * 24 * 3600, max(0, $placed));
			$output = \Wismo\Widget::inject($output, \Wismo\Widget::forOrder($settings->url, $token, (string)$this->config->get('config_language')));
		} catch (\Throwable $e) {
			$this->log->write('Wismo: ' . $e->getMessage());
		}
	}

	/** index.php?route=extension/wismo/module/wismo.track: "where is my order?" for guests too. */
	public function track(): void {
		$this->load->language('extension/wismo/module/wismo');
		$this->document->setTitle($this->language->get('heading_track'));
		$settings = \Wismo\Settings::fromConfig($this->config);

		$data['heading_title'] = $this->language->get('heading_track');
		$data['text_intro'] = $this->language->get('text_track_intro');
		$data['text_unavailable'] = $this->language->get('text_unavailable');
		$data['widget'] = $settings->configured() ? \Wismo\Widget::lookup($settings->url, $settings->shopKey, (string)$this->config->get('config_language')) : '';
		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/home', 'language=' . $this->config->get('config_language'))],
			['text' => $this->language->get('heading_track'), 'href' => $this->url->link('extension/wismo/module/wismo.track', 'language=' . $this->config->get('config_language'))],
		];
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['column_right'] = $this->load->controller('common/column_right');
		$data['content_top'] = $this->load->controller('common/content_top');
		$data['content_bottom'] = $this->load->controller('common/content_bottom');
		$data['footer'] = $this->load->controller('common/footer');
		$data['header'] = $this->load->controller('common/header');

		$this->response->setOutput($this->load->view('extension/wismo/module/wismo_track', $data));
	}

	/** index.php?route=extension/wismo/module/wismo.cron&key=...: retry waiting pushes (for a cron job). */
	public function cron(): void {
		$settings = \Wismo\Settings::fromConfig($this->config);
		$key = (string)($this->request->get['key'] ?? '');
		$this->response->addHeader('Content-Type: application/json');

		if (!$settings->configured() || !hash_equals($settings->cronKey(), $key)) {
			$this->response->addHeader('HTTP/1.1 403 Forbidden');
			$this->response->setOutput(json_encode(['error' => 'wrong key']));

			return;
		}

		$result = $this->pusher($settings)->flush(time(), 50);
		$this->response->setOutput(json_encode($result + (new \Wismo\Outbox($this->db, DB_PREFIX))->summary()));
	}

	/**
	 * OpenCart's own scheduler (Extensions > Cron Jobs, run by its hourly `cron/cron` job):
	 * retry waiting pushes without a cron line of the merchant's own. install() registers it.
	 */
	public function scheduled(int $cron_id = 0, string $code = '', string $cycle = '', string $date_added = '', string $date_modified = ''): void {
		$settings = \Wismo\Settings::fromConfig($this->config);

		if ($settings->configured()) {
			$this->pusher($settings)->flush(time(), 50);
		}
	}

	/**
	 * index.php?route=extension/wismo/module/wismo.orders: the open orders Wismo's backfill pulls (`wismo backfill`),
	 * a signed POST from Wismo ({"since": unix, "page": n}), answered with each order as
	 * its push would carry it.
	 */
	public function orders(): void {
		$settings = \Wismo\Settings::fromConfig($this->config);
		$body = (string)file_get_contents('php://input');
		$server = $this->request->server;
		$header = function ($name) use ($server) {
			$key = 'HTTP_' . strtoupper(str_replace('-', '_', $name));

			return isset($server[$key]) ? html_entity_decode((string)$server[$key], ENT_QUOTES, 'UTF-8') : '';
		};
		$this->response->addHeader('Content-Type: application/json');

		if (!$settings->configured() || !\Wismo\Signer::verify($settings->secret, $header('webhook-id'), $header('webhook-timestamp'), $header('webhook-signature'), $body, time())) {
			$this->response->addHeader('HTTP/1.1 401 Unauthorized');
			$this->response->setOutput(json_encode(array('error' => 'invalid signature')));

			return;
		}

		$query = json_decode($body, true);
		$query = is_array($query) ? $query : array();
		$ids = array_column($this->db->query('SELECT DISTINCT `order_status_id` FROM `' . DB_PREFIX . 'order_status`')->rows, 'order_status_id');
		$open = \Wismo\Backfill::openStatusIds($ids, $settings->statusMap);
		list($total, $page) = (new \Wismo\Backfill($this->db, DB_PREFIX))->page($open, (int)(isset($query['since']) ? $query['since'] : 0), (int)(isset($query['page']) ? $query['page'] : 1));
		$this->load->model('checkout/order');
		$tracking = new \Wismo\TrackingNumbers($this->db, DB_PREFIX);
		$orders = array();

		foreach ($page as $order_id) {
			$order = $this->model_checkout_order->getOrder($order_id);

			if (!$order) {
				continue;
			}

			$status_id = (int)$order['order_status_id'];
			$event = array(
				'status_id'        => $status_id,
				'status_name'      => $this->statusName($status_id, (int)$order['language_id']),
				'wismo_status'     => \Wismo\Statuses::resolve($status_id, $settings->statusMap),
				'occurred_at'      => strtotime((string)$order['date_modified']) ?: time(),
				'tracking_number'  => $tracking->get($order_id),
				'tracking_carrier' => $tracking->carrier($order_id),
			);
			$orders[] = \Wismo\Payload::build($order, $this->model_checkout_order->getProducts($order_id), $this->model_checkout_order->getTotals($order_id), $event, VERSION)['order'];
		}

		$this->response->setOutput(json_encode(array('total' => $total, 'per_page' => \Wismo\Backfill::PER_PAGE, 'orders' => $orders), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE));
	}

	private function pusher(\Wismo\Settings $settings): \Wismo\Pusher {
		return new \Wismo\Pusher($settings, new \Wismo\Outbox($this->db, DB_PREFIX));
	}

	private function statusName(int $status_id, int $language_id): string {
		$query = $this->db->query("SELECT `name` FROM `" . DB_PREFIX . "order_status` WHERE `order_status_id` = '" . $status_id . "' AND `language_id` = '" . ($language_id ?: (int)$this->config->get('config_language_id')) . "'");

		return (string)($query->row['name'] ?? '');
	}
}
