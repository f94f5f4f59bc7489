<?php
// The Wismo library shared by the OpenCart 3.0 and 4.x modules: pure PHP, no OpenCart classes.
require_once __DIR__ . '/Signer.php';
require_once __DIR__ . '/Statuses.php';
require_once __DIR__ . '/Tracking.php';
require_once __DIR__ . '/Payload.php';
require_once __DIR__ . '/Outbox.php';
require_once __DIR__ . '/Pusher.php';
require_once __DIR__ . '/Settings.php';
require_once __DIR__ . '/TrackingNumbers.php';
require_once __DIR__ . '/Widget.php';
require_once __DIR__ . '/PlatformEmails.php';
require_once __DIR__ . '/Link.php';
require_once __DIR__ . '/Backfill.php';
