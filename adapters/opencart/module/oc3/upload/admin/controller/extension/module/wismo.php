<?php
require_once DIR_SYSTEM . 'library/wismo/autoload.php';

/**
 * Wismo's settings page (OpenCart 3.0.x): connection, status mapping, test button;
 * install/uninstall register and remove the events; the tracking number box on the order page.
 */
class ControllerExtensionModuleWismo extends Controller {
	const ROUTE = 'extension/module/wismo';

	/** code => [trigger, action]. 3.0 separates the method with "/". */
	private static $events = array(
		'wismo_order_history' => array('catalog/model/checkout/order/addOrderHistory/after', 'extension/module/wismo/history'),
		'wismo_order_info'    => array('catalog/view/account/order_info/after', 'extension/module/wismo/orderInfo'),
		'wismo_admin_order'   => array('admin/view/sale/order_info/after', 'extension/module/wismo/orderPage'),
		'wismo_product_date'  => array('catalog/view/product/product/after', 'extension/module/wismo/productPromise'),
	);

	private $error = array();

	public function index() {
		$this->events(); // a module updated in place gets the events added since (the product page's date)
		$this->load->language(self::ROUTE);
		$this->document->setTitle($this->language->get('heading_title'));
		$this->load->model('setting/setting');
		$token = 'user_token=' . $this->session->data['user_token'];

		if ($this->request->server['REQUEST_METHOD'] == 'POST' && $this->validate() && $this->verified()) {
			$post = $this->request->post;
			$map = array();

			foreach ((array)(isset($post['module_wismo_status_map']) ? $post['module_wismo_status_map'] : array()) as $id => $value) {
				$map[(int)$id] = \Wismo\Statuses::resolve((int)$id, array((int)$id => (string)$value));
			}

			$enabled = !empty($post['module_wismo_status']);
			$mail_off = !empty($post['module_wismo_mail_off']);
			$this->model_setting_setting->editSetting('module_wismo', array(
				'module_wismo_status'     => $enabled ? 1 : 0,
				'module_wismo_url'        => rtrim(trim((string)$post['module_wismo_url']), '/'),
				'module_wismo_shop_key'   => trim((string)$post['module_wismo_shop_key']),
				'module_wismo_secret'     => trim((string)$post['module_wismo_secret']),
				'module_wismo_status_map' => $map,
				'module_wismo_mail_off'   => $mail_off ? 1 : 0,
				'module_wismo_cron_key'   => $this->cronKey(),
			));
			$outbox = new \Wismo\Outbox($this->db, DB_PREFIX);
			(new \Wismo\PlatformEmails($this->db, DB_PREFIX))->apply(\Wismo\PlatformEmails::wanted($mail_off, $enabled, $outbox->oldestFailing(), time()));
			$this->session->data['success'] = $this->language->get('text_success');
			$this->response->redirect($this->url->link(self::ROUTE, $token, true));
		}

		$data['breadcrumbs'] = array(
			array('text' => $this->language->get('text_home'), 'href' => $this->url->link('common/dashboard', $token, true)),
			array('text' => $this->language->get('text_extension'), 'href' => $this->url->link('marketplace/extension', $token . '&type=module', true)),
			array('text' => $this->language->get('heading_title'), 'href' => $this->url->link(self::ROUTE, $token, true)),
		);
		$data['action'] = $this->url->link(self::ROUTE, $token, true);
		$data['test'] = str_replace('&amp;', '&', $this->url->link(self::ROUTE . '/test', $token, true));
		$data['cancel'] = $this->url->link('marketplace/extension', $token . '&type=module', true);
		$data['success'] = isset($this->session->data['success']) ? $this->session->data['success'] : '';
		unset($this->session->data['success']);
		$data['error_warning'] = isset($this->error['warning']) ? $this->error['warning'] : '';

		foreach (array('url', 'shop_key', 'secret') as $key) {
			$data['error_' . $key . '_field'] = isset($this->error[$key]) ? $this->error[$key] : '';
		}

		$post = $this->request->server['REQUEST_METHOD'] == 'POST' ? $this->request->post : array();

		foreach (array('status', 'url', 'shop_key', 'secret', 'mail_off') as $key) {
			$name = 'module_wismo_' . $key;
			$data[$name] = $post ? (isset($post[$name]) ? $post[$name] : '') : $this->config->get($name);
		}

		$map = (array)($this->config->get('module_wismo_status_map') ?: array());
		$this->load->model('localisation/order_status');
		$data['order_statuses'] = array();

		foreach ($this->model_localisation_order_status->getOrderStatuses() as $status) {
			$id = (int)$status['order_status_id'];
			$data['order_statuses'][] = array('id' => $id, 'name' => $status['name'], 'value' => \Wismo\Statuses::resolve($id, $map), 'default' => \Wismo\Statuses::defaultFor($id));
		}

		$data['canonical'] = array();

		foreach (array_merge(array(\Wismo\Statuses::NONE), \Wismo\Statuses::CANONICAL) as $status) {
			$data['canonical'][$status] = $this->language->get('status_' . $status);
		}

		$settings = \Wismo\Settings::fromConfig($this->config);
		$data['cron_url'] = $settings->secret !== '' ? HTTP_CATALOG . 'index.php?route=extension/module/wismo/cron&key=' . $settings->cronKey() : '';
		$data['track_url'] = HTTP_CATALOG . 'index.php?route=extension/module/wismo/track';
		$data['outbox'] = (new \Wismo\Outbox($this->db, DB_PREFIX))->summary();
		$data['outbox']['last_attempt'] = $data['outbox']['last_attempt'] ? date($this->language->get('datetime_format'), $data['outbox']['last_attempt']) : '';
		$data['outbox']['last_error_text'] = $data['outbox']['last_error'] !== '' ? \Wismo\Link::say((string)$data['outbox']['last_error'], array($this->language, 'get')) : '';
		$data['link'] = $this->linkStatus($settings, $data['outbox']);

		$data['header'] = $this->load->controller('common/header');
		$data['column_left'] = $this->load->controller('common/column_left');
		$data['footer'] = $this->load->controller('common/footer');

		$this->response->setOutput($this->load->view(self::ROUTE, $data));
	}

