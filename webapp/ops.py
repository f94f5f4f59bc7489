"""Operations: /healthz (up), /readyz (dependencies reachable), /metrics (Prometheus)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify
from sqlalchemy import func, select, text

from core.storage.models import Notification, OrderEvent

from .context import wismo

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
def healthz():
    """The process is up."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    """The database and (when configured) Redis answer."""
    c = wismo()
    checks: dict[str, str] = {}
    try:
        with c.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    if c.settings.redis_url:
        try:
            from redis import Redis

            Redis.from_url(c.settings.redis_url, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {exc.__class__.__name__}"
    ready = all(v == "ok" for v in checks.values())
    return jsonify({"status": "ok" if ready else "unavailable", "checks": checks}), (
        200 if ready else 503
    )


@bp.get("/metrics")
def metrics() -> Response:
    """Counters and gauges in the Prometheus text format."""
    c = wismo()
    lines = [
        "# HELP wismo_events_accepted_total Order events accepted, by source.",
        "# TYPE wismo_events_accepted_total counter",
    ]
    with c.session() as s:
        for source, n in s.execute(
            select(OrderEvent.source, func.count()).group_by(OrderEvent.source)
        ):
            lines.append(f'wismo_events_accepted_total{{source="{source}"}} {n}')
        pending = s.scalar(select(func.count()).where(OrderEvent.processed_at.is_(None))) or 0
        lines += [
            "# HELP wismo_events_unprocessed Events accepted and not yet processed.",
            "# TYPE wismo_events_unprocessed gauge",
            f"wismo_events_unprocessed {pending}",
            "# HELP wismo_messages Messages by channel and state.",
            "# TYPE wismo_messages gauge",
        ]
        rows = s.execute(
            select(Notification.channel, Notification.state, func.count()).group_by(
                Notification.channel, Notification.state
            )
        )
        for channel, state, n in rows:
            lines.append(f'wismo_messages{{channel="{channel}",state="{state}"}} {n}')
        latencies = sorted(
            (sent - due).total_seconds()
            for sent, due in s.execute(
                select(Notification.sent_at, Notification.not_before)
                .where(Notification.sent_at.is_not(None))
                .order_by(Notification.sent_at.desc())
                .limit(1000)
            )
            if sent is not None  # the query asks for sent ones only; this tells the type checker
        )
    lines += [
        "# HELP wismo_send_latency_seconds Due-to-sent latency of the last 1000 messages.",
        "# TYPE wismo_send_latency_seconds summary",
    ]
    for q in (0.5, 0.9, 0.99):
        value = latencies[min(int(q * len(latencies)), len(latencies) - 1)] if latencies else 0.0
        lines.append(f'wismo_send_latency_seconds{{quantile="{q}"}} {max(value, 0.0):.3f}')
    lines.append(f"wismo_send_latency_seconds_count {len(latencies)}")
    try:
        depth = c.queue.depth()
    except Exception:
        depth = None
    lines += [
        "# HELP wismo_queue_depth Jobs waiting in the queue (-1: unreachable).",
        "# TYPE wismo_queue_depth gauge",
        f"wismo_queue_depth {-1 if depth is None else depth}",
    ]
    return Response("\n".join(lines) + "\n", mimetype="text/plain; version=0.0.4")
