<?php
namespace Wismo;

/** The module's settings (stored by OpenCart as module_wismo_*), read once per request. */
final class Settings {
	public $url;
	public $shopKey;
	public $secret;
	public $enabled;
	public $statusMap;

	public function __construct(string $url, string $shopKey, string $secret, bool $enabled = true, array $statusMap = []) {
		$this->url = rtrim(trim($url), '/');
		$this->shopKey = trim($shopKey);
		$this->secret = trim($secret);
		$this->enabled = $enabled;
		$this->statusMap = $statusMap;
	}

	/** From OpenCart's config object (anything with get()). */
	public static function fromConfig($config): self {
		$map = $config->get('module_wismo_status_map');

		return new self((string)$config->get('module_wismo_url'), (string)$config->get('module_wismo_shop_key'), (string)$config->get('module_wismo_secret'), (bool)$config->get('module_wismo_status'), is_array($map) ? $map : []);
	}

	public function configured(): bool {
		return $this->enabled && preg_match('#^https?://#i', $this->url) && $this->shopKey !== '' && $this->secret !== '';
	}

	/** POST /webhooks/opencart/<shop_key>. */
	public function endpoint(): string {
		return $this->url . '/webhooks/opencart/' . rawurlencode($this->shopKey);
	}

	/** The key a cron job passes to the retry route, so strangers cannot trigger it. */
	public function cronKey(): string {
		return substr(hash_hmac('sha256', 'wismo-cron', $this->secret), 0, 20);
	}

	/** Wismo's settings values from a preset.php array (a pre-configured download). */
	public static function preset(string $file): array {
		if (!is_file($file)) {
			return [];
		}

		$preset = include $file;

		if (!is_array($preset)) {
			return [];
		}

		return [
			'module_wismo_url'      => (string)($preset['wismo_url'] ?? ''),
			'module_wismo_shop_key' => (string)($preset['shop_key'] ?? ''),
			'module_wismo_secret'   => (string)($preset['secret'] ?? ''),
		];
	}
}
