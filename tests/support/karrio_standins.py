"""Stand-ins for the karrio carriers' tracking APIs: FedEx, USPS, GLS, Australia Post, DPD.

As in carrier_standins.py, each checks the request karrio's extension sends against the
carrier's documented shape (method, path, auth, headers, body) and answers in the
documented response shape; a request off that shape is answered 400 and its reason kept
in `problems`, which every test asserts empty. Histories are keyed by tracking number.

The documents followed:
  FedEx      Track API (developer.fedex.com/api/en-us/catalog/track): OAuth
             POST /oauth/token, then POST /track/v1/trackingnumbers, ≤ 30 numbers
  USPS       Tracking 3.0 (developers.usps.com/trackingv3r2): OAuth POST /oauth2/v3/token,
             then GET /tracking/v3/tracking/{number}?expand=DETAIL, one number each
  GLS        Track and Trace API (dev-portal.gls-group.net): OAuth POST /oauth2/v2/token
             (Basic), then GET /track-and-trace-v1/tracking/simple/trackids/{ids}, ≤ 10
  Australia  Shipping and Tracking API (developers.auspost.com.au, "Track items"):
  Post       GET /shipping/v1/track?tracking_ids=…, Basic key:password, Account-Number, ≤ 10
  DPD        DPD Germany web services (esolutions.dpd.com): SOAP LoginService 2.1 getAuth,
             then ParcelLifeCycleService 2.0 getTrackingData with the token in the header
  DHL        XML-PI (the DHL Express XML Services toolkit, TrackingRequestKnown.xsd and
  Express    TrackingResponse.xsd): POST /XMLShippingServlet, SiteID and Password in the
             ServiceHeader, up to 10 AWBNumbers
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from tests.support.carrier_standins import StandIn
from tests.support.http_stub import StubRequest

Answer = tuple[int, dict[str, str], Any]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@dataclass
class OAuthStandIn(StandIn):
    """A carrier behind an OAuth client-credentials token (FedEx, USPS, GLS)."""

    client_id: str = "client-id"
    client_secret: str = "client-secret"
    token: str = "standin-token"
    tokens_issued: int = 0

    def bearer_ok(self, req: StubRequest) -> bool:
        """The token this stand-in issued (headers match in any case: FedEx's is lower)."""
        return req.headers.get("Authorization") == f"Bearer {self.token}"

    def issue(self, lifetime: int = 3600) -> Answer:
        self.tokens_issued += 1
        body = {"access_token": self.token, "token_type": "bearer", "expires_in": lifetime}
        return 200, {}, body


# --- FedEx ---------------------------------------------------------------------------------


@dataclass
class FedexStandIn(OAuthStandIn):
    """FedEx Track API: form-encoded client credentials, then JSON tracking requests."""

    token: str = "fedex-token"

    def __post_init__(self) -> None:
        self.stub.route("POST", "/oauth/token", self.oauth)
        self.stub.route("POST", "/track/v1/trackingnumbers", self.track)

    def oauth(self, req: StubRequest) -> Answer:
        if not req.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return self.refuse("the token request must be form-encoded")
        form = req.form()
        if form.get("grant_type") != "client_credentials" or set(form) != {
            "grant_type",
            "client_id",
            "client_secret",
        }:
            return self.refuse(f"token form {sorted(form)}")
        if (form["client_id"], form["client_secret"]) != (self.client_id, self.client_secret):
            error = {
                "code": "NOT.AUTHORIZED.ERROR",
                "message": "The given client credentials were not valid. "
                "Please modify your request and try again.",
            }
            return 401, {}, {"transactionId": "t-1", "errors": [error]}
        return self.issue()

    def track(self, req: StubRequest) -> Answer:
        if not self.bearer_ok(req):
            error = {"code": "NOT.AUTHORIZED.ERROR", "message": "Access token expired."}
            return 401, {}, {"transactionId": "t-2", "errors": [error]}
        if req.headers.get("x-locale") != "en_US":
            return self.refuse(f"x-locale {req.headers.get('x-locale')!r}")
        if not req.headers.get("Content-Type", "").startswith("application/json"):
            return self.refuse("the tracking request must be JSON")
        body = req.json()
        if set(body) != {"includeDetailedScans", "trackingInfo"}:
            return self.refuse(f"tracking body keys {sorted(body)}")
        infos = body["trackingInfo"]
        if body["includeDetailedScans"] is not True or not 1 <= len(infos) <= 30:
            return self.refuse("includeDetailedScans and 1-30 trackingInfo are required")
        results = []
        for info in infos:
            number = (info.get("trackingNumberInfo") or {}).get("trackingNumber")
            if set(info) != {"trackingNumberInfo"} or not isinstance(number, str):
                return self.refuse(f"trackingInfo item {info}")
            results.append({"trackingNumber": number, "trackResults": [self._result(number)]})
        return 200, {}, {"transactionId": "t-3", "output": {"completeTrackResults": results}}

    def _result(self, number: str) -> dict[str, Any]:
        identity = {"trackingNumber": number, "carrierCode": "FDXE", "trackingNumberUniqueId": "1"}
        scans = self.histories.get(number)
        if scans is None:
            error = {
                "code": "TRACKING.TRACKINGNUMBER.NOTFOUND",
                "message": "Tracking number cannot be found. "
                "Please correct the tracking number and try again.",
            }
            return {"trackingNumberInfo": identity, "error": error}
        newest = scans[0]  # (date, eventType, description), newest first as FedEx lists them
        return {
            "trackingNumberInfo": identity,
            "latestStatusDetail": {"code": newest[1], "description": newest[2]},
            "standardTransitTimeWindow": {"window": {"ends": "2026-11-25T23:59:00-06:00"}},
            "estimatedDeliveryTimeWindow": {"window": {"begins": "2026-11-24T09:00:00-06:00"}},
            "scanEvents": [
                {
                    "date": when,
                    "eventType": code,
                    "eventDescription": words,
                    "exceptionDescription": "",
                    "scanLocation": {
                        "city": "MEMPHIS",
                        "stateOrProvinceCode": "TN",
                        "postalCode": "38118",
                        "countryCode": "US",
                    },
                    "locationType": "FEDEX_FACILITY",
                }
                for when, code, words in scans
            ],
        }


# --- USPS ----------------------------------------------------------------------------------


@dataclass
class UspsStandIn(OAuthStandIn):
    """USPS Tracking 3.0: OAuth 2.0 with the `tracking` scope, one GET per number."""

    token: str = "usps-token"

    def __post_init__(self) -> None:
        self.stub.route("POST", "/oauth2/v3/token", self.oauth)
        self.stub.route("GET", "/tracking/v3/tracking/{number}", self.tracking)

    def oauth(self, req: StubRequest) -> Answer:
        form = req.form()
        if form.get("grant_type") != "client_credentials":
            return self.refuse(f"grant_type {form.get('grant_type')!r}")
        if "tracking" not in form.get("scope", "").split():
            return self.refuse(f"scope {form.get('scope')!r} lacks tracking")
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return (
                401,
                {},
                {"error": "invalid_client", "error_description": "Authentication failed"},
            )
        return self.issue()

    def tracking(self, req: StubRequest) -> Answer:
        if not self.bearer_ok(req):
            error = {"code": "401", "message": "Unauthorized: invalid access token"}
            return 401, {}, {"apiVersion": "/tracking/v3", "error": error}
        if req.query != {"expand": ["DETAIL"]}:
            return self.refuse(f"query {req.query}")
        number = req.path_params["number"]
        events = self.histories.get(number)
        if events is None:
            detail = {"status": "404", "code": "1001", "title": "Not Found", "detail": number}
            error = {
                "code": "404",
                "message": "The tracking number was not found",
                "errors": [detail],
            }
            return 404, {}, {"apiVersion": "/tracking/v3", "error": error}
        newest = events[0]  # (eventTimestamp, eventType, eventCode), newest first
        return (
            200,
            {},
            {
                "trackingNumber": number,
                "statusCategory": newest[1],
                "status": newest[1],
                "expectedDeliveryTimeStamp": "2026-11-24T20:00:00Z",
                "mailClass": "PRIORITY_MAIL",
                "originZIP": "10001",
                "destinationZIP": "94105",
                "trackingEvents": [
                    {
                        "eventType": kind,
                        "eventTimestamp": when,
                        "eventCountry": "US",
                        "eventCity": "SAN FRANCISCO",
                        "eventState": "CA",
                        "eventZIP": "94105",
                        "eventCode": code,
                    }
                    for when, kind, code in events
                ],
            },
        )


# --- GLS -----------------------------------------------------------------------------------


@dataclass
class GlsStandIn(OAuthStandIn):
    """GLS Track and Trace: OAuth with HTTP Basic, then up to ten ids per GET."""

    token: str = "gls-token"

    def __post_init__(self) -> None:
        self.stub.route("POST", "/oauth2/v2/token", self.oauth)
        self.stub.route("GET", "/track-and-trace-v1/tracking/simple/trackids/{ids}", self.track)

    def oauth(self, req: StubRequest) -> Answer:
        if req.headers.get("Authorization") != basic(self.client_id, self.client_secret):
            error = {"code": "invalid_client", "message": "Client authentication failed"}
            return 401, {}, {"errors": [error]}
        if req.form() != {"grant_type": "client_credentials"}:
            return self.refuse(f"token body {req.text()!r}")
        return self.issue(14400)

    def track(self, req: StubRequest) -> Answer:
        if not self.bearer_ok(req):
            return 401, {}, {"errors": [{"code": "401", "message": "Unauthorized"}]}
        if req.headers.get("Accept") != "application/json":
            return self.refuse(f"Accept {req.headers.get('Accept')!r}")
        ids = req.path_params["ids"].split(",")
        if not 1 <= len(ids) <= 10:
            return self.refuse(f"{len(ids)} ids in one request (1-10 allowed)")
        parcels = []
        for number in ids:
            parcel = self.histories.get(number)
            if parcel is None:
                parcels.append(
                    {
                        "requested": number,
                        "errorCode": "NOT_FOUND",
                        "errorMessage": "No parcel found for the given tracking id.",
                    }
                )
                continue
            status, events = parcel  # (status, [(eventDateTime, code, description)]) newest 1st
            parcels.append(
                {
                    "requested": number,
                    "unitno": number,
                    "status": status,
                    "statusDateTime": events[0][0],
                    "events": [
                        {
                            "code": code,
                            "city": "Neuenstein",
                            "postalCode": "36286",
                            "country": "DE",
                            "description": words,
                            "eventDateTime": when,
                        }
                        for when, code, words in events
                    ],
                }
            )
        return 200, {}, {"parcels": parcels}


# --- Australia Post ------------------------------------------------------------------------


@dataclass
class AustraliaPostStandIn(StandIn):
    """Australia Post's Track items: Basic api_key:password and the Account-Number header."""

    api_key: str = "ap-key"
    password: str = "ap-password"
    account_number: str = "0001234567"

    def __post_init__(self) -> None:
        self.stub.route("GET", "/shipping/v1/track", self.track)

    def track(self, req: StubRequest) -> Answer:
        if req.headers.get("Authorization") != basic(self.api_key, self.password):
            error = {"code": "API_001", "name": "Unauthorized", "message": "Unauthorized"}
            return 401, {}, {"errors": [error]}
        if req.headers.get("Account-Number") != self.account_number:
            return 403, {}, {"errors": [{"code": "44003", "name": "Forbidden account"}]}
        ids = ",".join(req.query.get("tracking_ids", [])).split(",")
        if not ids or not all(ids) or len(ids) > 10:
            return self.refuse(f"tracking_ids {req.query.get('tracking_ids')} (1-10 allowed)")
        results = []
        for number in ids:
            item = self.histories.get(number)
            if item is None:
                errors = [{"code": "ESB-10001", "name": "Invalid tracking ID"}]
                results.append({"tracking_id": number, "errors": errors})
                continue
            status, events = item  # (status, [(date, description)]) newest first
            results.append(
                {
                    "tracking_id": number,
                    "status": status,
                    "trackable_items": [
                        {
                            "article_id": number,
                            "product_type": "eParcel",
                            "status": status,
                            "events": [
                                {"location": "ALEXANDRIA NSW", "description": words, "date": when}
                                for when, words in events
                            ],
                        }
                    ],
                }
            )
        return 200, {}, {"tracking_results": results}


# --- DPD -----------------------------------------------------------------------------------

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
LOGIN_NS = "http://dpd.com/common/service/types/LoginService/2.1"
TRACK_NS = "http://dpd.com/common/service/types/ParcelLifeCycleService/2.0"
AUTH_NS = "http://dpd.com/common/service/types/Authentication/2.0"
XML = {"Content-Type": "text/xml;charset=UTF-8"}


def _text(root: ElementTree.Element, tag: str) -> str | None:
    """The text of the first element named `tag` (in any namespace, or none)."""
    for el in root.iter():
        if el.tag == tag or el.tag.endswith("}" + tag):
            return el.text or ""
    return None


def _envelope(body: str) -> str:
    return f'<soap:Envelope xmlns:soap="{SOAP}"><soap:Body>{body}</soap:Body></soap:Envelope>'


def _fault(code: str, message: str, kind: str, ns: str) -> str:
    return _envelope(
        "<soap:Fault><faultcode>soap:Server</faultcode><faultstring>Fault occured</faultstring>"
        f'<detail><ns2:{kind} xmlns:ns2="{ns}"><errorCode>{code}</errorCode>'
        f"<errorMessage>{escape(message)}</errorMessage></ns2:{kind}></detail></soap:Fault>"
    )


@dataclass
class DpdStandIn(StandIn):
    """DPD's SOAP services: getAuth (DELIS id, password) then getTrackingData per parcel."""

    delis_id: str = "dpd-delis"
    password: str = "dpd-password"
    token: str = "dpd-token"
    logins: int = 0

    def __post_init__(self) -> None:
        self.stub.route("POST", "/soap/services/LoginService/V2_1", self.login)
        self.stub.route("POST", "/soap/services/ParcelLifeCycleService/V2_0", self.track)

    def _soap(self, req: StubRequest, action: str) -> ElementTree.Element | str:
        if not req.headers.get("Content-Type", "").startswith("text/xml"):
            return "SOAP 1.1 needs Content-Type text/xml"
        if req.headers.get("SOAPAction") != action:
            return f"SOAPAction {req.headers.get('SOAPAction')!r}"
        try:
            root = ElementTree.fromstring(req.body)
        except ElementTree.ParseError as exc:
            return f"not XML: {exc}"
        if root.tag != f"{{{SOAP}}}Envelope":
            return f"root {root.tag}"
        return root

    def login(self, req: StubRequest) -> Answer:
        root = self._soap(req, f"{LOGIN_NS}/getAuth")
        if isinstance(root, str):
            return self.refuse(root)
        if root.find(f".//{{{LOGIN_NS}}}getAuth") is None:
            return self.refuse("no getAuth in the body")
        if (_text(root, "delisId"), _text(root, "password")) != (self.delis_id, self.password):
            fault = _fault("LOGIN_5", "The given DELIS-ID and password do not match.",
                           "authenticationFault", LOGIN_NS)  # fmt: skip
            return 500, XML, fault
        if not _text(root, "messageLanguage"):
            return self.refuse("messageLanguage is required")
        self.logins += 1
        body = (
            f'<ns2:getAuthResponse xmlns:ns2="{LOGIN_NS}"><return>'
            f"<delisId>{self.delis_id}</delisId><customerUid>{self.delis_id}</customerUid>"
            f"<authToken>{self.token}</authToken><depot>0163</depot>"
            "<authTokenExpires>2099-12-31T23:59:59.000</authTokenExpires>"
            "</return></ns2:getAuthResponse>"
        )
        return 200, XML, _envelope(body)

    def track(self, req: StubRequest) -> Answer:
        root = self._soap(req, f"{TRACK_NS}/getTrackingData")
        if isinstance(root, str):
            return self.refuse(root)
        header = root.find(f".//{{{AUTH_NS}}}authentication")
        if header is None:
            return self.refuse("no authentication header")
        if (_text(header, "delisId"), _text(header, "authToken")) != (self.delis_id, self.token):
            fault = _fault("LOGIN_7", "The auth token is not valid.", "authenticationFault",
                           AUTH_NS)  # fmt: skip
            return 500, XML, fault
        asked = root.find(f".//{{{TRACK_NS}}}getTrackingData")
        number = _text(asked, "parcelLabelNumber") if asked is not None else None
        if not number:
            return self.refuse("getTrackingData needs one parcelLabelNumber")
        events = self.histories.get(number)
        if events is None:
            fault = _fault("TRACKING_1", f"No data for parcel {number}.", "faults", TRACK_NS)
            return 500, XML, fault
        infos = "".join(
            "<statusInfo>"
            f"<status>{status}</status><label><content>{escape(label)}</content></label>"
            f"<description><content><content>{escape(label)}.</content></content></description>"
            "<statusHasBeenReached>true</statusHasBeenReached>"
            f"<isCurrentStatus>{'true' if i == len(events) - 1 else 'false'}</isCurrentStatus>"
            "<showContactInfo>false</showContactInfo>"
            f"<location><content>{escape(place)}</content></location>"
            f"<date><content>{when}</content></date>"
            "</statusInfo>"
            for i, (when, status, label, place) in enumerate(events)  # oldest first, as DPD
        )
        body = (
            f'<ns2:getTrackingDataResponse xmlns:ns2="{TRACK_NS}"><trackingresult>'
            f"<shipmentInfo><parcelLabelNumber>{number}</parcelLabelNumber></shipmentInfo>"
            f"{infos}</trackingresult></ns2:getTrackingDataResponse>"
        )
        return 200, XML, _envelope(body)


# --- DHL Express (XML-PI) ---------------------------------------------------------------------

DHL_NS = "http://www.dhl.com"


@dataclass
class DhlExpressStandIn(StandIn):
    """DHL Express XML-PI: one KnownTrackingRequest for up to ten waybills."""

    site_id: str = "dhl-site"
    password: str = "dhl-password"

    def __post_init__(self) -> None:
        self.stub.route("POST", "/XMLShippingServlet", self.track)

    def track(self, req: StubRequest) -> Answer:
        xml = {"Content-Type": "application/xml"}
        if req.headers.get("Content-Type") != "application/xml":
            return self.refuse(f"Content-Type {req.headers.get('Content-Type')!r}")
        try:
            root = ElementTree.fromstring(req.body)
        except ElementTree.ParseError as exc:
            return self.refuse(f"not XML: {exc}")
        if root.tag != f"{{{DHL_NS}}}KnownTrackingRequest":
            return self.refuse(f"root {root.tag}")
        if root.get("schemaVersion") != "1.0":
            return self.refuse(f"schemaVersion {root.get('schemaVersion')!r}")
        header = root.find("Request/ServiceHeader")
        if header is None or not header.findtext("MessageTime"):
            return self.refuse("Request/ServiceHeader with a MessageTime is required")
        if (header.findtext("SiteID"), header.findtext("Password")) != (
            self.site_id,
            self.password,
        ):
            return 200, xml, _dhl_error("100", "Authentication failed: invalid SiteID/Password")
        if root.findtext("LevelOfDetails") != "ALL_CHECK_POINTS" or not root.findtext(
            "LanguageCode"
        ):
            return self.refuse("LanguageCode and LevelOfDetails ALL_CHECK_POINTS are required")
        waybills = [el.text or "" for el in root.findall("AWBNumber")]
        if not 1 <= len(waybills) <= 10:
            return self.refuse(f"{len(waybills)} AWBNumbers in one request (1-10 allowed)")
        infos = "".join(self._info(number) for number in waybills)
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><req:TrackingResponse xmlns:req="{DHL_NS}">'
            "<Response><ServiceHeader><MessageTime>2026-11-22T10:00:00+01:00</MessageTime>"
            f"<SiteID>{self.site_id}</SiteID></ServiceHeader></Response>{infos}"
            "</req:TrackingResponse>"
        )
        return 200, xml, body

    def _info(self, number: str) -> str:
        events = self.histories.get(number)  # [(date, time, code, words)], oldest first
        if events is None:
            return (
                f"<AWBInfo><AWBNumber>{number}</AWBNumber><Status>"
                "<ActionStatus>No Shipments Found</ActionStatus></Status></AWBInfo>"
            )
        shipment_events = "".join(
            f"<ShipmentEvent><Date>{day}</Date><Time>{time}</Time>"
            f"<ServiceEvent><EventCode>{code}</EventCode>"
            f"<Description>{escape(words)}</Description></ServiceEvent><Signatory/>"
            "<ServiceArea><ServiceAreaCode>LEJ</ServiceAreaCode>"
            "<Description>LEIPZIG - GERMANY</Description></ServiceArea></ShipmentEvent>"
            for day, time, code, words in events
        )
        return (
            f"<AWBInfo><AWBNumber>{number}</AWBNumber>"
            "<Status><ActionStatus>success</ActionStatus></Status><ShipmentInfo>"
            "<OriginServiceArea><ServiceAreaCode>LEJ</ServiceAreaCode>"
            "<Description>LEIPZIG - GERMANY</Description></OriginServiceArea>"
            "<DestinationServiceArea><ServiceAreaCode>KBP</ServiceAreaCode>"
            "<Description>KYIV - UKRAINE</Description></DestinationServiceArea>"
            "<ShipperName>Shop</ShipperName><ConsigneeName>Olena</ConsigneeName>"
            "<ShipmentDate>2026-11-20T10:00:00</ShipmentDate><Pieces>1</Pieces>"
            "<Weight>0.5</Weight><WeightUnit>K</WeightUnit>"
            "<EstDlvyDate>2026-11-24 23:59:00 GMT+01:00</EstDlvyDate>"
            f"{shipment_events}</ShipmentInfo></AWBInfo>"
        )


def _dhl_error(code: str, words: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><res:ErrorResponse xmlns:res="{DHL_NS}">'
        "<Response><Status><ActionStatus>Error</ActionStatus><Condition>"
        f"<ConditionCode>{code}</ConditionCode><ConditionData>{escape(words)}</ConditionData>"
        "</Condition></Status></Response></res:ErrorResponse>"
    )
