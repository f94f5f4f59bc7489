<?php
/**
 * PHPUnit bootstrap: the pure classes only, no WordPress.
 *
 * @package Wismo
 */

define( 'WISMO_TESTING', true );
require_once dirname( __DIR__ ) . '/wismo/includes/class-wismo-signer.php';
require_once dirname( __DIR__ ) . '/wismo/includes/class-wismo-widget.php';
require_once dirname( __DIR__ ) . '/wismo/includes/class-wismo-statuses.php';
require_once dirname( __DIR__ ) . '/wismo/includes/class-wismo-link.php';
require_once dirname( __DIR__ ) . '/wismo/includes/class-wismo-order-box.php';
