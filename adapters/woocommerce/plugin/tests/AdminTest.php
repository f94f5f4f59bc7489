<?php
/**
 * What the merchant reads in WordPress: where the settings are after activation (item
 * 18), Connect over http (item 14), and refusals that say what to do (item 15).
 *
 * @package Wismo
 */

use PHPUnit\Framework\TestCase;

require_once __DIR__ . '/wordpress.php';
require_once dirname( __DIR__ ) . '/wismo/includes/class-wismo-client.php';
require_once dirname( __DIR__ ) . '/wismo/includes/class-wismo-admin.php';

final class AdminTest extends TestCase {

	protected function setUp(): void {
		$GLOBALS['wismo_test_options'] = array();
		$GLOBALS['wismo_test_can']     = true;
	}

	private static function shown( callable $render ) {
		ob_start();
		$render();
		return (string) ob_get_clean();
	}

	public function test_the_plugin_list_links_to_the_settings_first() {
		$links = Wismo_Admin::action_links( array( '<a href="#">Deactivate</a>' ) );
		$this->assertCount( 2, $links );
		$this->assertStringContainsString( 'href="https://shop.example/wp-admin/admin.php?page=wismo"', $links[0] );
		$this->assertStringContainsString( '>Settings<', $links[0] );
	}

	public function test_the_pointer_after_activation_is_shown_once_and_only_to_a_manager() {
		update_option( 'wismo_welcome', 'yes' );
		$GLOBALS['wismo_test_can'] = false;
		$this->assertSame( '', self::shown( array( 'Wismo_Admin', 'welcome_notice' ) ), 'not for a user who cannot manage WooCommerce' );
		$GLOBALS['wismo_test_can'] = true;
		$first = self::shown( array( 'Wismo_Admin', 'welcome_notice' ) );
		$this->assertStringContainsString( 'id="wismo-welcome"', $first );
		$this->assertStringContainsString( 'WooCommerce &gt; Wismo</a>', $first );
		$this->assertSame( '', self::shown( array( 'Wismo_Admin', 'welcome_notice' ) ), 'once' );
	}

	public function test_connect_over_http_is_disabled_with_the_reason_and_the_keys_way() {
		update_option( 'wismo_url', 'http://wismo.example' );
		$page = self::shown( array( 'Wismo_Admin', 'link_section' ) );
		$this->assertMatchesRegularExpression( '/<p id="wismo-connect-http"><button type="button" class="button" disabled>Connect<\/button> Your Wismo URL starts with http:\/\//', $page );
		$this->assertStringNotContainsString( 'value="wismo_connect"', $page );
		$this->assertStringContainsString( 'value="wismo_keys"', $page, 'pasting keys stays open' );

		update_option( 'wismo_url', 'https://wismo.example' );
		$page = self::shown( array( 'Wismo_Admin', 'link_section' ) );
		$this->assertStringContainsString( 'value="wismo_connect"', $page );
		$this->assertStringNotContainsString( 'disabled', $page );
	}

	public function test_a_refusal_tells_the_merchant_what_to_do_never_the_protocol() {
		$cases = array(
			array( 401, 'no matching v1 signature', array(), 'Copy the secret again from your Wismo admin' ),
			array( 404, 'no such shop', array(), 'copy the shop key again' ),
			array( 0, 'cURL error 6: Could not resolve host: wismo.exmple', array(), 'Check the Wismo URL' ),
			array( 0, 'Enter the Wismo URL, shop key and secret first.', array( 'setup' => true ), 'Enter the Wismo URL, shop key and secret first.' ),
		);
		foreach ( $cases as $case ) {
			list( $status, $error, $extra, $advice ) = $case;
			$said = Wismo_Admin::explain( Wismo_Link::verdict( $extra + array( 'ok' => false, 'status' => $status, 'body' => null, 'error' => $error ), null ) );
			$this->assertStringContainsString( $advice, $said, $error );
			$this->assertStringNotContainsString( 'v1 signature', $said );
			$this->assertStringNotContainsString( 'no such shop', $said );
			$this->assertStringNotContainsString( 'cannot be reached', 0 === $status && ! empty( $extra ) ? $said : '', 'not set up is not "unreachable"' );
		}
	}
}
