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
		add_action( 'admin_notices', array( __CLASS__, 'link_notice' ) );
		add_action( 'admin_notices', array( __CLASS__, 'welcome_notice' ) );
		add_filter( 'plugin_action_links_' . plugin_basename( WISMO_FILE ), array( __CLASS__, 'action_links' ) );
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
		return isset( $_POST[ $name ] ) ? sanitize_text_field( wp_unslash( $_POST[ $name ] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification, WordPress.CSRF.NonceVerification -- guard() checked it.
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
		update_option( 'wismo_mail_off', '1' === self::field( 'wismo_mail_off' ) ? 'yes' : 'no', false );
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
			/* translators: %s: what went wrong and what to do, a sentence or two */
			self::back( 'error', sprintf( __( 'Wismo did not start the connection. %s', 'wismo' ), self::explain( Wismo_Link::verdict( $result, null ) ) ) );
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
			/* translators: %s: what went wrong and what to do, a sentence or two */
			self::back( 'error', sprintf( __( 'Wismo did not accept the keys. %s', 'wismo' ), self::explain( Wismo_Link::verdict( $result, null ) ) ) );
		}
		self::back( 'info', __( 'Keys received. Wismo is trying them with your store now; keys that worked before stay in use until the new ones are proven. Press Test connection in a moment to see the result.', 'wismo' ) );
	}

	/**
	 * Ask Wismo how it sees this store, and have WooCommerce deliver a test to Wismo.
	 */
	public static function handle_test() {
		self::guard( 'test' );
		$health = self::check();
		self::back( $health['ok'] ? ( 'connected' === $health['code'] ? 'success' : 'warning' ) : 'error', self::explain( $health ) );
	}

	/**
	 * The full round trip; remembered in wismo_health for the admin notice (also hourly, by cron).
	 *
	 * @return array{ok: bool, code: string, detail: string, at: int}
	 */
	public static function check() {
		$reply = Wismo_Client::post( '/status', array() );
		$ping  = '';
		if ( $reply['ok'] && is_array( $reply['body'] ) ) {
			update_option( 'wismo_last_status', $reply['body'], false );
			$ping = self::test_delivery( (array) ( isset( $reply['body']['webhooks'] ) ? $reply['body']['webhooks'] : array() ) );
		}
		$health       = Wismo_Link::verdict( $reply, $ping );
		$health['at'] = time();
		$previous     = get_option( 'wismo_health', array() );
		if ( ! $health['ok'] ) {
			// How long it has been broken decides when WooCommerce's own emails come back.
			$health['failing_since'] = ( ! empty( $previous ) && empty( $previous['ok'] ) && ! empty( $previous['failing_since'] ) ) ? (int) $previous['failing_since'] : $health['at'];
		}
		update_option( 'wismo_health', $health, false );
		return $health;
	}

	/**
	 * WooCommerce's own test delivery (WC_Webhook::deliver_ping) on one of Wismo's webhooks.
	 *
	 * @param array $webhooks topic => webhook id.
	 * @return string|null null when Wismo answered 200, else the error ('' with no webhook).
	 */
	private static function test_delivery( array $webhooks ) {
		$id   = isset( $webhooks['order.updated'] ) ? (int) $webhooks['order.updated'] : (int) reset( $webhooks );
		$hook = $id && function_exists( 'wc_get_webhook' ) ? wc_get_webhook( $id ) : null;
		if ( ! $hook ) {
			return '';
		}
		$result = $hook->deliver_ping();
		return is_wp_error( $result ) ? $result->get_error_message() : null;
	}

	/**
	 * What a verdict means for the merchant, and what to do.
	 *
	 * @param array $health Wismo_Link::verdict().
	 * @return string
	 */
	public static function explain( array $health ) {
		$detail = rtrim( (string) $health['detail'], '.' );
		switch ( $health['code'] ) {
			case 'connected':
				/* translators: %s: number of webhooks */
				return sprintf( __( 'Connected: Wismo just reached your store with its keys, its %s webhooks are active, and WooCommerce delivered a test update to Wismo.', 'wismo' ), $detail );
			case 'signature':
				/* translators: %s: number of order updates */
				return sprintf( __( 'Wismo turned away the last %s order updates from this store because their signature did not match the secret Wismo gave its webhooks (they may have been edited under WooCommerce > Settings > Advanced > Webhooks). WooCommerce turns such webhooks off after 5 failed deliveries; Wismo then sets them up again by itself within 10 minutes and catches up with the missed changes. If this message stays, press Connect again.', 'wismo' ), $detail );
			case 'setup':
				return $detail . '.';
			case 'shop_key':
				return __( 'Wismo does not know this shop key at this address. Check the Wismo URL, then copy the shop key again from your Wismo admin (Get started) and save it here.', 'wismo' );
			case 'secret':
				return __( 'Wismo refused this store\'s signature: the shop secret saved here is not the one Wismo has for this shop. Copy the secret again from your Wismo admin (Get started) and save it here.', 'wismo' );
			case 'unreachable':
				/* translators: %s: the network error */
				return sprintf( __( 'Wismo cannot be reached from this store (%s). Check the Wismo URL; if Wismo runs on this machine or a private address, tick the Development option.', 'wismo' ), $detail );
			case 'refused':
				/* translators: %s: Wismo's answer */
				return sprintf( __( 'Wismo answered with an error: %s. Check the Wismo URL and the shop key.', 'wismo' ), $detail );
			case 'checking':
				return __( 'Wismo is still trying the keys you sent. Press Test connection again in a moment.', 'wismo' );
			case 'new_keys_refused':
				/* translators: %s: the store's answer */
				return sprintf( __( 'The keys you sent last did not work (%s), so Wismo keeps using the keys that worked before. Create a new key with Read/Write permission under WooCommerce > Settings > Advanced > REST API and paste both parts again.', 'wismo' ), $detail );
			case 'keys_refused':
				/* translators: %s: the store's answer */
				return sprintf( __( 'Your store did not accept the keys (%s). Create a new key with Read/Write permission under WooCommerce > Settings > Advanced > REST API and paste both parts again.', 'wismo' ), $detail );
			case 'not_linked':
				return __( 'Wismo answers, but the store is not linked yet: press Connect, or paste REST API keys below.', 'wismo' );
			case 'store':
				/* translators: %s: what went wrong */
				return sprintf( __( 'Wismo cannot follow this store right now: %s. Press Connect again or paste new keys.', 'wismo' ), $detail );
			default:
				/* translators: %s: WooCommerce's delivery error */
				return sprintf( __( 'WooCommerce cannot deliver order updates to Wismo: %s. If Wismo runs on this machine, a private address or an unusual port, tick the Development option; otherwise check that the Wismo URL opens from the internet.', 'wismo' ), $detail );
		}
	}

	/**
	 * What the return from WooCommerce's Connect approval says: still checking (the page
	 * looks again by itself), refused, or linked, with what was set up and the earlier
	 * key revoked.
	 *
	 * @param int $wait How many times this page has looked already.
	 * @return array{0: string, 1: string} Notice type and text.
	 */
	private static function approval_notice( $wait ) {
		$approval = Wismo_Link::approval( Wismo_Client::post( '/status', array() ) );
		if ( 'checking' === $approval['stage'] && $wait < 15 ) {
			$again = add_query_arg( 'wismo_wait', $wait + 1 );
			echo '<script>setTimeout(function(){window.location.replace(' . wp_json_encode( esc_url_raw( $again ) ) . ');},2000);</script>';
			return array( 'info', __( 'You approved access. Wismo is trying the new key with your store and registering its webhooks; this page updates by itself in a moment.', 'wismo' ) );
		}
		if ( 'checking' === $approval['stage'] ) {
			return array( 'warning', __( 'You approved access, but Wismo has not finished trying the new key yet. Press Test connection in a minute.', 'wismo' ) );
		}
		if ( 'linked' !== $approval['stage'] ) {
			/* translators: %s: the store's or Wismo's answer */
			return array( 'error', sprintf( __( 'You approved access, but the new key did not work (%s). Keys that worked before stay in use. Press Connect again, or paste REST API keys below.', 'wismo' ), $approval['detail'] ) );
		}
		$revoked = '' !== $approval['revoke'] && self::revoke_key( $approval['revoke'] );
		if ( '' !== $approval['keep'] ) {
			self::revoke_earlier_approvals( $approval['keep'] );
		}
		$health = self::check();
		if ( empty( $health['ok'] ) ) {
			/* translators: %s: what is wrong and what to do */
			return array( 'error', sprintf( __( 'You approved access and Wismo accepted the new key, but: %s', 'wismo' ), self::explain( $health ) ) );
		}
		/* translators: 1: last 7 characters of the new key, 2: number of webhooks */
		$text = sprintf( __( 'Connected. Wismo now uses the key you approved (ending in %1$s), registered its %2$d webhooks for new, changed, deleted and restored orders, and WooCommerce delivered a test update to Wismo.', 'wismo' ), $approval['key'], $approval['webhooks'] );
		if ( $revoked ) {
			/* translators: %s: last 7 characters of the old key */
			$text .= ' ' . sprintf( __( 'The key pasted earlier (ending in %s) was revoked, so only the approved key remains.', 'wismo' ), $approval['revoke_hint'] );
		}
		return array( 'success', $text );
	}

	/**
	 * Delete a REST API key from WooCommerce's table, by the hash WooCommerce keeps of it.
	 *
	 * @param string $hash wc_api_hash() of the consumer key.
	 * @return bool Whether a key was deleted.
	 */
	private static function revoke_key( $hash ) {
		global $wpdb;
		return (bool) $wpdb->delete( $wpdb->prefix . 'woocommerce_api_keys', array( 'consumer_key' => $hash ), array( '%s' ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery -- WooCommerce keeps keys in its own table, with no API to delete one.
	}

	/**
	 * Delete the keys earlier Connect approvals made for Wismo (WC_Auth names them
	 * "Wismo - API (date)"), all but the one Wismo uses now.
	 *
	 * @param string $keep wc_api_hash() of the consumer key in use.
	 * @return int How many were deleted.
	 */
	private static function revoke_earlier_approvals( $keep ) {
		global $wpdb;
		return (int) $wpdb->query( $wpdb->prepare( 'DELETE FROM %i WHERE description LIKE %s AND consumer_key <> %s', $wpdb->prefix . 'woocommerce_api_keys', $wpdb->esc_like( Wismo_Link::APP_NAME . ' - API (' ) . '%', $keep ) ); // phpcs:ignore WordPress.DB.DirectDatabaseQuery,WordPress.DB.PreparedSQLPlaceholders.UnsupportedPlaceholder,WordPress.DB.PreparedSQLPlaceholders.ReplacementsWrongNumber -- WooCommerce's own key table (no API deletes keys); %i is WordPress 6.2's identifier placeholder, newer than this sniff.
	}

	/**
	 * A Settings link beside Deactivate in the plugin list.
	 *
	 * @param array $links The plugin's action links.
	 * @return array
	 */
	public static function action_links( $links ) {
		array_unshift( $links, '<a href="' . esc_url( admin_url( 'admin.php?page=' . self::PAGE ) ) . '">' . esc_html__( 'Settings', 'wismo' ) . '</a>' );
		return $links;
	}

	/**
	 * Once, after activation: where the settings are.
	 */
	public static function welcome_notice() {
		if ( 'yes' !== get_option( 'wismo_welcome', 'no' ) || ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		delete_option( 'wismo_welcome' );
		$link = '<a href="' . esc_url( admin_url( 'admin.php?page=' . self::PAGE ) ) . '">' . esc_html__( 'WooCommerce > Wismo', 'wismo' ) . '</a>';
		/* translators: %s: link to the settings page */
		echo '<div class="notice notice-info is-dismissible" id="wismo-welcome"><p>' . sprintf( esc_html__( 'Wismo is active. Link your store in %s: enter the Wismo URL, shop key and secret, then press Connect.', 'wismo' ), $link ) . '</p></div>'; // phpcs:ignore WordPress.Security.EscapeOutput, WordPress.XSS.EscapeOutput -- escaped parts.
	}

	/**
	 * A notice on every admin screen while the last check found the link broken.
	 */
	public static function link_notice() {
		$health = get_option( 'wismo_health', array() );
		$here   = isset( $_GET['page'] ) && self::PAGE === $_GET['page']; // phpcs:ignore WordPress.Security.NonceVerification, WordPress.CSRF.NonceVerification -- which screen, nothing changes.
		if ( $here || empty( $health ) || ! empty( $health['ok'] ) || ! current_user_can( 'manage_woocommerce' ) ) {
			return;
		}
		$link = '<a href="' . esc_url( admin_url( 'admin.php?page=' . self::PAGE ) ) . '">' . esc_html__( 'WooCommerce > Wismo', 'wismo' ) . '</a>';
		echo '<div class="notice notice-error"><p><strong>' . esc_html__( 'Wismo is not receiving your order updates.', 'wismo' ) . '</strong> ' . esc_html( self::explain( $health ) ) . ' ' . $link . '</p></div>'; // phpcs:ignore WordPress.Security.EscapeOutput, WordPress.XSS.EscapeOutput -- escaped parts.
	}

	/**
	 * Send what "completed" means and the custom status mapping to Wismo.
	 */
	public static function handle_statuses() {
		self::guard( 'statuses' );
		$custom    = Wismo_Statuses::custom( wc_get_order_statuses() );
		$posted    = isset( $_POST['wismo_status'] ) && is_array( $_POST['wismo_status'] ) ? array_map( 'sanitize_key', wp_unslash( $_POST['wismo_status'] ) ) : array(); // phpcs:ignore WordPress.Security.NonceVerification, WordPress.CSRF.NonceVerification -- guard() checked it.
		$mapping   = Wismo_Statuses::clean( $posted, $custom );
		$completed = 'delivered' === self::field( 'wismo_completed' ) ? 'delivered' : 'shipped';
		$result    = Wismo_Client::post(
			'/settings',
			array(
				'completed' => $completed,
				'statuses'  => empty( $mapping ) ? new stdClass() : $mapping,
			)
		);
		if ( ! $result['ok'] ) {
			/* translators: %s: what went wrong and what to do, a sentence or two */
			self::back( 'error', sprintf( __( 'Wismo did not save the statuses. %s', 'wismo' ), self::explain( Wismo_Link::verdict( $result, null ) ) ) );
		}
		update_option(
			'wismo_status_map',
			array(
				'completed' => $completed,
				'statuses'  => $mapping,
			),
			false
		);
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
		foreach ( array(
			'shipped'   => __( 'shipped (handed to the carrier)', 'wismo' ),
			'delivered' => __( 'delivered (in the shopper\'s hands)', 'wismo' ),
		) as $value => $label ) {
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
	 * "Link the store": Connect (disabled, with the reason and the other way, when the
	 * Wismo URL is http, since WooCommerce ends an http callback on a bare "callback_url
	 * needs to be over SSL" page) and the pasted-keys form.
	 */
	public static function link_section() {
		echo '<h2>' . esc_html__( 'Link the store', 'wismo' ) . '</h2><p>' . esc_html__( 'Connect asks you to approve read/write access for Wismo (WooCommerce needs Wismo on https for this).', 'wismo' ) . '</p>';
		if ( 0 === strpos( Wismo_Client::url(), 'http://' ) ) {
			echo '<p id="wismo-connect-http"><button type="button" class="button" disabled>' . esc_html__( 'Connect', 'wismo' ) . '</button> ' . esc_html__( 'Your Wismo URL starts with http://, and WooCommerce connects apps only over https. Paste REST API keys below instead (or give Wismo an https address).', 'wismo' ) . '</p>';
		} else {
			self::form( 'connect', '', __( 'Connect', 'wismo' ) );
		}
		echo '<p>' . esc_html__( 'Or paste REST API keys made under WooCommerce -> Settings -> Advanced -> REST API (read/write):', 'wismo' ) . '</p>';
		$keys = '<table class="form-table">'
			. self::row( 'consumer_key', __( 'Consumer key', 'wismo' ), '' )
			. self::row( 'consumer_secret', __( 'Consumer secret', 'wismo' ), '', 'password' )
			. '</table>';
		self::form( 'keys', $keys, __( 'Send keys to Wismo', 'wismo' ) );
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
		echo $inner; // phpcs:ignore WordPress.Security.EscapeOutput, WordPress.XSS.EscapeOutput -- built from escaped parts.
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
	 * Last update received, last refusal and last reconciliation, as Wismo reported them.
	 *
	 * @param array $status Wismo's last /status answer.
	 * @return string HTML.
	 */
	private static function facts( $status ) {
		$rows = array(
			'last_received_at' => __( 'Last update Wismo received from this store', 'wismo' ),
			'last_refused_at'  => __( 'Last update Wismo refused', 'wismo' ),
			'reconciled_at'    => __( 'Last catch-up of missed updates', 'wismo' ),
		);
		$html = '<table class="widefat striped" style="max-width:48em"><tbody>';
		foreach ( $rows as $key => $label ) {
			$when = empty( $status[ $key ] ) ? __( 'never', 'wismo' ) : wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), strtotime( $status[ $key ] ) );
			$note = '';
			if ( 'last_refused_at' === $key && ! empty( $status['last_refused_reason'] ) ) {
				$note = ' (' . $status['last_refused_reason'] . ')';
			} elseif ( 'reconciled_at' === $key && ! empty( $status['reconcile_error'] ) ) {
				$note = ' (' . $status['reconcile_error'] . ')';
			}
			$html .= '<tr><th scope="row">' . esc_html( $label ) . '</th><td>' . esc_html( $when . $note ) . '</td></tr>';
		}
		return $html . '</tbody></table>';
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
		if ( ! $notice && isset( $_GET['success'] ) ) { // phpcs:ignore WordPress.Security.NonceVerification, WordPress.CSRF.NonceVerification -- WooCommerce's return from /wc-auth, read only.
			$notice = '1' === $_GET['success'] // phpcs:ignore WordPress.Security.NonceVerification, WordPress.CSRF.NonceVerification
				? self::approval_notice( isset( $_GET['wismo_wait'] ) ? absint( $_GET['wismo_wait'] ) : 0 ) // phpcs:ignore WordPress.Security.NonceVerification, WordPress.CSRF.NonceVerification
				: array( 'error', __( 'Access was not approved, so the store is not linked. Press Connect again, or paste REST API keys below.', 'wismo' ) );
		}
		if ( $notice ) {
			delete_transient( 'wismo_notice_' . get_current_user_id() );
			echo '<div class="notice notice-' . esc_attr( $notice[0] ) . '"><p>' . esc_html( $notice[1] ) . '</p></div>';
		}
		$status = get_option( 'wismo_last_status', array() );
		$health = get_option( 'wismo_health', array() );
		echo '<h2>' . esc_html__( 'Connection', 'wismo' ) . '</h2><p id="wismo-link">';
		if ( ! Wismo_Client::configured() ) {
			esc_html_e( 'Not set up: enter the Wismo URL, shop key and secret below.', 'wismo' );
		} elseif ( ! empty( $health ) ) {
			/* translators: %s: date and time of the check */
			echo esc_html( self::explain( $health ) . ' ' . sprintf( __( '(checked %s)', 'wismo' ), wp_date( get_option( 'date_format' ) . ' ' . get_option( 'time_format' ), (int) $health['at'] ) ) );
		} else {
			esc_html_e( 'Set up, not tested yet: press Connect (or paste REST API keys), then Test connection.', 'wismo' );
		}
		echo '</p>';
		echo wp_kses_post( self::facts( $status ) );

		$secret_hint = '' === (string) get_option( 'wismo_secret', '' ) ? '' : __( '(saved; leave empty to keep)', 'wismo' );
		$inner       = '<table class="form-table">'
			. self::row( 'wismo_url', __( 'Wismo URL', 'wismo' ), (string) get_option( 'wismo_url', '' ), 'url' )
			. self::row( 'wismo_shop_key', __( 'Shop key', 'wismo' ), (string) get_option( 'wismo_shop_key', '' ) )
			. self::row( 'wismo_secret', __( 'Shop secret (whsec_...)', 'wismo' ) . ' ' . $secret_hint, '', 'password' )
			. '<tr><th scope="row">' . esc_html__( 'Development', 'wismo' ) . '</th><td><label><input type="checkbox" name="wismo_allow_local" value="1" ' . checked( 'yes', get_option( 'wismo_allow_local', 'no' ), false ) . '> '
			. esc_html__( 'Let WordPress deliver webhooks to a Wismo on this machine, a private address or a non-standard port (local and test setups only).', 'wismo' ) . '</label></td></tr>'
			. '<tr><th scope="row">' . esc_html__( 'Customer emails', 'wismo' ) . '</th><td><label><input type="checkbox" name="wismo_mail_off" value="1" ' . checked( 'yes', get_option( 'wismo_mail_off', 'no' ), false ) . '> '
			. esc_html__( 'Let Wismo write to customers: turn off WooCommerce\'s own On hold, Processing, Completed and Refunded order emails, so customers do not get two emails per change.', 'wismo' ) . '</label><p class="description">'
			. esc_html__( 'They come back on by themselves while Wismo is not set up here, or when the hourly check has found the link broken for 6 hours. Emails to you (new order, cancelled) are not touched.', 'wismo' ) . '</p></td></tr>'
			. '</table>';
		self::form( 'save', $inner, __( 'Save settings', 'wismo' ) );

		self::link_section();
		echo '<h2>' . esc_html__( 'Statuses', 'wismo' ) . '</h2><p>' . esc_html__( 'How your order statuses read to shoppers. Statuses added by plugins or by you are listed here.', 'wismo' ) . '</p>';
		self::form( 'statuses', self::status_fields(), __( 'Save statuses', 'wismo' ) );
		echo '<h2>' . esc_html__( 'Test', 'wismo' ) . '</h2>';
		self::form( 'test', '', __( 'Test connection', 'wismo' ) );
		echo '<p>' . esc_html__( 'Shoppers see the live status on My Account -> View Order and on the thank-you page. For a public lookup page add the shortcode [wismo_tracking].', 'wismo' ) . '</p></div>';
	}
}
