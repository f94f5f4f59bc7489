"""A stand-in for Nova Poshta's API 2.0 (`POST /v2.0/json/`), on the local HTTP stub.

It checks each request against the documented shape (apiKey, modelName, calledMethod,
methodProperties; getStatusDocuments: 1-100 `{DocumentNumber, Phone}`), answers from the
records a test puts in `records` (by number) with the documented response envelope, and
keeps the shape problems it saw in `problems` (a test asserts there are none).
"""

from __future__ import annotations

import re
from typing import Any

from tests.support.http_stub import HttpStub, StubRequest

PATH = "/v2.0/json/"
API_KEY = "0123456789abcdef0123456789abcdef"
KYIV_REF = "8d5a980d-391c-11dd-90d9-001a92567626"
STATUS_WORDS = {
    "1": "Відправник самостійно створив цю накладну, але ще не надав до відправки",
    "2": "Видалено",
    "3": "Номер не знайдено",
    "4": "Відправлення у місті Львів",
    "41": "Відправлення у місті Київ",
    "5": "Відправлення прямує до міста Київ",
    "6": "Відправлення у місті Київ, орієнтовна доставка до ВІДДІЛЕННЯ-12",
    "7": "Прибув на відділення",
    "8": "Прибув на відділення (завантажено в Поштомат)",
    "9": "Відправлення отримано",
    "10": "Відправлення отримано. Грошовий переказ відправляється",
    "11": "Відправлення отримано. Грошовий переказ видано одержувачу.",
    "12": "Нова Пошта комплектує ваше відправлення",
    "101": "На шляху до одержувача",
    "102": "Відмова одержувача (створено заявку на повернення)",
    "103": "Відмова одержувача (отримувач відмовився від відправлення)",
    "104": "Змінено адресу",
    "105": "Припинено зберігання",
    "106": "Одержано і створено ЄН зворотньої доставки",
    "111": "Невдала спроба доставки через відсутність Одержувача на адресі або зв'язку з ним",
    "112": "Дата доставки перенесена Одержувачем",
}


def record(number: str, code: str, scan: str = "14.09.2026 15:24:19", **fields: Any) -> dict:
    """A getStatusDocuments record with the documented field names and formats."""
    body: dict[str, Any] = {
        "Number": number,
        "StatusCode": code,
        "Status": STATUS_WORDS[code],
        "DateCreated": "13-09-2026 11:52:42",
        "DateScan": scan,
        "TrackingUpdateDate": "2026-09-14 15:24:19",
        "ScheduledDeliveryDate": "16-09-2026 13:00:00",
        "CitySender": "Львів",
        "CityRecipient": "Київ",
        "RefCityRecipient": KYIV_REF,
        "WarehouseRecipient": "Відділення №12 (до 30 кг): вул. Велика Васильківська, 143",
        "WarehouseRecipientAddress": "вул. Велика Васильківська, 143",
        "WarehouseRecipientNumber": "12",
        "CategoryOfWarehouse": "Branch",
        "ServiceType": "WarehouseWarehouse",
        "DatePayedKeeping": "",
        "RecipientDateTime": "",
        "PhoneRecipient": "",
        "UndeliveryReasons": "",
    }
    body.update(fields)
    return body


SCHEDULE = {
    "Monday": "08:00-20:00",
    "Tuesday": "08:00-20:00",
    "Wednesday": "08:00-20:00",
    "Thursday": "08:00-20:00",
    "Friday": "08:00-20:00",
    "Saturday": "09:00-18:00",
    "Sunday": "-",
}


