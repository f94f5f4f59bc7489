<?php
use PHPUnit\Framework\TestCase;
use Wismo\Tracking;

/** Tracking numbers in history comments: the same examples the Python side runs. */
final class TrackingTest extends TestCase {
	public static function examples(): array {
		$cases = [];

		foreach (json_decode(file_get_contents(__DIR__ . '/tracking_examples.json'), true) as $case) {
			$cases[$case[0] === '' ? '(empty)' : $case[0]] = $case;
		}

		return $cases;
	}

	/** @dataProvider examples */
	public function testFindsTheNumberAfterAKeyword(string $comment, ?string $expected): void {
		$this->assertSame($expected, Tracking::fromComment($comment));
	}

	public function testCleansATypedNumber(): void {
		$this->assertSame('20450000000000', Tracking::clean(' 2045 0000 0000 00 '));
		$this->assertNull(Tracking::clean('<script>'));
	}
}
