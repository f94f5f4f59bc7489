"""A whole Wismo for fault runs: real `wismo serve`, two `wismo worker`s and `wismo scheduler`
processes on the test's database and a throwaway Redis, an aiosmtpd server and stand-in SMS
providers (Twilio, TurboSMS), with orders posted over HTTP as a platform would."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from core.bootstrap import Container
from core.storage.models import Shop
from tests.conftest import TEST_ALLOW_PRIVATE_URLS, TEST_SECRET, add_shop, make_container
from tests.faults.accounting import OPEN, Ledger
from tests.support.channels import TWILIO_PATH, TWILIO_SID, TWILIO_TOKEN
from tests.support.clock import VARIABLE as CLOCK_VARIABLE
from tests.support.clock import python_command
from tests.support.http_stub import HttpStub, StubRequest, StubResponse
from tests.support.servers import RedisProcess, free_port, stop_process_groups
from tests.support.smtp_server import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
# orders per run: small in CI, `WISMO_FAULT_ORDERS=1000` for a nightly run
ORDERS = int(os.environ.get("WISMO_FAULT_ORDERS") or 100)
TURBO_PATH = "/turbo/message/send.json"


SHAPE_ERRORS: list[str] = []  # requests that did not have the shape the provider documents


class SmsProviders:
    """Stand-ins for Twilio and TurboSMS on one HttpStub, each checking the request shape its
    documentation gives; `twilio_down` plays Twilio answering 503. `delivered` lists the
    numbers each provider accepted a message for, in order."""

    def __init__(self, stub: HttpStub) -> None:
        self.stub = stub
        self.twilio_down = False
        self.delivered: list[str] = []
        self._lock = threading.Lock()
        stub.route("POST", TWILIO_PATH, self.twilio)
        stub.route("POST", TURBO_PATH, self.turbosms)

    def twilio(self, request: StubRequest) -> StubResponse:
        """Twilio's Messages resource: a form POST with the account's basic auth
        (https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource)."""
        form = request.form()
        if not (
            request.headers.get("Authorization", "").startswith("Basic ")
            and form.get("To", "").startswith("+380")
            and form.get("From")
            and form.get("Body")
        ):
            SHAPE_ERRORS.append(f"twilio: {form}")
        if self.twilio_down:
            return StubResponse(503, {}, {"code": 20503, "message": "Service unavailable"})
        with self._lock:
            self.delivered.append(form["To"])
        return StubResponse(201, {}, {"sid": f"SM{len(self.delivered)}", "status": "queued"})

    def turbosms(self, request: StubRequest) -> StubResponse:
        """TurboSMS's send.json (https://turbosms.ua/api.html): a Bearer token, JSON recipients
        without the "+", and `response_code` 800 for an accepted message."""
        body = request.json()
        recipients = body.get("recipients") or [""]
        if not (
            request.headers.get("Authorization") == "Bearer turbo-token"
            and body.get("sms", {}).get("sender")
            and body.get("sms", {}).get("text")
            and len(recipients) == 1
            and recipients[0].startswith("380")
        ):
            SHAPE_ERRORS.append(f"turbosms: {body}")
        with self._lock:
            self.delivered.append("+" + recipients[0])
        result = [{"phone": recipients[0], "response_code": 0, "message_id": f"t-{recipients[0]}"}]
        return StubResponse(
            200,
            {},
            {
                "response_code": 800,
                "response_status": "SUCCESS_MESSAGE_ACCEPTED",
                "response_result": result,
            },
        )


def order_event(n: int, shop_tag: str) -> dict[str, Any]:
    return {
        "event_id": f"fault-{shop_tag}-{n}",
        "order": {
            "id": f"{shop_tag}-{n}",
            "number": f"#{shop_tag.upper()}{1000 + n}",
            "status": "placed",
            "occurred_at": f"2026-11-22T10:{n % 60:02d}:00Z",
            "customer": {
                "name": "Олена Петренко",
                "email": f"{shop_tag}{n}@example.com",
                "phone": f"+38067{n:07d}",
                "locale": ["uk", "en", "ru"][n % 3],
            },
            "items": [{"name": "Чайник", "quantity": 1, "price": "1250.00"}],
            "total": "1250.00",
            "currency": "UAH",
        },
    }


class FaultStack:
    """The processes, the stand-ins and the shops of one fault run."""

    def __init__(
        self,
        database_url: str,
        redis: RedisProcess,
        smtp: SmtpServer,
        sms: HttpStub,
        tmp: Path,
    ) -> None:
        self.database_url, self.redis, self.smtp, self.sms, self.tmp = (
            database_url,
            redis,
            smtp,
            sms,
            tmp,
        )
        self.port = free_port()
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("WISMO_") or k.startswith("WISMO_T")
        }
        self.env.update(
            {
                "WISMO_DATABASE_URL": database_url,
                "WISMO_REDIS_URL": redis.url,
                "WISMO_SMTP_URL": smtp.url + "?from=shop@example.com",
                "WISMO_SECRET_KEY": TEST_SECRET,
                "WISMO_PUBLIC_URL": "https://wismo.test",
                "WISMO_SEND_LEASE_SECONDS": "4",
                "WISMO_RELAY_GRACE_SECONDS": "2",
                "WISMO_MAX_ATTEMPTS": "4",
                "WISMO_RETRY_BACKOFF": "1,2,2",
                # the SMS providers' stand-ins listen on loopback: allowed as a self-hoster
                # allows a private network (core/netguard.py refuses it otherwise)
                "WISMO_ALLOW_PRIVATE_URLS": TEST_ALLOW_PRIVATE_URLS,
                "PYTHONPATH": str(ROOT),
                CLOCK_VARIABLE: os.environ.get(CLOCK_VARIABLE, ""),
            }
        )
        self.c: Container = make_container(database_url, public_url="https://wismo.test")
        self.shops: dict[str, Any] = {}
        self.procs: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.accepted: set[str] = set()
        self.crashes = 0
        self.providers = SmsProviders(sms)

    # ------------------------------------------------------------------ shops
    def add_shop(self, tag: str, sms: list[str] | None = None) -> None:
        """A UA shop sending the confirmation by email and, with `sms` providers, by SMS."""
        channels: dict[str, Any] = {}
        secrets: dict[str, Any] = {}
        if sms:
            conf = {
                "twilio": (
                    {
                        "provider": "twilio",
                        "account_sid": TWILIO_SID,
                        "from": "+15005550006",
                        "base_url": self.sms.url,
                        "timeout": 2,
                    },
                    {"auth_token": TWILIO_TOKEN},
                ),
                "turbosms": (
                    {
                        "provider": "turbosms",
                        "sender": "ChaiKettle",
                        "base_url": self.sms.url + "/turbo",
                        "timeout": 2,
                    },
                    {"token": "turbo-token"},
                ),
            }
            channels["sms"] = [conf[p][0] for p in sms]
            secrets["sms"] = [conf[p][1] for p in sms]
        matrix = {"placed": {"email": True, "sms": bool(sms)}}
        new = add_shop(
            self.c, name=f"Shop {tag}", policy={"matrix": matrix}, channels=channels, country="UA"
        )
        if secrets:
            with self.c.session() as s, s.begin():
                shop = s.get(Shop, new.shop.id)
                assert shop is not None
                shop.secrets = self.c.box.seal(
                    {**self.c.box.open(shop.secrets), "channels": secrets}
                )
        self.shops[tag] = new

    # -------------------------------------------------------------- processes
    def spawn(self, *args: str) -> subprocess.Popen[bytes]:
        log = open(self.tmp / f"{args[0]}-{len(self.procs)}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            python_command("wismo.cli", *args),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.procs.append(proc)
        return proc

    def start(self, workers: int = 2) -> None:
        web = self.spawn("serve", "--bind", f"127.0.0.1:{self.port}", "--workers", "2")
        for _ in range(workers):
            self.workers.append(self.spawn("worker"))
        self.spawn("scheduler", "--interval", "1")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert web.poll() is None, self.logs()
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise AssertionError(f"wismo serve did not listen\n{self.logs()}")

    def kill_worker(self, index: int) -> None:
        """SIGKILL a worker (mid-batch) and start another, as a process manager would."""
        os.killpg(self.workers[index].pid, signal.SIGKILL)
        self.workers[index].wait(10)
        self.crashes += 1
        self.workers[index] = self.spawn("worker")

    def drop_database_connections(self) -> int:
        """pg_terminate_backend every Wismo backend, found by its application_name."""
        with self.c.engine.connect() as conn:
            name = conn.execute(text("SELECT current_setting('application_name')")).scalar()
            dropped = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            ).scalar()
        return int(dropped or 0)

    # ------------------------------------------------------------------ load
    def post_orders(self, tag: str, orders: int = ORDERS) -> threading.Thread:
        """Post `orders` events in a thread, as a platform does: a 5xx or a refused connection
        is retried until it is answered 2xx (then it counts as accepted)."""
        key = self.shops[tag].api_key

        def run() -> None:
            with httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10) as client:
                for n in range(orders):
                    body = order_event(n, tag)
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        try:
                            r = client.post(
                                "/api/v1/orders/events",
                                json=body,
                                headers={"Authorization": f"Bearer {key}"},
                            )
                        except httpx.TransportError:
                            time.sleep(0.2)
                            continue
                        if r.status_code < 300:
                            self.accepted.add(body["event_id"])
                            break
                        assert r.status_code >= 500, (r.status_code, r.text)
                        time.sleep(0.2)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread

    # ------------------------------------------------------------- accounting
    def received(self) -> dict[str, list[str]]:
        return {
            "email": [str(m.message["To"]) for m in self.smtp.messages],
            "sms": list(self.providers.delivered),
        }

    def ledger(self) -> Ledger:
        with self.c.session() as s:
            return Ledger(set(self.accepted), {}, self.crashes).read(s)

    def settle(self, timeout: float = 420) -> Ledger:
        """Wait until every accepted event is processed and no message is on its way."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ledger = self.ledger()
            if (
                ledger.events == len(self.accepted)
                and ledger.processed + ledger.dead_events == ledger.events
                and ledger.count(None, *OPEN) == 0
            ):
                time.sleep(1.5)  # what was sent has reached the stand-ins
                final = self.ledger()
                final.received = self.received()
                return final
            time.sleep(0.5)
        ledger = self.ledger()
        raise AssertionError(f"not settled: {ledger.summary()}\n{self.logs()}")

    def workers_alive(self, timeout: float = 90) -> None:
        """Every worker process alive and working: the queue drains to empty (the relay may
        have queued a message twice; the second job finds it sent and does nothing)."""
        queue = self.redis.client()
        deadline = time.monotonic() + timeout
        try:
            while queue.llen("rq:queue:wismo") and time.monotonic() < deadline:
                time.sleep(0.5)
            left = queue.llen("rq:queue:wismo")
        finally:
            queue.close()
        dead = [p.args for p in self.workers if p.poll() is not None]
        assert not dead, f"a worker is dead: {dead}\n{self.logs()}"
        assert left == 0, f"{left} jobs left in the queue: the workers are stuck\n{self.logs()}"

    def logs(self) -> str:
        """The warnings and errors of every process (the full logs stay in the test's tmp)."""
        out = []
        for path in sorted(self.tmp.glob("*.log")):
            lines = path.read_text(errors="replace").splitlines()
            loud = [line for line in lines if " WARNING " in line or " ERROR " in line]
            out.append(f"--- {path}\n" + "\n".join(loud[-15:]))
        return "\n".join(out)

    def close(self) -> None:
        stop_process_groups(self.procs, timeout=10)
        self.c.engine.dispose()
