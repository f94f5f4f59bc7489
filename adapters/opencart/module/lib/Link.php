<?php
namespace Wismo;

/**
 * How the link to Wismo stands, from the outbox, and what a merchant should do about an
 * error, in words rather than HTTP codes (the texts are the language files' link_*).
 */
final class Link {
	/** ok (nothing waits), waiting (just queued), or broken (the last attempt failed). */
	public static function state(array $summary): string {
		if ((int)($summary['waiting'] ?? 0) === 0) {
			return 'ok';
		}

		return (string)($summary['last_error'] ?? '') !== '' ? 'broken' : 'waiting';
	}

	/** The language key that tells the merchant what to do about an error Wismo or curl gave. */
	public static function advice(string $error): string {
		if (preg_match('/^HTTP 401\b/', $error)) {
			return 'link_secret';
		}

		if (preg_match('/^HTTP 404\b/', $error)) {
			return 'link_shop_key';
		}

		if (preg_match('/^HTTP [45]\d\d\b/', $error)) {
			return 'link_refused';
		}

		return 'link_unreachable';
	}

	/**
	 * What the merchant reads about an error: what to do, in the admin's language. A
	 * wrong secret or shop key needs nothing more; when Wismo refused for another reason
	 * or cannot be reached, the raw answer follows, labelled for whoever helps them, so
	 * "no matching v1 signature" never stands alone as the message.
	 *
	 * @param callable $get the language lookup ($this->language->get).
	 */
	public static function say(string $error, callable $get): string {
		$key = self::advice($error);
		$text = (string)$get($key);

		if ($key === 'link_secret' || $key === 'link_shop_key' || trim($error) === '') {
			return $text;
		}

		return $text . ' ' . sprintf((string)$get('text_error_details'), $error);
	}
}
