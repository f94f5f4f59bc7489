"""The `wismo` command line."""

from __future__ import annotations

import json
import logging
import os
import sys
import time

import click

from core import netguard, registry
from core.bootstrap import Container, bootstrap, outbound_policy
from core.errors import ConfigError, InvalidSettings
from core.settings import Settings


def _settings() -> Settings:
    """The settings from the environment; a malformed variable stops the command, named."""
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise click.ClickException(f"the configuration is wrong: {exc}") from None


def _container() -> Container:
    """The command's dependencies, built once from the environment (closed with it)."""
    c = bootstrap(_settings())
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(c.engine.dispose)
    return c


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug detail.")
def main(verbose: bool) -> None:
    """Wismo: tell shoppers where their order is, before they ask."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


@main.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply migrations to WISMO_DATABASE_URL."""
    from core.storage.migrations import current, upgrade

    url = _settings().database_url
    upgrade(url, revision)
    click.echo(f"database at revision {current(url)} ({_redact(url)})")


def _installed_platform(value: str) -> str:
    """`value` if a `wismo.adapters` plug-in of that name is installed, else a usage error."""
    platforms = registry.platforms()
    if value not in platforms:
        raise click.BadParameter(
            f"{value!r} is not an installed platform; choose from {', '.join(platforms)}"
        )
    return value


@main.group()
def shops() -> None:
    """Register and list shops."""


@shops.command("add")
@click.option(
    "--platform",
    required=True,
    callback=lambda _ctx, _param, value: _installed_platform(value),
    help="An installed platform adapter: api, shopify, woocommerce, opencart or a plug-in's.",
)
@click.option("--name", required=True, help="The store name shoppers know.")
@click.option("--domain", help="The store's domain, e.g. shop.example.com.")
@click.option("--url", "store_url", help="The store's address, e.g. https://shop.example.com/.")
@click.option("--locale", default="en", show_default=True, help="Default language: en, ru, uk.")
@click.option("--timezone", default="UTC", show_default=True, help="e.g. Europe/Kyiv.")
@click.option("--consumer-key", help="WooCommerce: a REST API key (ck_...) with read/write access.")
@click.option("--consumer-secret", help="WooCommerce: its secret (cs_...).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--owner-email", help="Create the admin's first owner and print a sign-in link.")
def shops_add(
    platform: str,
    name: str,
    domain: str | None,
    store_url: str | None,
    locale: str,
    timezone: str,
    as_json: bool,
    consumer_key: str | None = None,
    consumer_secret: str | None = None,
    owner_email: str | None = None,
) -> None:
    """Create a shop and print its shop key and API key (shown only once)."""
    from urllib.parse import urlsplit

    from core.services.shops import create_shop

    extra: dict[str, str] = {}
    if store_url:
        if urlsplit(store_url).scheme not in ("http", "https") or not urlsplit(store_url).hostname:
            raise click.BadParameter(
                "an http(s) address such as https://shop.example.com/", param_hint="--url"
            )
        domain = domain or urlsplit(store_url).hostname
        extra["store_url"] = store_url
    if owner_email is not None and "@" not in owner_email:
        raise click.BadParameter("not an email address", param_hint="--owner-email")

    c = _container()
    with c.session() as s:
        try:
            new = create_shop(
                s,
                c.box,
                name=name,
                platform=platform,
                domain=domain,
                settings={"locale": locale, "timezone": timezone, **extra},
            )
        except InvalidSettings as exc:
            option = {"store_url": "--url"}.get(exc.field, f"--{exc.field}")
            raise click.BadParameter(exc.reason, param_hint=option) from None
        s.commit()
        out = {
            "id": new.shop.id,
            "name": name,
            "platform": platform,
            "domain": domain,
            "shop_key": new.shop.key,
            "api_key": new.api_key,
            "webhook_secret": new.webhook_secret,
            "webhook_url": f"{c.settings.public_url}/webhooks/{platform}/{new.shop.key}"
            if registry.merchant_sets_webhook(platform)
            else None,
        }
        if platform == "woocommerce" and (consumer_key or consumer_secret):
            from adapters.woocommerce.cli import connect_from_cli

            out["woocommerce"] = connect_from_cli(
                c, s, new.shop, store_url, consumer_key, consumer_secret
            )
        if owner_email:
            out["admin_sign_in_link"] = _owner_link(c, s, new.shop, owner_email)
        s.commit()
    if as_json:
        click.echo(json.dumps(out, indent=2))
        return
    click.echo(f"Created shop {name!r} ({platform}).")
    click.echo(f"  shop key:        {out['shop_key']}")
    click.echo(f"  API key:         {out['api_key']}   (shown once: store it now)")
    click.echo(f"  webhook secret:  {out['webhook_secret']}")
    if out["webhook_url"]:
        click.echo(f"  webhook URL:     {out['webhook_url']}")
    if out.get("woocommerce"):
        from adapters.woocommerce.cli import echo_next_steps

        echo_next_steps(out)
    if platform == "opencart":
        click.echo("Paste into the OpenCart module (Extensions > Modules > Wismo > Edit):")
        click.echo(f"  Wismo URL:  {c.settings.public_url}")
        click.echo(f"  Shop key:   {out['shop_key']}")
        click.echo(f"  Secret:     {out['webhook_secret']}")
    if owner_email:
        click.echo(f"  admin sign-in:   {out['admin_sign_in_link']}   (works once, 72 hours)")


