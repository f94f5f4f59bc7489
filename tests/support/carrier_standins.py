"""Stand-ins for the carriers' tracking APIs (Ukrposhta, Meest, 17TRACK, DHL, UPS, Canada Post).

Each checks the request shape the carrier documents (method, path, auth header, body)
and answers from `histories` in the carrier's documented response shape; a request of
the wrong shape is answered 400 and its reason kept in `problems`, which every test
asserts empty. Install one on the `http_stub` fixture:

    ukr = UkrposhtaStandIn(http_stub, bearer="b", histories={"0500000000001": [...]})
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from tests.support.http_stub import HttpStub, StubRequest


@dataclass
class StandIn:
    stub: HttpStub
    histories: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def refuse(self, reason: str) -> tuple[int, dict[str, str], Any]:
        self.problems.append(reason)
        return 400, {}, {"message": reason}


@dataclass
class UkrposhtaStandIn(StandIn):
    """POST /status-tracking/0.0.1/statuses/with-not-found, Bearer, a JSON list ≤ 50."""

    bearer: str = "ukr-bearer"
    prefix: str = "/status-tracking/0.0.1"

    def __post_init__(self) -> None:
        self.stub.route("POST", f"{self.prefix}/statuses/with-not-found", self.answer)

    @property
    def base_url(self) -> str:
        return self.stub.url_for(self.prefix)

    def answer(self, req: StubRequest) -> tuple[int, dict[str, str], Any]:
        if req.headers.get("Authorization") != f"Bearer {self.bearer}":
            return 401, {}, {"code": "UNAUTHORIZED", "message": "bearer refused"}
        if not req.headers.get("Content-Type", "").startswith("application/json"):
            return self.refuse("body must be JSON")
        barcodes = req.json()
        if not isinstance(barcodes, list) or not all(isinstance(b, str) for b in barcodes):
            return self.refuse("body must be a JSON list of barcodes")
        if not 1 <= len(barcodes) <= 50:
            return self.refuse(f"{len(barcodes)} barcodes in one request (1-50 allowed)")
        found = {b: self.histories[b] for b in barcodes if b in self.histories}
        return 200, {}, {"found": found, "notFound": [b for b in barcodes if b not in found]}


@dataclass
class MeestStandIn(StandIn):
    """POST /v3.0/openAPI/auth (login) and GET /v3.0/openAPI/tracking/{number} (`token`)."""

    username: str = "shop-login"
    password: str = "shop-password"
    tokens_issued: int = 0
    expired: set[str] = field(default_factory=set)
    prefix: str = "/v3.0/openAPI"

    def __post_init__(self) -> None:
        self.stub.route("POST", f"{self.prefix}/auth", self.auth)
        self.stub.route("GET", f"{self.prefix}/tracking/{{number}}", self.tracking)

    @property
    def base_url(self) -> str:
        return self.stub.url_for(self.prefix)

    def auth(self, req: StubRequest) -> tuple[int, dict[str, str], Any]:
        body = req.json()
        if set(body) != {"username", "password"}:
            return self.refuse(f"auth body keys {sorted(body)}")
        if (body["username"], body["password"]) != (self.username, self.password):
            return 401, {}, {"status": "Error", "info": {"message": "wrong login"}, "result": []}
        self.tokens_issued += 1
        token = f"token-{self.tokens_issued}"
        result = {"token": token, "refreshToken": f"refresh-{token}", "expiresIn": 3600}
        return 200, {}, {"status": "OK", "info": {}, "result": result}

    def tracking(self, req: StubRequest) -> tuple[int, dict[str, str], Any]:
        token = req.headers.get("token", "")
        if not token.startswith("token-") or token in self.expired:
            return 401, {}, {"status": "Error", "info": {"message": "token expired"}}
        events = self.histories.get(req.path_params["number"], [])
        return 200, {}, {"status": "OK", "info": {}, "result": events}


@dataclass
class SeventeenTrackStandIn(StandIn):
    """POST /track/v2.2/register and /gettrackinfo with the `17token` header, lists ≤ 40."""

    api_key: str = "17-key"
    registered: set[str] = field(default_factory=set)
    prefix: str = "/track/v2.2"

    def __post_init__(self) -> None:
        self.stub.route("POST", f"{self.prefix}/register", self.register)
        self.stub.route("POST", f"{self.prefix}/gettrackinfo", self.gettrackinfo)

    @property
    def base_url(self) -> str:
        return self.stub.url_for(self.prefix)

    def _items(self, req: StubRequest) -> list[dict[str, Any]] | str:
        if req.headers.get("17token") != self.api_key:
            return "key"
        items = req.json()
        if not isinstance(items, list) or not 1 <= len(items) <= 40:
            return "a JSON list of 1-40 items"
        if not all(isinstance(i, dict) and isinstance(i.get("number"), str) for i in items):
            return "each item needs a number"
        return items

    def register(self, req: StubRequest) -> tuple[int, dict[str, str], Any]:
        items = self._items(req)
        if items == "key":
            return 200, {}, {"code": -18010002, "data": {}}
        if isinstance(items, str):
            return self.refuse(items)
        accepted, rejected = [], []
        for item in items:
            if set(item) - {"number", "carrier", "auto_detection", "tag", "order_no"}:
                return self.refuse(f"unknown register fields {sorted(item)}")
            if item["number"] in self.registered:
                error = {"code": -18019901, "message": "already registered"}
                rejected.append({"number": item["number"], "error": error})
            else:
                self.registered.add(item["number"])
                accepted.append({"number": item["number"], "carrier": 3011, "origin": 1})
        return 200, {}, {"code": 0, "data": {"accepted": accepted, "rejected": rejected}}

    def gettrackinfo(self, req: StubRequest) -> tuple[int, dict[str, str], Any]:
        items = self._items(req)
        if items == "key":
            return 200, {}, {"code": -18010002, "data": {}}
        if isinstance(items, str):
            return self.refuse(items)
        accepted, rejected = [], []
        for item in items:
            number = item["number"]
            if number in self.registered and number in self.histories:
                accepted.append(
                    {
                        "number": number,
                        "carrier": 3011,
                        "tag": None,
                        "track_info": self.histories[number],
                    }
                )
            else:
                error = {"code": -18019902, "message": "The tracking number is not registered."}
                rejected.append({"number": number, "error": error})
        return 200, {}, {"code": 0, "data": {"accepted": accepted, "rejected": rejected}}

    def signed_push(self, event: str, number: str, track_info: Any = None) -> tuple[bytes, str]:
        """A push body as 17TRACK sends it, and its `sign` header value."""
        data: dict[str, Any] = {"number": number, "carrier": 3011, "tag": None}
        if track_info is not None:
            data["track_info"] = track_info
        body = json.dumps({"event": event, "data": data}).encode()
        return body, hashlib.sha256(body + b"/" + self.api_key.encode()).hexdigest()


@dataclass
class DhlStandIn(StandIn):
    """DHL's Shipment Tracking API: GET /track/shipments?trackingNumber=…, `DHL-API-Key`."""

    api_key: str = "dhl-key"

    def __post_init__(self) -> None:
        self.stub.route("GET", "/track/shipments", self.answer)

    def answer(self, req: StubRequest) -> tuple[int, dict[str, str], Any]:
        if req.headers.get("DHL-API-Key") != self.api_key:
            return 401, {}, {"status": 401, "title": "Unauthorized", "detail": "Invalid API key"}
        numbers = req.query.get("trackingNumber", [])
        if len(numbers) != 1:
            return self.refuse(f"trackingNumber given {len(numbers)} times")
        shipment = self.histories.get(numbers[0])
        if shipment is None:
            detail = "No shipment with given tracking number found."
            return (
                404,
                {},
                {
                    "status": 404,
                    "title": "No result found",
                    "detail": detail,
                    "instance": f"/track/shipments?trackingNumber={numbers[0]}",
                },
            )
        return 200, {}, {"shipments": [shipment]}


