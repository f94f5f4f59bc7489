<?php
namespace Wismo;

/** The module's settings (stored by OpenCart as module_wismo_*), read once per request. */
final class Settings {
	public $url;
	public $shopKey;
	public $secret;
	public $enabled;
	public $statusMap;
	public $storedCronKey;

	public function __construct(string $url, string $shopKey, string $secret, bool $enabled = true, array $statusMap = [], string $cronKey = '') {
		$this->url = rtrim(trim($url), '/');
		$this->shopKey = trim($shopKey);
		$this->secret = trim($secret);
		$this->enabled = $enabled;
		$this->statusMap = $statusMap;
		$this->storedCronKey = trim($cronKey);
	}

	/** From OpenCart's config object (anything with get()). */
	public static function fromConfig($config): self {
		$map = $config->get('module_wismo_status_map');

		return new self((string)$config->get('module_wismo_url'), (string)$config->get('module_wismo_shop_key'), (string)$config->get('module_wismo_secret'), (bool)$config->get('module_wismo_status'), is_array($map) ? $map : [], (string)$config->get('module_wismo_cron_key'));
	}

	/** A secret as Wismo hands them out: "whsec_" and at least 16 bytes of base64. */
	public static function validSecret(string $secret): bool {
		$secret = trim($secret);

		if (strncmp($secret, Signer::PREFIX, strlen(Signer::PREFIX)) !== 0) {
			return false;
		}

		$key = base64_decode(substr($secret, strlen(Signer::PREFIX)), true);

		return $key !== false && strlen($key) >= 16;
	}

	/** Whether another URL, shop key or secret would replace the ones in use. */
	public function sameConnection(self $other): bool {
		return $this->url === $other->url && $this->shopKey === $other->shopKey && $this->secret === $other->secret;
	}

	public function configured(): bool {
		return $this->enabled && preg_match('#^https?://#i', $this->url) && $this->shopKey !== '' && $this->secret !== '';
	}

	/** POST /webhooks/opencart/<shop_key>. */
	public function endpoint(): string {
		return $this->url . '/webhooks/opencart/' . rawurlencode($this->shopKey);
	}

	/**
	 * The key a cron job passes to the retry route, so strangers cannot trigger it. It is
	 * stored on its own (module_wismo_cron_key) so a new secret does not break the cron
	 * line; modules before 1.1 derived it from the secret, which still works until the
	 * settings are saved once.
	 */
	public function cronKey(): string {
		return $this->storedCronKey !== '' ? $this->storedCronKey : substr(hash_hmac('sha256', 'wismo-cron', $this->secret), 0, 20);
	}

	/** A fresh random cron key. */
	public static function newCronKey(): string {
		return bin2hex(random_bytes(12));
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
