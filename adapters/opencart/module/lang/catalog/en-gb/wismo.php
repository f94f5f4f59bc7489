<?php
// Wismo module
$_['heading_track'] = 'Track your order';
$_['text_track_intro'] = 'Enter your order number and the email or phone you ordered with.';
$_['text_unavailable'] = 'Order tracking is not available right now.';