@dataclass
class UpsStandIn(StandIn):
    """UPS OAuth (POST /security/v1/oauth/token, Basic) then GET /api/track/v1/details/{n}."""

    client_id: str = "ups-id"
    client_secret: str = "ups-secret"
    issued_at_ms: int = 1_767_225_600_000

    def __post_init__(self) -> None:
        self.stub.route("POST", "/security/v1/oauth/token", self.token)
        self.stub.route("GET", "/api/track/v1/details/{number}", self.details)

    def token(self, req: StubRequest) -> tuple[int, dict[str, str], Any]:
        import base64

        basic = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if req.headers.get("Authorization") != f"Basic {basic}":
            fault = {"code": "250003", "message": "Invalid Authentication Information."}
            return 401, {}, {"response": {"errors": [fault]}}
        if req.form() != {"grant_type": "client_credentials"}:
            return self.refuse(f"token body {req.text()!r}")
        return (
            200,
            {},
            {
                "access_token": "ups-token",
                "token_type": "Bearer",
                "issued_at": str(self.issued_at_ms),
                "expires_in": "14399",
                "status": "approved",
            },
        )

    def details(self, req: StubRequest) -> tuple[int, dict[str, str], Any]:
        if req.headers.get("Authorization") != "Bearer ups-token":
            return (
                401,
                {},
                {"response": {"errors": [{"code": "250002", "message": "Invalid token"}]}},
            )
        if not req.headers.get("transId") or not req.headers.get("transactionSrc"):
            return self.refuse("transId and transactionSrc headers are required")
        number = req.path_params["number"]
        package = self.histories.get(number)
        if package is None:
            warning = {"code": "TW0001", "message": "Tracking Information Not Found"}
            shipment = {"inquiryNumber": number, "warnings": [warning]}
        else:
            shipment = {"inquiryNumber": number, "package": [package]}
        return 200, {}, {"trackResponse": {"shipment": [shipment]}}


