<?php
namespace Wismo;

/**
 * Tracking numbers typed into an order history comment ("Tracking: 2045...", "ТТН 2045...").
 * The same rule as adapters/opencart/tracking.py.
 */
final class Tracking {
	const PATTERN = '/(?:tracking(?:\s*(?:number|no\.?|code|#))?|track(?:ing)?\s*#|ttn|ттн|трек(?:-?\s?номер|-?\s?код)?|номер\s+(?:відправлення|отправления|посилки|посылки))\s*[:#№]?\s*([A-Z0-9][A-Z0-9-]{5,38}[A-Z0-9])/iu';

	/** The first tracking number named after a keyword, upper-cased; null when there is none. */
	public static function fromComment(string $comment): ?string {
		if ($comment === '' || !preg_match(self::PATTERN, $comment, $match)) {
			return null;
		}

		return strtoupper($match[1]);
	}

	/** A tracking number as staff typed it, cleaned; null when it is not one. */
	public static function clean(string $value): ?string {
		$value = strtoupper(preg_replace('/\s+/', '', $value));

		return preg_match('/^[A-Z0-9][A-Z0-9-]{3,48}[A-Z0-9]$/', $value) ? $value : null;
	}
}
