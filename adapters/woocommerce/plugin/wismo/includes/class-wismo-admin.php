<?php
/**
 * WooCommerce -> Wismo: settings, connection status, Connect, pasted keys, Test.
 *
 * @package Wismo
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The settings page and its form actions (admin-post.php, nonce-checked).
 */
class Wismo_Admin {

	const PAGE = 'wismo';

	/**
	 * Register the menu and the form handlers.
	 */
	public static function hooks() {
		add_action( 'admin_menu', array( __CLASS__, 'menu' ), 60 );
		foreach ( array( 'save', 'connect', 'keys', 'test', 'statuses' ) as $action ) {
			add_action( 'admin_post_wismo_' . $action, array( __CLASS__, 'handle_' . $action ) );
		}
	}

	/**
	 * Add the page under WooCommerce.
	 */
	public static function menu() {
		add_submenu_page( 'woocommerce', __( 'Wismo', 'wismo' ), __( 'Wismo', 'wismo' ), 'manage_woocommerce', self::PAGE, array( __CLASS__, 'render' ) );
	}

	/**
	 * Stop unless the user may manage WooCommerce and the form's nonce is right.
	 *
	 * @param string $action Action name.
	 */
	private static function guard( $action ) {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			wp_die( esc_html__( 'You are not allowed to change Wismo settings.', 'wismo' ), 403 );
		}
		check_admin_referer( 'wismo_' . $action );
	}

	/**
	 * Back to the settings page with a notice.
	 *
	 * @param string $type    success|error|info.
	 * @param string $message Text.
	 */
	private static function back( $type, $message ) {
		set_transient( 'wismo_notice_' . get_current_user_id(), array( $type, $message ), 120 );
		wp_safe_redirect( admin_url( 'admin.php?page=' . self::PAGE ) );
		exit;
	}

	/**
	 * A posted text field.
	 *
	 * @param string $name Field name.
	 * @return string
	 */
	private static function field( $name ) {
		return isset( $_POST[ $name ] ) ? sanitize_text_field( wp_unslash( $_POST[ $name ] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification -- guard() checked it.
	}

	/**
	 * Save URL, shop key, secret and the development option.
	 */
	public static function handle_save() {
		self::guard( 'save' );
		$url = Wismo_Signer::clean_url( self::field( 'wismo_url' ) );
		if ( '' === $url ) {
			self::back( 'error', __( 'The Wismo URL must look like https://wismo.example.com.', 'wismo' ) );
		}
		update_option( 'wismo_url', $url, false );
		update_option( 'wismo_shop_key', self::field( 'wismo_shop_key' ), false );
		if ( '' !== self::field( 'wismo_secret' ) ) {
			update_option( 'wismo_secret', self::field( 'wismo_secret' ), false );
		}
		update_option( 'wismo_allow_local', '1' === self::field( 'wismo_allow_local' ) ? 'yes' : 'no', false );
		self::back( 'success', __( 'Settings saved.', 'wismo' ) );
	}

	/**
	 * Start WooCommerce's app authorisation: Wismo hands back the /wc-auth URL.
	 */
	public static function handle_connect() {
		self::guard( 'connect' );
		$result = Wismo_Client::post(
			'/connect/start',
			array(
				'store_url'  => home_url(),
				'return_url' => admin_url( 'admin.php?page=' . self::PAGE ),
			)
		);
		if ( ! $result['ok'] || empty( $result['body']['authorize_url'] ) ) {
			/* translators: %s: the error */
			self::back( 'error', sprintf( __( 'Wismo did not start the connection: %s', 'wismo' ), $result['error'] ? $result['error'] : $result['status'] ) );
		}
		wp_safe_redirect( $result['body']['authorize_url'] );
		exit;
	}

	/**
	 * Keys pasted by hand (WooCommerce -> Settings -> Advanced -> REST API, read/write).
	 */
	public static function handle_keys() {
		self::guard( 'keys' );
		$result = Wismo_Client::post(
			'/connect/keys',
			array(
				'store_url'       => home_url(),
				'consumer_key'    => self::field( 'consumer_key' ),
				'consumer_secret' => self::field( 'consumer_secret' ),
			)
		);
		if ( ! $result['ok'] ) {
			/* translators: %s: the error */
			self::back( 'error', sprintf( __( 'Wismo did not accept the keys: %s', 'wismo' ), $result['error'] ? $result['error'] : $result['status'] ) );
		}
		self::back( 'success', __( 'Keys sent: Wismo is registering its webhooks. Press Test in a moment.', 'wismo' ) );
	}

	/**
	 * Ask Wismo how it sees this store.
	 */
	public static function handle_test() {
		self::guard( 'test' );
		$result = Wismo_Client::post( '/status', array() );
		if ( ! $result['ok'] ) {
			/* translators: %s: the error */
			self::back( 'error', sprintf( __( 'Wismo cannot be reached or refused the request: %s', 'wismo' ), $result['error'] ? $result['error'] : $result['status'] ) );
		}
		update_option( 'wismo_last_status', $result['body'], false );
		$status = $result['body'];
		if ( empty( $status['connected'] ) ) {
			self::back( 'info', __( 'Wismo answers, but the store is not linked yet: press Connect.', 'wismo' ) );
		}
		/* translators: %d: number of webhooks */
		self::back( 'success', sprintf( __( 'Connected. Wismo follows this store with %d webhooks.', 'wismo' ), count( (array) $status['webhooks'] ) ) );
	}

	/**
	 * Send what "completed" means and the custom status mapping to Wismo.
	 */
	public static function handle_statuses() {
		self::guard( 'statuses' );
		$custom    = Wismo_Statuses::custom( wc_get_order_statuses() );
		$posted    = isset( $_POST['wismo_status'] ) && is_array( $_POST['wismo_status'] ) ? array_map( 'sanitize_key', wp_unslash( $_POST['wismo_status'] ) ) : array(); // phpcs:ignore WordPress.Security.NonceVerification -- guard() checked it.
		$mapping   = Wismo_Statuses::clean( $posted, $custom );
		$completed = 'delivered' === self::field( 'wismo_completed' ) ? 'delivered' : 'shipped';
		$result    = Wismo_Client::post( '/settings', array( 'completed' => $completed, 'statuses' => empty( $mapping ) ? new stdClass() : $mapping ) );
		if ( ! $result['ok'] ) {
			/* translators: %s: the error */
			self::back( 'error', sprintf( __( 'Wismo did not save the statuses: %s', 'wismo' ), $result['error'] ? $result['error'] : $result['status'] ) );
		}
		update_option( 'wismo_status_map', array( 'completed' => $completed, 'statuses' => $mapping ), false );
		self::back( 'success', __( 'Status mapping saved in Wismo.', 'wismo' ) );
	}

	/**
	 * The status mapping form's fields.
	 *
	 * @return string HTML.
	 */
	private static function status_fields() {
		$saved     = get_option( 'wismo_status_map', array() );
		$completed = isset( $saved['completed'] ) ? $saved['completed'] : 'shipped';
		$html      = '<table class="form-table"><tr><th scope="row">' . esc_html__( 'An order marked Completed is', 'wismo' ) . '</th><td><select name="wismo_completed">';
		foreach ( array( 'shipped' => __( 'shipped (handed to the carrier)', 'wismo' ), 'delivered' => __( 'delivered (in the shopper\'s hands)', 'wismo' ) ) as $value => $label ) {
			$html .= '<option value="' . esc_attr( $value ) . '"' . selected( $completed, $value, false ) . '>' . esc_html( $label ) . '</option>';
		}
		$html .= '</select></td></tr>';
		foreach ( Wismo_Statuses::custom( wc_get_order_statuses() ) as $slug => $label ) {
			$current = isset( $saved['statuses'][ $slug ] ) ? $saved['statuses'][ $slug ] : '';
			$html   .= '<tr><th scope="row">' . esc_html( $label ) . ' <code>' . esc_html( $slug ) . '</code></th><td><select name="wismo_status[' . esc_attr( $slug ) . ']">';
			$html   .= '<option value="">' . esc_html__( 'Wismo default', 'wismo' ) . '</option><option value="ignore"' . selected( $current, 'ignore', false ) . '>' . esc_html__( 'ignore (no message)', 'wismo' ) . '</option>';
			foreach ( Wismo_Statuses::CANONICAL as $target ) {
				$html .= '<option value="' . esc_attr( $target ) . '"' . selected( $current, $target, false ) . '>' . esc_html( $target ) . '</option>';
			}
			$html .= '</select></td></tr>';
		}
		return $html . '</table>';
	}

	/**
	 * One form posting to admin-post.php.
	 *
	 * @param string $action  Action name.
	 * @param string $inner   Inner HTML (already escaped).
	 * @param string $button  Button label.
	 */
	private static function form( $action, $inner, $button ) {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<input type="hidden" name="action" value="wismo_' . esc_attr( $action ) . '">';
		wp_nonce_field( 'wismo_' . $action );
		echo $inner; // phpcs:ignore WordPress.Security.EscapeOutput -- built from escaped parts.
		submit_button( $button, 'save' === $action ? 'primary' : 'secondary', 'submit', false );
		echo '</form>';
	}

	/**
	 * A labelled input row.
	 *
	 * @param string $name  Field name.
	 * @param string $label Label.
	 * @param string $value Value.
	 * @param string $type  Input type.
	 * @return string
	 */
	private static function row( $name, $label, $value, $type = 'text' ) {
		return '<tr><th scope="row"><label for="' . esc_attr( $name ) . '">' . esc_html( $label ) . '</label></th><td><input class="regular-text" type="' . esc_attr( $type ) . '" id="' . esc_attr( $name ) . '" name="' . esc_attr( $name ) . '" value="' . esc_attr( $value ) . '" autocomplete="off"></td></tr>';
	}

	/**
	 * The settings page.
	 */
	public static function render() {
		if ( ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		echo '<div class="wrap"><h1>' . esc_html__( 'Wismo', 'wismo' ) . '</h1>';
		$notice = get_transient( 'wismo_notice_' . get_current_user_id() );
		if ( $notice ) {
			delete_transient( 'wismo_notice_' . get_current_user_id() );
			echo '<div class="notice notice-' . esc_attr( $notice[0] ) . '"><p>' . esc_html( $notice[1] ) . '</p></div>';
		}
		$status = get_option( 'wismo_last_status', array() );
		echo '<h2>' . esc_html__( 'Connection', 'wismo' ) . '</h2><p>';
		if ( ! Wismo_Client::configured() ) {
			esc_html_e( 'Not set up: enter the Wismo URL, shop key and secret below.', 'wismo' );
		} elseif ( ! empty( $status['connected'] ) ) {
			/* translators: %s: store URL */
			echo esc_html( sprintf( __( 'Connected as %s.', 'wismo' ), $status['store_url'] ) );
		} else {
			esc_html_e( 'Set up, not linked yet (or not tested): press Connect, or paste REST API keys.', 'wismo' );
		}
		echo '</p>';

		$secret_hint = '' === (string) get_option( 'wismo_secret', '' ) ? '' : __( '(saved; leave empty to keep)', 'wismo' );
		$inner       = '<table class="form-table">'
			. self::row( 'wismo_url', __( 'Wismo URL', 'wismo' ), (string) get_option( 'wismo_url', '' ), 'url' )
			. self::row( 'wismo_shop_key', __( 'Shop key', 'wismo' ), (string) get_option( 'wismo_shop_key', '' ) )
			. self::row( 'wismo_secret', __( 'Shop secret (whsec_...)', 'wismo' ) . ' ' . $secret_hint, '', 'password' )
			. '<tr><th scope="row">' . esc_html__( 'Development', 'wismo' ) . '</th><td><label><input type="checkbox" name="wismo_allow_local" value="1" ' . checked( 'yes', get_option( 'wismo_allow_local', 'no' ), false ) . '> '
			. esc_html__( 'Let WordPress deliver webhooks to a Wismo on this machine, a private address or a non-standard port (local and test setups only).', 'wismo' ) . '</label></td></tr>'
			. '</table>';
		self::form( 'save', $inner, __( 'Save settings', 'wismo' ) );

		echo '<h2>' . esc_html__( 'Link the store', 'wismo' ) . '</h2><p>' . esc_html__( 'Connect asks you to approve read/write access for Wismo (WooCommerce needs Wismo on https for this).', 'wismo' ) . '</p>';
		self::form( 'connect', '', __( 'Connect', 'wismo' ) );
		echo '<p>' . esc_html__( 'Or paste REST API keys made under WooCommerce -> Settings -> Advanced -> REST API (read/write):', 'wismo' ) . '</p>';
		$keys = '<table class="form-table">'
			. self::row( 'consumer_key', __( 'Consumer key', 'wismo' ), '' )
			. self::row( 'consumer_secret', __( 'Consumer secret', 'wismo' ), '', 'password' )
			. '</table>';
		self::form( 'keys', $keys, __( 'Send keys to Wismo', 'wismo' ) );
		echo '<h2>' . esc_html__( 'Statuses', 'wismo' ) . '</h2><p>' . esc_html__( 'How your order statuses read to shoppers. Statuses added by plugins or by you are listed here.', 'wismo' ) . '</p>';
		self::form( 'statuses', self::status_fields(), __( 'Save statuses', 'wismo' ) );
		echo '<h2>' . esc_html__( 'Test', 'wismo' ) . '</h2>';
		self::form( 'test', '', __( 'Test connection', 'wismo' ) );
		echo '<p>' . esc_html__( 'Shoppers see the live status on My Account -> View Order and on the thank-you page. For a public lookup page add the shortcode [wismo_tracking].', 'wismo' ) . '</p></div>';
	}
}