@dataclass
class CanadaPostStandIn(StandIn):
    """Canada Post's Tracking web service: GET /vis/track/pin/{pin}/detail, Basic, XML v2."""

    username: str = "cp-user"
    password: str = "cp-password"

    def __post_init__(self) -> None:
        self.stub.route("GET", "/vis/track/pin/{pin}/detail", self.detail)

    def detail(self, req: StubRequest) -> tuple[int, dict[str, str], Any]:
        import base64
        from xml.sax.saxutils import escape

        basic = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        xml = {"Content-Type": "application/vnd.cpc.track-v2+xml"}
        if req.headers.get("Authorization") != f"Basic {basic}":
            return 401, xml, _cp_messages("E002", "AAA Authentication Failure")
        if req.headers.get("Accept") != "application/vnd.cpc.track-v2+xml":
            return self.refuse(f"Accept {req.headers.get('Accept')!r}")
        if not req.headers.get("Accept-language", "").endswith("-CA"):
            return self.refuse("Accept-language must be en-CA or fr-CA")
        pin = req.path_params["pin"]
        events = self.histories.get(pin)
        if events is None:
            return 200, xml, _cp_messages("004", "No Pin History")
        occurrences = "".join(
            "<occurrence>"
            f"<event-identifier>{code}</event-identifier><event-date>{day}</event-date>"
            f"<event-time>{time}</event-time><event-time-zone>EST</event-time-zone>"
            f"<event-description>{escape(words)}</event-description>"
            f"<event-site>{escape(site)}</event-site><event-province>ON</event-province>"
            "</occurrence>"
            for code, day, time, words, site in events  # newest first, as Canada Post lists
        )
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<tracking-detail xmlns="http://www.canadapost.ca/ws/track-v2">'
            f"<pin>{pin}</pin><active-exists>1</active-exists><archive-exists/>"
            "<expected-delivery-date>2026-11-24</expected-delivery-date>"
            f"<significant-events>{occurrences}</significant-events>"
            "</tracking-detail>"
        )
        return 200, xml, body


def _cp_messages(code: str, description: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<messages xmlns="http://www.canadapost.ca/ws/messages">'
        f"<message><code>{code}</code><description>{description}</description></message>"
        "</messages>"
    )