	private function validate() {
		$post = $this->request->post;

		if (!$this->user->hasPermission('modify', self::ROUTE)) {
			$this->error['warning'] = $this->language->get('error_permission');
		}

		if (!preg_match('#^https?://[^\s/]+#i', trim((string)(isset($post['module_wismo_url']) ? $post['module_wismo_url'] : '')))) {
			$this->error['url'] = $this->language->get('error_url');
		}

		if (!preg_match('/^[A-Za-z0-9_-]{4,64}$/', trim((string)(isset($post['module_wismo_shop_key']) ? $post['module_wismo_shop_key'] : '')))) {
			$this->error['shop_key'] = $this->language->get('error_shop_key');
		}

		if (!\Wismo\Settings::validSecret((string)(isset($post['module_wismo_secret']) ? $post['module_wismo_secret'] : ''))) {
			$this->error['secret'] = $this->language->get('error_secret');
		}

		return !$this->error;
	}

	/**
	 * New connection values replace working ones only after Wismo accepted a signed test
	 * with them; a mistyped secret is refused here, and the settings in use stay.
	 */
	private function verified() {
		$post = $this->request->post;
		$new = new \Wismo\Settings((string)$post['module_wismo_url'], (string)$post['module_wismo_shop_key'], (string)$post['module_wismo_secret']);

		if (empty($post['module_wismo_status']) || $new->sameConnection(\Wismo\Settings::fromConfig($this->config))) {
			return true;
		}

		list($ok, $error) = (new \Wismo\Pusher($new, null))->ping(time());

		if (!$ok) {
			$this->error['warning'] = sprintf($this->language->get('error_not_saved'), \Wismo\Link::say($error, array($this->language, 'get')));
		}

		return $ok;
	}

	/** The cron key to keep: the one in use (a 1.0 module's, derived from the saved secret, too), else a new one. */
	private function cronKey() {
		$current = \Wismo\Settings::fromConfig($this->config);

		return $current->storedCronKey !== '' || $current->secret !== '' ? $current->cronKey() : \Wismo\Settings::newCronKey();
	}

