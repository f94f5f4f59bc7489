<?php
namespace Wismo;

/**
 * Standard Webhooks signatures and the storefront widget token, byte for byte as Wismo
 * checks them (core/signing.py, core/storefront.py; tests/vectors/shared_signing.json).
 */
final class Signer {
	const PREFIX = 'whsec_';
	const WIDGET_CONTEXT = 'wismo-widget.v1.';

	/** The HMAC key bytes of a "whsec_..." secret (base64 after the prefix) or a raw string. */
	public static function secretKey(string $secret): string {
		if (strncmp($secret, self::PREFIX, strlen(self::PREFIX)) === 0) {
			$key = base64_decode(substr($secret, strlen(self::PREFIX)), true);

			if ($key === false) {
				throw new \InvalidArgumentException('a whsec_ secret must be base64 after the prefix');
			}

			return $key;
		}

		return $secret;
	}

	/** "v1,<base64 HMAC-SHA256 of msg_id.timestamp.body>". */
	public static function sign(string $secret, string $msgId, int $timestamp, string $body): string {
		$mac = hash_hmac('sha256', $msgId . '.' . $timestamp . '.' . $body, self::secretKey($secret), true);

		return 'v1,' . base64_encode($mac);
	}

	/** The three webhook-* headers, as curl wants them ("Name: value"). */
	public static function headers(string $secret, string $msgId, int $timestamp, string $body): array {
		return [
			'webhook-id: ' . $msgId,
			'webhook-timestamp: ' . $timestamp,
			'webhook-signature: ' . self::sign($secret, $msgId, $timestamp, $body),
		];
	}

	/**
	 * Whether Wismo signed this request (Standard Webhooks, as core/signing.py signs): the
	 * timestamp within $tolerance seconds and one of the "v1,..." signatures matching.
	 */
	public static function verify(string $secret, string $msgId, string $timestamp, string $signatures, string $body, int $now, int $tolerance = 300): bool {
		if ($msgId === '' || !ctype_digit($timestamp) || abs($now - (int)$timestamp) > $tolerance) {
			return false;
		}

		try {
			$expected = self::sign($secret, $msgId, (int)$timestamp, $body);
		} catch (\InvalidArgumentException $e) {
			return false;
		}

		foreach (preg_split('/\s+/', trim($signatures)) as $given) {
			if (hash_equals($expected, $given)) {
				return true;
			}
		}

		return false;
	}

	/** A fresh message id: it stays the same through every retry, so Wismo drops duplicates. */
	public static function newMessageId(): string {
		return 'msg_' . bin2hex(random_bytes(12));
	}

	/**
	 * The widget token for one order of one shop, valid until `$expires` (unix time).
	 * `$placed` (unix time the order was placed, 0 = unsaid) lets Wismo tell an old order it
	 * never heard of from a new one whose push is still on its way.
	 */
	public static function storefrontToken(string $secret, string $shopKey, string $orderId, int $expires, int $placed = 0): string {
		$claim = ['s' => $shopKey, 'o' => $orderId, 'e' => $expires];

		if ($placed > 0) {
			$claim['p'] = $placed;
		}

		$json = json_encode($claim, JSON_UNESCAPED_SLASHES);
		$payload = self::base64url($json);
		$mac = hash_hmac('sha256', self::WIDGET_CONTEXT . $payload, self::secretKey($secret), true);

		return $payload . '.' . self::base64url($mac);
	}

	public static function base64url(string $data): string {
		return rtrim(strtr(base64_encode($data), '+/', '-_'), '=');
	}
}