def _owner_link(c: Container, s: object, shop: object, email: str) -> str:
    """Create the owner account and a one-time sign-in link for it."""
    from core.services.staff import INVITE, add_staff, sign_in_token

    staff = add_staff(s, shop, email, "owner")  # type: ignore[arg-type]
    token = sign_in_token(c.links, staff, INVITE)
    return f"{c.settings.public_url}/admin/sign-in/link/{token}?p=invite"


@main.group()
def staff() -> None:
    """Admin accounts: owners (everything) and support agents (orders and log)."""


@staff.command("add")
@click.option("--shop", "shop_key", required=True, help="The shop key (see `wismo shops list`).")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(["owner", "agent"]), default="owner", show_default=True)
@click.password_option(help="At least 10 characters; prompted for when not given.")
def staff_add(shop_key: str, email: str, role: str, password: str) -> None:
    """Create a staff account (or set its role and password) for signing in to /admin."""
    from core.services.shops import shop_by_key
    from core.services.staff import add_staff

    c = _container()
    with c.session() as s:
        shop = shop_by_key(s, shop_key)
        if shop is None:
            raise click.ClickException(f"no active shop with key {shop_key!r}")
        try:
            add_staff(s, shop, email, role, password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from None
        s.commit()
        click.echo(f"{email} can now sign in as {role} at {c.settings.public_url}/admin/sign-in")


@shops.command("list")
@click.option("--json", "as_json", is_flag=True)
def shops_list(as_json: bool) -> None:
    """List registered shops."""
    from sqlalchemy import select

    from core.storage.models import Shop

    c = _container()
    with c.session() as s:
        rows = [
            {
                "id": sh.id,
                "name": sh.name,
                "platform": sh.platform,
                "domain": sh.domain,
                "shop_key": sh.key,
                "api_key": f"{sh.api_key_hint}…",
                "active": sh.active,
            }
            for sh in s.scalars(select(Shop).order_by(Shop.id))
        ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("No shops yet: add one with `wismo shops add --platform api --name NAME`.")
    for r in rows:
        state = "" if r["active"] else "  (stopped)"
        domain = f"  {r['domain']}" if r["domain"] else ""
        click.echo(
            f"{r['id']:>4}  {r['platform']:<12} {r['shop_key']:<18} {r['name']}{domain}{state}"
        )


@main.command()
@click.option("--bind", default="127.0.0.1:5000", show_default=True)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option(
    "--threads",
    default=16,
    show_default=True,
    type=click.IntRange(min=2),
    help="Threads per worker: a slow client holds one thread, never a whole worker.",
)
def serve(bind: str, workers: int, threads: int) -> None:
    """Serve the web app with gunicorn (production), threaded so slow clients block nothing."""
    _refuse_bad_config("serve")
    from gunicorn.app.base import BaseApplication

    from webapp import create_app

    class _App(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", bind)
            self.cfg.set("workers", workers)
            # gthread: the main loop waits for a request to arrive before a thread takes it,
            # and each thread serves one client, so slow clients cannot hold every worker
            # (issue 16 item 14; docs/deployment.md puts a buffering proxy in front too)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")
            # no tokens, query strings or cookies in the access log (docs/security.md)
            self.cfg.set("logger_class", "wismo.access_log.ScrubbedAccessLogger")

        def load(self):
            return create_app(container=_container())

    _App().run()


@main.command()
@click.option("--burst", is_flag=True, help="Stop when the queue is empty (scripts, tests).")
def worker(burst: bool) -> None:
    """Run an rq worker (with its scheduler) for WISMO_REDIS_URL."""
    settings = _settings()
    if not settings.redis_url:
        raise click.ClickException(
            "WISMO_REDIS_URL is not set: without Redis, jobs run inside "
            "`wismo serve` and `wismo demo`; no worker is needed"
        )
    _refuse_bad_config("worker")
    from .worker import run_worker

    c = bootstrap(settings)
    registry.channels()  # load the channel plug-ins once, before any job runs
    run_worker(c, burst=burst)


CARE_INTERVAL = 60.0
"""Seconds between two runs of the care job (and the digest check) in `wismo scheduler`."""


@main.command()
@click.option("--interval", default=5.0, show_default=True, help="Seconds between ticks.")
@click.option("--once", is_flag=True, help="Run one tick and exit.")
def scheduler(interval: float, once: bool) -> None:
    """Re-enqueue forgotten work (the relay) and run periodic jobs."""
    from core.services.periodic import reconcile_tick
    from core.services.relay import relay_tick

    _refuse_bad_config("scheduler")
    c = _container()
    log = logging.getLogger("wismo.scheduler")
    lock = _scheduler_lock(c.settings.redis_url, interval)
    next_care = time.monotonic()
    while True:
        if lock is None or lock():
            try:
                report = relay_tick(c.sessions, c.queue, c.settings)
                if report.events or report.notifications or report.released or report.dead:
                    log.info(
                        "relay: %d event(s), %d message(s) re-enqueued, %d send(s) released, "
                        "%d abandoned send(s) out of attempts (dead letters)",
                        report.events,
                        report.notifications,
                        report.released,
                        report.dead,
                    )
            except Exception:
                log.exception("relay tick failed; trying again in %.0fs", interval)
            try:
                done = reconcile_tick(c.sessions, c.queue, c)
                if done.accepted or done.failed:
                    log.info(
                        "reconciliation: %d shop(s), %d missed event(s) recovered, %d failed",
                        done.shops,
                        done.accepted,
                        done.failed,
                    )
            except Exception:
                log.exception("reconciliation failed; trying again in %.0fs", interval)
            try:
                from core.services.link_alerts import link_alert_tick

                if link_alert_tick(c.sessions, c.providers, c.links):
                    log.info("link alerts: a shop's owners were told its store link changed")
            except Exception:
                log.exception("link alerts failed; trying again in %.0fs", interval)
            try:
                from core.services.polling import poll_tick

                polled = poll_tick(c, tick_seconds=interval)
                if polled.requests or polled.discovered:
                    log.info(
                        "carriers: %d parcel(s) newly followed, %d request(s), %d update(s), "
                        "%d failed batch(es)",
                        polled.discovered,
                        polled.requests,
                        polled.accepted,
                        polled.failed_batches,
                    )
            except Exception:
                log.exception("carrier polling failed; trying again in %.0fs", interval)
            if time.monotonic() >= next_care:
                # care's timings are hours: once a minute is plenty, and keeps its writes
                # out of the way of the relay and the workers
                next_care = time.monotonic() + CARE_INTERVAL
                try:
                    from core.services.care import care_tick
                    from core.services.digest import digest_tick

                    cared = care_tick(c.sessions, c.queue)
                    if cared.steps:
                        log.info(
                            "care: %d order(s) examined, %d step(s) taken",
                            cared.examined,
                            cared.steps,
                        )
                    digest_tick(c.sessions, c.providers, c.links.public_url)
                except Exception:
                    log.exception("the care job failed; trying again in %.0fs", CARE_INTERVAL)
        if once:
            return
        time.sleep(interval)


def _refuse_bad_config(process: str) -> None:
    """Stop a production process before it starts on settings that spoil every message."""
    from core.services.checks import config_problems

    problems = config_problems(_settings())
    if not problems:
        return
    lines = [f"wismo {process} cannot start: fix the configuration first."]
    for p in problems:
        lines += [f"- {p.detail}", f"  for example: {p.fix}"]
    lines.append("`wismo check` reports every problem, the database, Redis and SMTP included.")
    raise click.ClickException("\n".join(lines))


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON.")
@click.option("--timeout", default=5.0, show_default=True, help="Seconds to wait for each server.")
def check(as_json: bool, timeout: float) -> None:
    """Check the configuration and the servers it names; exit 1 on any problem."""
    from core.services.checks import run_checks

    logging.getLogger("alembic").setLevel(logging.WARNING)  # its start-up chatter, not news
    settings = _settings()
    netguard.configure(outbound_policy(settings))  # the relay is the operator's own: reachable
    checks = run_checks(settings, timeout=timeout)
    problems = [c for c in checks if not c.ok]
    if as_json:
        report = {"ok": not problems, "problems": len(problems)}
        click.echo(json.dumps({**report, "checks": [c.as_dict() for c in checks]}, indent=2))
    else:
        for c in checks:
            click.echo(f"{'ok' if c.ok else 'PROBLEM':<8} {c.name:<12} {c.detail}")
            if not c.ok and c.fix:
                click.echo(f"{'':<8} {'':<12} fix: {c.fix}")
        click.echo(
            f"{len(problems)} problem(s) found." if problems else "Everything checked is fine."
        )
    if problems:
        sys.exit(1)


def _scheduler_lock(redis_url: str | None, interval: float):
    """With Redis, only one scheduler ticks per interval; the others stand by."""
    if not redis_url:
        return None
    from redis import Redis

    conn = Redis.from_url(redis_url, socket_timeout=5)
    ident = f"{os.uname().nodename}:{os.getpid()}"

    def acquire() -> bool:
        try:
            ok = conn.set("wismo:scheduler", ident, nx=True, ex=max(int(interval * 2), 2))
            return bool(ok) or conn.get("wismo:scheduler") == ident.encode()
        except Exception:
            return True  # Redis down: tick anyway, the relay is idempotent

    return acquire


@main.command()
@click.option("--shop", "shop_key", help="Shop key (default: the demo shop, created if needed).")
@click.option("--orders", default=10, show_default=True, help="How many orders to walk.")
@click.option("--pace", default=1.0, show_default=True, help="Seconds between steps.")
def simulate(shop_key: str | None, orders: int, pace: float) -> None:
    """Drive synthetic orders through realistic journeys, through the real pipeline."""
    from wismo.simulator import run_simulation

    c = _container()
    run_simulation(c, shop_key=shop_key, orders=orders, pace=pace, progress=True)


@main.command("new")
@click.argument("kind", type=click.Choice(["adapter", "channel", "carrier"]))
@click.argument("name")
@click.option(
    "--dir",
    "parent",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where to create the package's folder.",
)
@click.option(
    "--kind",
    "message_kind",
    default=None,
    metavar="KIND",
    help="A channel's message kind: an installed one (sms, the default; email, whatsapp...) "
    "or a new one (push) that the package defines, with its templates and address resolver.",
)
def new(kind: str, name: str, parent: str, message_kind: str | None) -> None:
    """Scaffold a plug-in package: wismo new adapter|channel|carrier NAME."""
    from pathlib import Path

    from wismo.scaffold import ScaffoldError, scaffold

    try:
        root = scaffold(kind, name, Path(parent), message_kind)
    except ScaffoldError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{root}: pip install -e '{root}[test]' && cd {root} && pytest --wismo-contract")


@main.group()
def plugins() -> None:
    """The store-side plug-ins: the WordPress plugin and the OpenCart modules."""


@plugins.command("list")
def plugins_list() -> None:
    """List the installed plug-ins (adapters, channels, carriers, hooks) and load failures."""
    groups = {
        "adapters": registry.adapters(),
        "channels": registry.channels(),
        "carriers": registry.carriers(),
        "hooks": registry.hooks(),
    }
    for group, found in groups.items():
        click.echo(f"{group}:")
        for slug, r in sorted(found.items()):
            caps = f" [{', '.join(sorted(r.capabilities))}]" if r.capabilities else ""
            click.echo(f"  {slug}: {r.label}{caps}")
    failures = registry.failures()
    if failures:
        click.echo("failed to load:")
        for f in failures:
            click.echo(f"  {f.group}:{f.name}: {f.error}")


@plugins.command("build")
@click.option(
    "--out",
    "out_dir",
    default="dist",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Where to write the installable archives.",
)
@click.option("--platform", help="Only this platform's plug-in (default: every one).")
def plugins_build(out_dir: str, platform: str | None) -> None:
    """Build every installable store plug-in (WordPress zip, OpenCart .ocmod.zip)."""
    from pathlib import Path

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    built = 0
    for name, found in sorted(registry.adapters("store_plugin").items()):
        if platform and name != platform:
            continue
        for path in found.plugin.package_plugin(out):
            click.echo(f"{name}: {path}")
            built += 1
    if not built:
        what = f"no adapter named {platform!r} ships" if platform else "no adapter ships"
        raise click.ClickException(f"{what} a store plug-in")


@main.command()
@click.option("--shop", "shop_key", required=True, help="The shop key to import orders for.")
@click.option("--days", default=60, show_default=True, help="How far back to look.")
def backfill(shop_key: str, days: int) -> None:
    """Import a shop's open orders from its platform, with a progress bar."""
    from wismo.backfill import run_backfill

    run_backfill(_container(), shop_key, days)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--database",
    default="sqlite:///wismo-demo.db",
    show_default=True,
    help="Where the demo keeps its data (WISMO_DATABASE_URL overrides).",
)
@click.option("--keep", is_flag=True, help="Keep the data of an earlier demo run.")
@click.option("--pace", default=1.5, show_default=True, help="Seconds between simulated steps.")
def demo(host: str, port: int, database: str, keep: bool, pace: float) -> None:
    """Everything on one machine: SQLite, in-process jobs, the dev outbox, a simulated shop."""
    from wismo.demo import run_demo

    run_demo(
        host=host,
        port=port,
        database=os.environ.get("WISMO_DATABASE_URL") or database,
        keep=keep,
        pace=pace,
    )


@main.group("settings")
def settings_group() -> None:
    """A shop's settings document (docs/configuration.md)."""


@settings_group.command("schema")
def settings_schema() -> None:
    """Print the JSON Schema of the settings document."""
    from core.shop_settings import json_schema

    click.echo(json.dumps(json_schema(), indent=2, ensure_ascii=False))


@settings_group.command("show")
@click.option("--shop", "shop_key", required=True, help="The shop key.")
def settings_show(shop_key: str) -> None:
    """Print a shop's settings as stored (values that do not fit their field left out)."""
    from core.services.shops import shop_by_key
    from core.shop_settings import settings_of

    c = _container()
    with c.session() as s:
        shop = shop_by_key(s, shop_key)
        if shop is None:
            raise click.ClickException(f"no active shop with key {shop_key!r}")
        click.echo(json.dumps(settings_of(shop).stored(), indent=2, ensure_ascii=False))


@settings_group.command("set")
@click.option("--shop", "shop_key", required=True, help="The shop key.")
@click.argument("key")
@click.argument("value")
def settings_set(shop_key: str, key: str, value: str) -> None:
    """Replace one top-level key with a JSON VALUE, e.g. `set --shop K policy '{...}'`."""
    from core.services.shops import shop_by_key, update_settings

    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise click.BadParameter(f"not JSON ({exc})", param_hint="VALUE") from None
    c = _container()
    with c.session() as s, s.begin():
        shop = shop_by_key(s, shop_key)
        if shop is None:
            raise click.ClickException(f"no active shop with key {shop_key!r}")
        try:
            update_settings(shop, **{key: parsed})
        except InvalidSettings as exc:
            raise click.BadParameter(str(exc), param_hint="VALUE") from None
    click.echo(f"{key} saved.")


def _redact(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


if __name__ == "__main__":
    sys.exit(main())
