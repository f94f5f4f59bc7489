"""`wismo demo`: the whole product on one machine, with a simulated shop."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from core.bootstrap import Container, bootstrap
from core.services.relay import relay_tick
from core.settings import Settings
from core.storage.migrations import upgrade

log = logging.getLogger("wismo.demo")


def run_demo(host: str, port: int, database: str, keep: bool, pace: float) -> None:
    """Migrate, seed the demo shop, start the simulator and the relay, and serve."""
    from webapp import create_app
    from wismo.simulator import demo_shop, run_simulation

    url = make_url(database)
    if url.get_backend_name() == "sqlite" and url.database and not keep:
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
    upgrade(database)
    public_url = f"http://{host}:{port}"
    # the embedded default: no Redis, no SMTP, whatever the environment says
    settings = Settings.from_env(
        database_url=database,
        redis_url=None,
        smtp_url=None,
        public_url=public_url,
        inline_jobs=False,
    )
    c = bootstrap(settings)
    shop = demo_shop(c)
    _demo_owner(c, shop.id)
    _every(2.0, lambda: relay_tick(c.sessions, c.queue, c.settings), "relay")
    # three orders that only the demo carrier moves on: to a branch (two) and to the door
    from core.services.polling import poll_tick
    from wismo.demo_carrier import (
        DEMO_POLICY,
        connect_demo_carrier,
        ship_care_orders,
        ship_followed_orders,
    )

    connect_demo_carrier(c, shop.id, step_seconds=20 * max(pace, 0.25))
    ship_followed_orders(c, shop.id)
    ship_care_orders(c, shop.id)  # one stalls, one waits at the branch: care speaks first
    _every(2.0, lambda: poll_tick(c, policy=DEMO_POLICY, tick_seconds=2.0), "carriers")
    from core.services.care import care_tick

    _every(5.0, lambda: care_tick(c.sessions, c.queue), "care")
    threading.Thread(
        target=run_simulation,
        name="simulator",
        daemon=True,
        kwargs={"c": c, "shop_key": shop.key, "orders": 10, "pace": pace},
    ).start()
    app = create_app(container=c)
    app.config["WISMO_DEMO"] = True
    click.echo(click.style("\n  Wismo demo is running\n", bold=True))
    click.echo(f"  Orders and timelines:   {public_url}/")
    click.echo(f"  Dev outbox:             {public_url}/dev/outbox")
    click.echo(f"  Event API (OpenAPI):    {public_url}/openapi.json")
    click.echo(f"  Merchant admin:         {public_url}/admin/   ({DEMO_OWNER} / {DEMO_PASSWORD})")
    click.echo(f"  Demo shop key:          {shop.key}   (data in {database})")
    click.echo("  A simulator is walking 10 orders through their journeys; reload to follow.")
    click.echo("  Orders #2001-#2003 move on only by the demo carrier's scans (two minutes).")
    click.echo(
        "  #2004 stalls and #2005 waits at the branch: see the care messages and /admin/care.\n"
    )
    app.run(host=host, port=port, threaded=True, use_reloader=False)


DEMO_OWNER, DEMO_PASSWORD = "owner@demo.wismo", "wismo-demo-owner"


def _demo_owner(c: Container, shop_id: int) -> None:
    """The demo shop's owner, so the admin can be tried at once (a local demo only)."""
    from core.services.staff import add_staff
    from core.storage.models import Shop

    with c.session() as s, s.begin():
        add_staff(s, s.get_one(Shop, shop_id), DEMO_OWNER, "owner", DEMO_PASSWORD)


def _every(seconds: float, fn, name: str) -> None:
    def loop() -> None:
        while True:
            time.sleep(seconds)
            try:
                fn()
            except Exception:
                log.exception("%s failed", name)

    threading.Thread(target=loop, name=name, daemon=True).start()
