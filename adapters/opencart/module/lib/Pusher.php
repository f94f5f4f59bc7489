<?php
namespace Wismo;

/**
 * Sends pushes to Wismo without ever holding up the store: every push is first kept in
 * the outbox, then tried with a 2-second limit; a failure stops the round (Wismo is
 * down, so the next rows would only wait too) and the rows are retried later.
 */
final class Pusher {
	const CONNECT_TIMEOUT_MS = 1500;
	const TIMEOUT_MS = 2000;

	private $settings;
	private $outbox;
	private $transport;

	/** @param callable|null $transport fn(string $url, array $headers, string $body): array{0:int,1:string} */
	public function __construct(Settings $settings, ?Outbox $outbox, ?callable $transport = null) {
		$this->settings = $settings;
		$this->outbox = $outbox;
		$this->transport = $transport ?: [self::class, 'curl'];
	}

	/** Keep the push, then try to deliver it along with any earlier ones still waiting. */
	public function send(array $payload, int $now): array {
		$orderId = isset($payload['order']['id']) ? (string)$payload['order']['id'] : '';
		$this->outbox->add(Signer::newMessageId(), Payload::encode($payload), $now, $orderId);

		return $this->flush($now, 5);
	}

	/**
	 * Try the rows that are due; stops at the first failure. Asks again after each round,
	 * because delivering an order's oldest row makes its next row due.
	 */
	public function flush(int $now, int $limit = 20, ?int $dueBy = null): array {
		$sent = 0;

		while ($sent < $limit && ($rows = $this->outbox->due($dueBy ?? $now, $limit - $sent))) {
			foreach ($rows as $row) {
				list($ok, $error) = $this->deliver((string)$row['message_id'], (string)$row['body'], $now);

				if (!$ok) {
					$this->outbox->failed($row, $error, $now);

					return ['sent' => $sent, 'failed' => 1];
				}

				$this->outbox->delete((int)$row['outbox_id']);
				$sent++;
			}
		}

		return ['sent' => $sent, 'failed' => 0];
	}

	/**
	 * Uninstall: every waiting push is tried now, back-off or not (still one order's in
	 * order), and the outbox goes only when nothing is left; otherwise it stays, with
	 * what waits, for a reinstall to send. Returns how many pushes still wait.
	 */
	public function leave(int $now, int $limit = 50): int {
		if ($this->settings->configured()) {
			$this->flush($now, $limit, 2147483647);
		}

		$waiting = $this->outbox->summary()['waiting'];

		if ($waiting === 0) {
			$this->outbox->uninstall();
		}

		return $waiting;
	}

	/** One signed POST, signed afresh (new timestamp, same id) on every attempt. */
	public function deliver(string $messageId, string $body, int $now): array {
		$headers = Signer::headers($this->settings->secret, $messageId, $now, $body);
		$headers[] = 'Content-Type: application/json';
		list($status, $error) = call_user_func($this->transport, $this->settings->endpoint(), $headers, $body);

		if ($status >= 200 && $status < 300) {
			return [true, ''];
		}

		// A 4xx other than 408/429 will not get better by waiting, but keeping the row
		// lets the merchant fix the secret and lose nothing.
		return [false, $error !== '' ? $error : 'HTTP ' . $status];
	}

	/** The "test connection" button: a signed ping, answered 200 when URL, key and secret are right. */
	public function ping(int $now): array {
		$body = Payload::encode(['event' => 'ping', 'module' => Payload::VERSION]);

		return $this->deliver(Signer::newMessageId(), $body, $now);
	}

	/** POST with curl: [HTTP status (0 if none), error text]. */
	public static function curl(string $url, array $headers, string $body): array {
		if (!function_exists('curl_init')) {
			return [0, 'the PHP curl extension is missing'];
		}

		$ch = curl_init($url);
		curl_setopt_array($ch, [
			CURLOPT_POST           => true,
			CURLOPT_POSTFIELDS     => $body,
			CURLOPT_HTTPHEADER     => $headers,
			CURLOPT_RETURNTRANSFER => true,
			CURLOPT_CONNECTTIMEOUT_MS => self::CONNECT_TIMEOUT_MS,
			CURLOPT_TIMEOUT_MS     => self::TIMEOUT_MS,
			CURLOPT_NOSIGNAL       => true,
			CURLOPT_FOLLOWLOCATION => false,
		]);
		$response = curl_exec($ch);
		$status = (int)curl_getinfo($ch, CURLINFO_HTTP_CODE);
		$error = $response === false ? curl_error($ch) : '';

		if ($status >= 400 && is_string($response)) {
			$error = 'HTTP ' . $status . ': ' . mb_substr(trim(strip_tags($response)), 0, 200);
		}

		curl_close($ch);

		return [$status, $error];
	}
}