	/** The link as the merchant needs to see it: a live signed test, and what waits. */
	private function linkStatus(\Wismo\Settings $settings, array $outbox) {
		if (!$settings->configured()) {
			return array('ok' => false, 'text' => $this->language->get('text_link_off'));
		}

		list($ok, $error) = (new \Wismo\Pusher($settings, null))->ping(time());

		if (!$ok) {
			return array('ok' => false, 'text' => \Wismo\Link::say($error, array($this->language, 'get')));
		}

		if (\Wismo\Link::state($outbox) === 'broken') {
			return array('ok' => false, 'text' => sprintf($this->language->get('text_link_waiting'), $outbox['waiting']));
		}

		return array('ok' => true, 'text' => $this->language->get('text_test_ok'));
	}

	/** The "test connection" button: a signed ping with the values in the form. */
	public function test() {
		$this->load->language(self::ROUTE);
		$json = array();

		if (!$this->user->hasPermission('modify', self::ROUTE)) {
			$json['error'] = $this->language->get('error_permission');
		} else {
			$post = $this->request->post;
			$settings = new \Wismo\Settings((string)(isset($post['module_wismo_url']) ? $post['module_wismo_url'] : ''), (string)(isset($post['module_wismo_shop_key']) ? $post['module_wismo_shop_key'] : ''), (string)(isset($post['module_wismo_secret']) ? $post['module_wismo_secret'] : ''));

			try {
				list($ok, $error) = (new \Wismo\Pusher($settings, null))->ping(time());
			} catch (\Throwable $e) {
				list($ok, $error) = array(false, $e->getMessage());
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
	public function orderPage(&$route, &$data, &$output) {
		try {
			if (empty($data['order_id'])) {
				return;
			}

			$lang = $this->load->language(self::ROUTE);
			$order_id = (int)$data['order_id'];
			$tracking = new \Wismo\TrackingNumbers($this->db, DB_PREFIX);
			$outbox = (new \Wismo\Outbox($this->db, DB_PREFIX))->summary();
			$broken = \Wismo\Settings::fromConfig($this->config)->configured() && \Wismo\Link::state($outbox) === 'broken';
			$box = $this->load->view(self::ROUTE . '_order', array(
				'link_alert'      => $broken ? sprintf($lang['text_link_waiting'], $outbox['waiting']) . ' ' . $lang[\Wismo\Link::advice($outbox['last_error'])] : '',
				'settings_url'    => $this->url->link(self::ROUTE, 'user_token=' . $this->session->data['user_token'], true),
				'text_settings'   => $lang['heading_title'],
				'carrier'         => $tracking->carrier($order_id),
				'carriers'        => \Wismo\TrackingNumbers::CARRIERS,
				'entry_carrier'   => $lang['entry_carrier'],
				'tracking_number' => $tracking->get($order_id),
				'action'          => str_replace('&amp;', '&', $this->url->link(self::ROUTE . '/tracking', 'user_token=' . $this->session->data['user_token'] . '&order_id=' . $order_id, true)),
				'entry_tracking'  => isset($lang['entry_tracking']) ? $lang['entry_tracking'] : 'Tracking number',
				'help_tracking'   => isset($lang['help_tracking']) ? $lang['help_tracking'] : '',
				'button_save'     => isset($lang['button_tracking_save']) ? $lang['button_tracking_save'] : 'Save',
			));
			$at = strpos($output, '<div id="history"');
			$output = $at === false ? $output : substr($output, 0, $at) . $box . substr($output, $at);
		} catch (\Throwable $e) {
			$this->log->write('Wismo: ' . $e->getMessage());
		}
	}

	/** Save the tracking number typed on the order page and tell Wismo (no message by itself). */
	public function tracking() {
		$this->load->language(self::ROUTE);
		$json = array();
		$order_id = (int)(isset($this->request->get['order_id']) ? $this->request->get['order_id'] : 0);
		$number = \Wismo\Tracking::clean((string)(isset($this->request->post['wismo_tracking_number']) ? $this->request->post['wismo_tracking_number'] : ''));
		$carrier = \Wismo\TrackingNumbers::cleanCarrier((string)(isset($this->request->post['wismo_carrier']) ? $this->request->post['wismo_carrier'] : ''));

		if (!$this->user->hasPermission('modify', 'sale/order')) {
			$json['error'] = $this->language->get('error_permission');
		} elseif (!$number) {
			$json['error'] = $this->language->get('error_tracking');
		}

		$this->load->model('sale/order');
		$order = $order_id ? $this->model_sale_order->getOrder($order_id) : array();

		if (!$json && !$order) {
			$json['error'] = $this->language->get('error_order');
		}

		if (!$json) {
			(new \Wismo\TrackingNumbers($this->db, DB_PREFIX))->set($order_id, $number, time(), $carrier);
			$settings = \Wismo\Settings::fromConfig($this->config);

			if ($settings->configured() && (int)$order['order_status_id'] > 0) {
				$status_id = (int)$order['order_status_id'];
				$event = array('status_id' => $status_id, 'status_name' => (string)(isset($order['order_status']) ? $order['order_status'] : ''), 'wismo_status' => \Wismo\Statuses::resolve($status_id, $settings->statusMap), 'comment' => '', 'notify' => false, 'occurred_at' => time(), 'tracking_number' => $number, 'tracking_carrier' => $carrier, 'facts_only' => true);
				$payload = \Wismo\Payload::build($order, $this->model_sale_order->getOrderProducts($order_id), $this->model_sale_order->getOrderTotals($order_id), $event, VERSION);
				(new \Wismo\Pusher($settings, new \Wismo\Outbox($this->db, DB_PREFIX)))->send($payload, time());
			}

			$json['success'] = $this->language->get('text_tracking_saved');
		}

		$this->response->addHeader('Content-Type: application/json');
		$this->response->setOutput(json_encode($json));
	}

	/** Register each of the module's events that is not registered yet. */
	private function events() {
		$this->load->model('setting/event');

		foreach (self::$events as $code => $event) {
			if (!$this->model_setting_event->getEventByCode($code)) {
				$this->model_setting_event->addEvent($code, $event[0], $event[1], 1, 0);
			}
		}
	}

	/** Called by Extensions > Modules > Install: tables, events, and a pre-configured connection. */
	public function install() {
		(new \Wismo\Outbox($this->db, DB_PREFIX))->install();
		(new \Wismo\TrackingNumbers($this->db, DB_PREFIX))->install();
		$this->load->model('setting/event');

		foreach (self::$events as $code => $event) {
			$this->model_setting_event->deleteEventByCode($code);
			$this->model_setting_event->addEvent($code, $event[0], $event[1], 1, 0);
		}

		$preset = \Wismo\Settings::preset(DIR_SYSTEM . 'library/wismo/preset.php');

		if ($preset) {
			$this->load->model('setting/setting');
			$this->model_setting_setting->editSetting('module_wismo', $preset + array('module_wismo_status' => 1, 'module_wismo_status_map' => \Wismo\Statuses::DEFAULTS));
		}
	}

	/**
	 * Extensions > Modules > Uninstall: the events go, OpenCart's own emails come back on.
	 * Waiting pushes are tried once more; any Wismo still has not received stay in the
	 * outbox table (the settings page warned about them) and go out after a reinstall.
	 * Tracking numbers stay: they are the merchant's data.
	 */
	public function uninstall() {
		$this->load->model('setting/event');

		foreach (array_keys(self::$events) as $code) {
			$this->model_setting_event->deleteEventByCode($code);
		}

		(new \Wismo\PlatformEmails($this->db, DB_PREFIX))->apply(true);
		$waiting = (new \Wismo\Pusher(\Wismo\Settings::fromConfig($this->config), new \Wismo\Outbox($this->db, DB_PREFIX)))->leave(time());

		if ($waiting > 0) {
			$this->log->write('Wismo: uninstalled with ' . $waiting . ' updates Wismo has not received; they stay in ' . DB_PREFIX . 'wismo_outbox and are sent after a reinstall.');
		}

		$this->load->model('setting/setting');
		$this->model_setting_setting->deleteSetting('module_wismo');
	}
}
