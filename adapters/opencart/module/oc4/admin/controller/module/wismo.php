<?php
namespace Opencart\Admin\Controller\Extension\Wismo\Module;

require_once DIR_EXTENSION . 'wismo/system/library/wismo/autoload.php';

/**
 * Wismo's settings page (OpenCart 4.0.2+ and 4.1): connection, status mapping, test button;
 * install/uninstall register and remove the events; the tracking number box on the order page.
 */
class Wismo extends \Opencart\System\Engine\Controller {
	const ROUTE = 'extension/wismo/module/wismo';

	/** code => [trigger, method]. `?` matches 4.0's "order/addHistory" and 4.1's "order.addHistory". */
	const EVENTS = [
		'wismo_order_history' => ['catalog/model/checkout/order?addHistory/after', 'history'],
		'wismo_order_info'    => ['catalog/view/account/order_info/after', 'orderInfo'],
		'wismo_admin_order'   => ['admin/view/sale/order_info/after', 'orderPage'],
		'wismo_product_date'  => ['catalog/view/product/product/after', 'productPromise'],
	];

	public function index(): void {
		$this->schedule(); // a module updated over 1.1 gets its scheduler entry here
		$this->events(); // ... and the events added since (the product page's delivery date)
		$this->load->language(self::ROUTE);
		$this->document->setTitle($this->language->get('heading_title'));
		$token = 'user_token=' . $this->session->data['user_token'];

		$data['breadcrumbs'] = [
			['text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', $token)],
			['text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', $token . '&type=module')],
			['text' => $this->language->get('heading_title'), 'href' => $this->url->link(self::ROUTE, $token)],
		];
		$data['save'] = $this->url->link(self::ROUTE . '.save', $token);
		$data['test'] = $this->url->link(self::ROUTE . '.test', $token);
		$data['back'] = $this->url->link('marketplace/extension', $token . '&type=module');

		foreach (['status', 'url', 'shop_key', 'secret', 'mail_off'] as $key) {
			$data['module_wismo_' . $key] = $this->config->get('module_wismo_' . $key);
		}

		$map = (array)($this->config->get('module_wismo_status_map') ?: []);
		$this->load->model('localisation/order_status');
		$data['order_statuses'] = [];

		foreach ($this->model_localisation_order_status->getOrderStatuses() as $status) {
			$id = (int)$status['order_status_id'];
			$data['order_statuses'][] = ['id' => $id, 'name' => $status['name'], 'value' => \Wismo\Statuses::resolve($id, $map), 'default' => \Wismo\Statuses::defaultFor($id)];
		}

		$data['canonical'] = [];

		foreach (array_merge([\Wismo\Statuses::NONE], \Wismo\Statuses::CANONICAL) as $status) {
			$data['canonical'][$status] = $this->language->get('status_' . $status);
		}

		$settings = \Wismo\Settings::fromConfig($this->config);
		$data['cron_url'] = $settings->secret !== '' ? HTTP_CATALOG . 'index.php?route=extension/wismo/module/wismo.cron&key=' . $settings->cronKey() : '';
		$data['track_url'] = HTTP_CATALOG . 'index.php?route=extension/wismo/module/wismo.track';
		$data['outbox'] = (new \Wismo\Outbox($this->db, DB_PREFIX))->summary();
		$data['outbox']['last_attempt'] = $data['outbox']['last_attempt'] ? date($this->language->get('datetime_format'), $data['outbox']['last_attempt']) : '';
		$data['outbox']['last_error_text'] = $data['outbox']['last_error'] !== '' ? \Wismo\Link::say((string)$data['outbox']['last_error'], array($this->language, 'get')) : '';
		$data['link'] = $this->linkStatus($settings, $data['outbox']);

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view(self::ROUTE, $data));
	}

	public function save(): void {
		$this->load->language(self::ROUTE);
		$json = [];
		$post = $this->request->post;

		if (!$this->user->hasPermission('modify', self::ROUTE)) {
			$json['error']['warning'] = $this->language->get('error_permission');
		}

		if (!preg_match('#^https?://[^\s/]+#i', trim((string)($post['module_wismo_url'] ?? '')))) {
			$json['error']['url'] = $this->language->get('error_url');
		}

		if (!preg_match('/^[A-Za-z0-9_-]{4,64}$/', trim((string)($post['module_wismo_shop_key'] ?? '')))) {
			$json['error']['shop-key'] = $this->language->get('error_shop_key');
		}

		if (!\Wismo\Settings::validSecret((string)($post['module_wismo_secret'] ?? ''))) {
			$json['error']['secret'] = $this->language->get('error_secret');
		}

		if (!$json) {
			$error = $this->verify($post);

			if ($error !== '') {
				$json['error']['warning'] = $error;
			}
		}

		if (!$json) {
			$map = [];

			foreach ((array)($post['module_wismo_status_map'] ?? []) as $id => $value) {
				$map[(int)$id] = \Wismo\Statuses::resolve((int)$id, [(int)$id => (string)$value]);
			}

			$this->load->model('setting/setting');
			$this->model_setting_setting->editSetting('module_wismo', [
				'module_wismo_status'     => !empty($post['module_wismo_status']) ? 1 : 0,
				'module_wismo_url'        => rtrim(trim((string)$post['module_wismo_url']), '/'),
				'module_wismo_shop_key'   => trim((string)$post['module_wismo_shop_key']),
				'module_wismo_secret'     => trim((string)$post['module_wismo_secret']),
				'module_wismo_status_map' => $map,
				'module_wismo_mail_off'   => !empty($post['module_wismo_mail_off']) ? 1 : 0,
				'module_wismo_cron_key'   => $this->cronKey(),
			]);
			$wanted = \Wismo\PlatformEmails::wanted(!empty($post['module_wismo_mail_off']), !empty($post['module_wismo_status']), (new \Wismo\Outbox($this->db, DB_PREFIX))->oldestFailing(), time());
			(new \Wismo\PlatformEmails($this->db, DB_PREFIX))->apply($wanted);
			$json['success'] = $this->language->get('text_success');
		}

		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}

	/**
	 * '' when the posted connection may be saved: unchanged, turned off, or accepted by
	 * Wismo in a signed test just now; otherwise what to do. A mistyped secret never
	 * replaces the settings in use.
	 */
	private function verify(array $post): string {
		$new = new \Wismo\Settings((string)($post['module_wismo_url'] ?? ''), (string)($post['module_wismo_shop_key'] ?? ''), (string)($post['module_wismo_secret'] ?? ''));

		if (empty($post['module_wismo_status']) || $new->sameConnection(\Wismo\Settings::fromConfig($this->config))) {
			return '';
		}

		list($ok, $error) = (new \Wismo\Pusher($new, null))->ping(time());

		return $ok ? '' : sprintf($this->language->get('error_not_saved'), \Wismo\Link::say($error, array($this->language, 'get')));
	}

	/** The cron key to keep: the one in use (a 1.0 module's, derived from the saved secret, too), else a new one. */
	private function cronKey(): string {
		$current = \Wismo\Settings::fromConfig($this->config);

		return $current->storedCronKey !== '' || $current->secret !== '' ? $current->cronKey() : \Wismo\Settings::newCronKey();
	}

	/** The link as the merchant needs to see it: a live signed test, and what waits. */
	private function linkStatus(\Wismo\Settings $settings, array $outbox): array {
		if (!$settings->configured()) {
			return ['ok' => false, 'text' => $this->language->get('text_link_off')];
		}

		list($ok, $error) = (new \Wismo\Pusher($settings, null))->ping(time());

		if (!$ok) {
			return ['ok' => false, 'text' => \Wismo\Link::say($error, array($this->language, 'get'))];
		}

		if (\Wismo\Link::state($outbox) === 'broken') {
			return ['ok' => false, 'text' => sprintf($this->language->get('text_link_waiting'), $outbox['waiting'])];
		}

		return ['ok' => true, 'text' => $this->language->get('text_test_ok')];
	}

	/** The "test connection" button: a signed ping with the values in the form. */
	public function test(): void {
		$this->load->language(self::ROUTE);
		$json = [];

		if (!$this->user->hasPermission('modify', self::ROUTE)) {
			$json['error'] = $this->language->get('error_permission');
		} else {
			$post = $this->request->post;
			$settings = new \Wismo\Settings((string)($post['module_wismo_url'] ?? ''), (string)($post['module_wismo_shop_key'] ?? ''), (string)($post['module_wismo_secret'] ?? ''));

			try {
				list($ok, $error) = (new \Wismo\Pusher($settings, null))->ping(time());
			} catch (\Throwable $e) {
				list($ok, $error) = [false, $e->getMessage()];
			}

			if ($ok) {
				$json['success'] = $this->language->get('text_test_ok');
			} else {
				$json['error'] = \Wismo\Link::say($error, array($this->language, 'get'));
			}
		}

		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}

	/** Event admin/view/sale/order_info/after: a tracking number box above the history. */
	public function orderPage(string &$route, array &$data, string &$output): void {
		try {
			if (empty($data['order_id'])) {
				return;
			}

			$lang = $this->load->language(self::ROUTE);
			$order_id = (int)$data['order_id'];
			$tracking = new \Wismo\TrackingNumbers($this->db, DB_PREFIX);
			$outbox = (new \Wismo\Outbox($this->db, DB_PREFIX))->summary();
			$broken = \Wismo\Settings::fromConfig($this->config)->configured() && \Wismo\Link::state($outbox) === 'broken';
			$box = $this->load->view(self::ROUTE . '_order', [
				'link_alert'      => $broken ? sprintf($lang['text_link_waiting'], $outbox['waiting']) . ' ' . $lang[\Wismo\Link::advice($outbox['last_error'])] : '',
				'settings_url'    => $this->url->link(self::ROUTE, 'user_token=' . $this->session->data['user_token']),
				'text_settings'   => $lang['heading_title'],
				'carrier'         => $tracking->carrier($order_id),
				'carriers'        => \Wismo\TrackingNumbers::CARRIERS,
				'entry_carrier'   => $lang['entry_carrier'],
				'tracking_number' => $tracking->get($order_id),
				'action'          => $this->url->link(self::ROUTE . '.tracking', 'user_token=' . $this->session->data['user_token'] . '&order_id=' . $order_id),
				'entry_tracking'  => $lang['entry_tracking'] ?? 'Tracking number',
				'help_tracking'   => $lang['help_tracking'] ?? '',
				'button_save'     => $lang['button_tracking_save'] ?? 'Save',
			]);
			$at = strpos($output, '<div id="history"');
			$output = $at === false ? $output : substr($output, 0, $at) . $box . substr($output, $at);
		} catch (\Throwable $e) {
			$this->log->write('Wismo: ' . $e->getMessage());
		}
	}

	/** Save the tracking number typed on the order page and tell Wismo (no message by itself). */
	public function tracking(): void {
		$this->load->language(self::ROUTE);
		$json = [];
		$order_id = (int)($this->request->get['order_id'] ?? 0);
		$number = \Wismo\Tracking::clean((string)($this->request->post['wismo_tracking_number'] ?? ''));
		$carrier = \Wismo\TrackingNumbers::cleanCarrier((string)($this->request->post['wismo_carrier'] ?? ''));

		if (!$this->user->hasPermission('modify', 'sale/order')) {
			$json['error'] = $this->language->get('error_permission');
		} elseif (!$number) {
			$json['error'] = $this->language->get('error_tracking');
		}

		$this->load->model('sale/order');
		$order = $order_id ? $this->model_sale_order->getOrder($order_id) : [];

		if (!$json && !$order) {
			$json['error'] = $this->language->get('error_order');
		}

		if (!$json) {
			(new \Wismo\TrackingNumbers($this->db, DB_PREFIX))->set($order_id, $number, time(), $carrier);
			$settings = \Wismo\Settings::fromConfig($this->config);

			if ($settings->configured() && (int)$order['order_status_id'] > 0) {
				$status_id = (int)$order['order_status_id'];
				$event = ['status_id' => $status_id, 'status_name' => (string)($order['order_status'] ?? ''), 'wismo_status' => \Wismo\Statuses::resolve($status_id, $settings->statusMap), 'comment' => '', 'notify' => false, 'occurred_at' => time(), 'tracking_number' => $number, 'tracking_carrier' => $carrier, 'facts_only' => true];
				$payload = \Wismo\Payload::build($order, $this->model_sale_order->getProducts($order_id), $this->model_sale_order->getTotals($order_id), $event, VERSION);
				(new \Wismo\Pusher($settings, new \Wismo\Outbox($this->db, DB_PREFIX)))->send($payload, time());
			}

			$json['success'] = $this->language->get('text_tracking_saved');
		}

		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}

	/** OpenCart 4's scheduler (Extensions > Cron Jobs) retries waiting updates every hour. */
	private function schedule(): void {
		$this->load->model('setting/cron');

		if (!$this->model_setting_cron->getCronByCode('wismo')) {
			$this->model_setting_cron->addCron('wismo', 'Wismo: send order updates still waiting for Wismo', 'hour', self::ROUTE . '.scheduled', true);
		}
	}

	/** Register each of the module's events that is not registered yet. */
	private function events(): void {
		$this->load->model('setting/event');

		foreach (self::EVENTS as $code => list($trigger, $method)) {
			if (!$this->model_setting_event->getEventByCode($code)) {
				$this->model_setting_event->addEvent([
					'code'        => $code,
					'description' => 'Wismo: order status notifications',
					'trigger'     => $trigger,
					'action'      => self::ROUTE . '.' . $method,
					'status'      => true,
					'sort_order'  => 0,
				]);
			}
		}
	}

	/** Called by Extensions > Modules > Install: tables, events, and a pre-configured connection. */
	public function install(): void {
		(new \Wismo\Outbox($this->db, DB_PREFIX))->install();
		(new \Wismo\TrackingNumbers($this->db, DB_PREFIX))->install();
		$this->load->model('setting/event');

		foreach (self::EVENTS as $code => list($trigger, $method)) {
			$this->model_setting_event->deleteEventByCode($code);
			$this->model_setting_event->addEvent([
				'code'        => $code,
				'description' => 'Wismo: order status notifications',
				'trigger'     => $trigger,
				'action'      => self::ROUTE . '.' . $method,
				'status'      => true,
				'sort_order'  => 0,
			]);
		}

		$this->schedule();

		$preset = \Wismo\Settings::preset(DIR_EXTENSION . 'wismo/system/library/wismo/preset.php');

		if ($preset) {
			$this->load->model('setting/setting');
			$this->model_setting_setting->editSetting('module_wismo', $preset + ['module_wismo_status' => 1, 'module_wismo_status_map' => \Wismo\Statuses::DEFAULTS]);
		}
	}

	/**
	 * Extensions > Modules > Uninstall: the events go, OpenCart's own emails come back on.
	 * Waiting pushes are tried once more; any Wismo still has not received stay in the
	 * outbox table (the settings page warned about them) and go out after a reinstall.
	 * Tracking numbers stay: they are the merchant's data.
	 */
	public function uninstall(): void {
		$this->load->model('setting/event');

		foreach (array_keys(self::EVENTS) as $code) {
			$this->model_setting_event->deleteEventByCode($code);
		}

		$this->load->model('setting/cron');
		$this->model_setting_cron->deleteCronByCode('wismo');

		(new \Wismo\PlatformEmails($this->db, DB_PREFIX))->apply(true);
		$waiting = (new \Wismo\Pusher(\Wismo\Settings::fromConfig($this->config), new \Wismo\Outbox($this->db, DB_PREFIX)))->leave(time());

		if ($waiting > 0) {
			$this->log->write('Wismo: uninstalled with ' . $waiting . ' updates Wismo has not received; they stay in ' . DB_PREFIX . 'wismo_outbox and are sent after a reinstall.');
		}

		$this->load->model('setting/setting');
		$this->model_setting_setting->deleteSetting('module_wismo');
	}
}
