"""Migration 0003_tracking_page keeps the problem reports stored before it."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from core.storage.migrations import upgrade


def test_old_reports_become_forwarded_or_failed_and_nothing_is_resent(database_url):
    upgrade(database_url, "0002")
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO shops (id, key, name, platform, settings, secrets, active,"
                    " created_at) VALUES (1, 'k', 'S', 'api', '{}', '', :t, :at)"
                ),
                {"t": True, "at": "2026-11-20 10:00:00+00:00"},
            )
            conn.execute(
                text(
                    "INSERT INTO orders (id, shop_id, external_id, number, items, created_at,"
                    " updated_at) VALUES (1, 1, 'o1', '#1', '[]', :at, :at)"
                ),
                {"at": "2026-11-20 10:00:00+00:00"},
            )
            for report_id, forwarded in ((1, "2026-11-20 10:01:00+00:00"), (2, None)):
                conn.execute(
                    text(
                        "INSERT INTO problem_reports (id, shop_id, order_id, kind, message,"
                        " created_at, forwarded_at) VALUES (:id, 1, 1, 'other', 'hi', :at, :fw)"
                    ),
                    {"id": report_id, "at": "2026-11-20 10:00:00+00:00", "fw": forwarded},
                )
        upgrade(database_url)
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT id, state, attempts, forwarded_to, not_before IS NOT NULL,"
                    " handled_at FROM problem_reports ORDER BY id"
                )
            ).all()
    finally:
        engine.dispose()
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in rows] == [
        (1, "forwarded", 0, True, None),
        (2, "failed", 0, True, None),  # lost before: in the inbox, not re-sent days later
    ]
    assert all(r[3] in ([], "[]") for r in rows)
