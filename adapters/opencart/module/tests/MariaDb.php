<?php
/**
 * OpenCart's DB object as the module sees it (system/library/db/mysqli.php: query()
 * returning row/rows/num_rows, escape()), on a real MariaDB or MySQL server, in a
 * database of its own that is dropped afterwards. WISMO_TEST_MYSQL=host:port:user:password
 * (default 127.0.0.1:3306:root:) picks the server.
 */
final class MariaDb {
	private $link;
	private $database;

	/** A fresh database, or the test is skipped with the reason (no mysqli, no server). */
	public static function connect(): self {
		if (!function_exists('mysqli_connect')) {
			throw new \PHPUnit\Framework\SkippedTestError('the PHP mysqli extension is missing (apt-get install php-mysql)');
		}

		list($host, $port, $user, $password) = array_pad(explode(':', getenv('WISMO_TEST_MYSQL') ?: '127.0.0.1:3306:root:'), 4, '');
		mysqli_report(MYSQLI_REPORT_ERROR | MYSQLI_REPORT_STRICT);
		$db = new self();
		try {
			$db->link = new mysqli($host, $user, $password, '', (int)$port);
		} catch (\mysqli_sql_exception $e) {
			throw new \PHPUnit\Framework\SkippedTestError('no MariaDB/MySQL at ' . $host . ':' . $port . ' (set WISMO_TEST_MYSQL): ' . $e->getMessage());
		}

		$db->link->set_charset('utf8mb4');
		$db->database = 'wismo_phpunit_' . getmypid() . '_' . bin2hex(random_bytes(3));
		$db->link->query('CREATE DATABASE `' . $db->database . '`');
		$db->link->select_db($db->database);

		return $db;
	}

	public function query(string $sql) {
		$result = $this->link->query($sql);
		$out = new stdClass();
		$out->rows = $result instanceof mysqli_result ? $result->fetch_all(MYSQLI_ASSOC) : [];
		$out->row = $out->rows[0] ?? [];
		$out->num_rows = count($out->rows);

		return $out;
	}

	public function escape(string $value): string {
		return $this->link->real_escape_string($value);
	}

	public function drop(): void {
		$this->link->query('DROP DATABASE IF EXISTS `' . $this->database . '`');
		$this->link->close();
	}
}