class NovaPoshtaStandIn:
    """The stand-in's state: records by number, warehouses, what it was asked."""

    def __init__(self, stub: HttpStub) -> None:
        self.stub = stub
        self.records: dict[str, dict[str, Any]] = {}
        self.warehouses: dict[tuple[str, str], dict[str, Any]] = {
            (KYIV_REF, "12"): {
                "Ref": "1ec09d88-e1c2-11e3-8c4a-0050568002cf",
                "Number": "12",
                "Description": "Відділення №12 (до 30 кг): вул. Велика Васильківська, 143",
                "ShortAddress": "Київ, вул. Велика Васильківська, 143",
                "CityRef": KYIV_REF,
                "Schedule": SCHEDULE,
            }
        }
        self.problems: list[str] = []
        self.documents_asked: list[list[dict[str, str]]] = []
        self.failures: list[Any] = []  # answers to give instead, in turn (int status / "slow")
        stub.route("POST", PATH, handler=self._answer)

    @property
    def url(self) -> str:
        return self.stub.url_for(PATH)

    def tracking_calls(self) -> list[StubRequest]:
        return [
            r
            for r in self.stub.requests_to("POST", PATH)
            if (r.json() or {}).get("calledMethod") == "getStatusDocuments"
        ]

    def _answer(self, req: StubRequest):  # type: ignore[no-untyped-def]
        if self.failures:
            failure = self.failures.pop(0)
            if failure == "slow":
                import time

                time.sleep(1.5)
                return 200, {}, envelope([])
            return failure, {}, "upstream trouble"
        if not req.headers.get("content-type", "").startswith("application/json"):
            self.problems.append("content-type is not application/json")
        try:
            body = req.json()
        except ValueError:
            self.problems.append("body is not JSON")
            return 200, {}, envelope([], errors=["Invalid JSON"])
        missing = {"apiKey", "modelName", "calledMethod", "methodProperties"} - set(body)
        if missing:
            self.problems.append(f"missing {sorted(missing)}")
        if body.get("apiKey") != API_KEY:
            return 200, {}, envelope([], errors=["API key is invalid"], codes=["20000200068"])
        method = (body.get("modelName"), body.get("calledMethod"))
        props = body.get("methodProperties") or {}
        if method == ("TrackingDocument", "getStatusDocuments"):
            return 200, {}, self._track(props)
        if method == ("Address", "getWarehouses"):
            found = self.warehouses.get((props.get("CityRef"), props.get("WarehouseId")))
            return 200, {}, envelope([found] if found else [])
        self.problems.append(f"unexpected method {method}")
        return 200, {}, envelope([], errors=["Method does not exist"])

    def _track(self, props: dict[str, Any]) -> dict[str, Any]:
        docs = props.get("Documents")
        if not isinstance(docs, list) or not 1 <= len(docs) <= 100:
            self.problems.append(f"Documents must hold 1-100 items, got {docs!r:.80}")
            return envelope([], errors=["Documents is incorrect"])
        self.documents_asked.append(docs)
        data = []
        for d in docs:
            if set(d) != {"DocumentNumber", "Phone"}:
                self.problems.append(f"document fields {sorted(d)}")
            number, phone = str(d.get("DocumentNumber")), str(d.get("Phone"))
            if not re.fullmatch(r"\d{14}", number):
                self.problems.append(f"DocumentNumber {number!r} is not 14 digits")
            if phone and not re.fullmatch(r"380\d{9}", phone):
                self.problems.append(f"Phone {phone!r} is not 380XXXXXXXXX")
            found = self.records.get(number)
            if found is None:
                data.append({"Number": number, "StatusCode": "3", "Status": STATUS_WORDS["3"]})
            else:
                data.append({**found, "PhoneRecipient": phone if phone else ""})
        return envelope(data)


def envelope(
    data: list[Any], errors: list[str] | None = None, codes: list[str] | None = None
) -> dict[str, Any]:
    """Nova Poshta's response envelope, as documented."""
    return {
        "success": not errors,
        "data": data,
        "errors": errors or [],
        "warnings": [],
        "info": [],
        "messageCodes": [],
        "errorCodes": codes or [],
        "warningCodes": [],
        "infoCodes": [],
    }
