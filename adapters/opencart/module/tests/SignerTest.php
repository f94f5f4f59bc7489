<?php
use PHPUnit\Framework\TestCase;
use Wismo\Signer;

/** Signatures and widget tokens match the vectors Wismo's Python side checks too. */
final class SignerTest extends TestCase {
	private static function vectors(): array {
		return json_decode(file_get_contents(__DIR__ . '/../../../../tests/vectors/shared_signing.json'), true);
	}

	public function testStandardWebhooksSignatureMatchesTheSharedVector(): void {
		$v = self::vectors();
		$w = $v['standard_webhooks'];
		$this->assertSame($w['signature'], Signer::sign($v['secret'], $w['msg_id'], $w['timestamp'], $w['body']));
	}

	public function testHeadersCarryIdTimestampAndSignature(): void {
		$v = self::vectors();
		$w = $v['standard_webhooks'];
		$this->assertSame([
			'webhook-id: ' . $w['msg_id'],
			'webhook-timestamp: ' . $w['timestamp'],
			'webhook-signature: ' . $w['signature'],
		], Signer::headers($v['secret'], $w['msg_id'], $w['timestamp'], $w['body']));
	}

	public function testAChangedBodyChangesTheSignature(): void {
		$v = self::vectors();
		$w = $v['standard_webhooks'];
		$this->assertNotSame($w['signature'], Signer::sign($v['secret'], $w['msg_id'], $w['timestamp'], $w['body'] . ' '));
	}

	public function testStorefrontTokenMatchesTheSharedVector(): void {
		$v = self::vectors();
		$t = $v['storefront_token'];
		$this->assertSame($t['token'], Signer::storefrontToken($v['secret'], $t['shop_key'], $t['order_id'], $t['expires']));
	}

	public function testStorefrontTokenWithThePlacedTimeMatchesTheSharedVector(): void {
		$v = self::vectors();
		$t = $v['storefront_token_placed'];
		$this->assertSame($t['token'], Signer::storefrontToken($v['secret'], $t['shop_key'], $t['order_id'], $t['expires'], $t['placed']));
	}

	public function testASecretWithoutThePrefixIsUsedAsTheRawKey(): void {
		$this->assertSame('plain', Signer::secretKey('plain'));
	}

	public function testABrokenWhsecSecretIsRefused(): void {
		$this->expectException(InvalidArgumentException::class);
		Signer::secretKey('whsec_***');
	}

	public function testMessageIdsAreFreshAndShort(): void {
		$a = Signer::newMessageId();
		$this->assertMatchesRegularExpression('/^msg_[0-9a-f]{24}$/', $a);
		$this->assertNotSame($a, Signer::newMessageId());
	}
}
