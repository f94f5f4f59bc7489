<?php
use PHPUnit\Framework\TestCase;
use Wismo\Link;
use Wismo\Settings;

/** What the settings and order pages say about the link, and the settings' own checks. */
final class LinkTest extends TestCase {
	public function testTheStateComesFromTheOutbox(): void {
		$this->assertSame('ok', Link::state(['waiting' => 0, 'last_error' => '']));
		$this->assertSame('waiting', Link::state(['waiting' => 2, 'last_error' => '']));
		$this->assertSame('broken', Link::state(['waiting' => 2, 'last_error' => 'HTTP 401: invalid signature']));
	}

	public function testErrorsBecomeAdviceNotCodes(): void {
		$this->assertSame('link_secret', Link::advice('HTTP 401: no matching v1 signature'));
		$this->assertSame('link_shop_key', Link::advice('HTTP 404: no such shop'));
		$this->assertSame('link_refused', Link::advice('HTTP 400: invalid push'));
		$this->assertSame('link_unreachable', Link::advice('Failed to connect to wismo.example port 443'));
	}

	/** The language file of the admin, as OpenCart's $this->language->get reads it. */
	private static function admin(string $code): callable {
		$_ = [];
		require dirname(__DIR__) . '/lang/admin/' . $code . '/wismo.php';

		return static function (string $key) use ($_) {
			return $_[$key] ?? $key;
		};
	}

	public function testTheMerchantReadsWhatToDoNotTheProtocol(): void {
		foreach (['en-gb', 'uk-ua', 'ru-ru'] as $code) {
			$get = self::admin($code);
			$said = Link::say('HTTP 401: no matching v1 signature', $get);
			$this->assertSame($get('link_secret'), $said, $code);
			$this->assertStringNotContainsString('v1', $said, $code);
			$this->assertStringNotContainsString('HTTP', Link::say('HTTP 404: no such shop', $get), $code);
			$refused = Link::say('HTTP 400: invalid push', $get);
			$this->assertStringStartsWith($get('link_refused') . ' ', $refused, $code);
			$this->assertStringEndsWith(sprintf($get('text_error_details'), 'HTTP 400: invalid push'), $refused, $code);
			$this->assertNotSame('text_error_details', $get('text_error_details'), $code);
			$notSaved = sprintf($get('error_not_saved'), $said);
			$this->assertSame(1, substr_count($notSaved, $get('link_secret')), $code);
			$this->assertStringNotContainsString('%s', $notSaved, $code);
		}
	}

	public function testASecretNeedsThePrefixItsErrorTextAsksFor(): void {
		$this->assertTrue(Settings::validSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'));
		$this->assertFalse(Settings::validSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'), 'no whsec_ prefix');
		$this->assertFalse(Settings::validSecret('whsec_not base64!!'));
		$this->assertFalse(Settings::validSecret('whsec_c2hvcnQ='), 'too short');
	}

	public function testTheCronKeyOutlivesANewSecret(): void {
		$old = new Settings('https://w.example', 'k3y', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', true, [], 'c0ffee');
		$new = new Settings('https://w.example', 'k3y', 'whsec_QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB', true, [], 'c0ffee');
		$this->assertSame('c0ffee', $old->cronKey());
		$this->assertSame($old->cronKey(), $new->cronKey());
		$this->assertFalse($old->sameConnection($new));
		$this->assertSame(24, strlen(Settings::newCronKey()));
	}
}
