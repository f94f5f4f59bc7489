"""A stand-in Saleor (JWKS and GraphQL), and the vectors of the contract kit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from wismo.sdk.testing import AdapterVectors, HttpStub

from tests.samples import OTHER_KEY, jwks, payload, signed
from wismo_saleor import api
from wismo_saleor.statuses import STATUSES

pytest_plugins = ["wismo.testing.http_stub"]


@pytest.fixture
def saleor(http_stub: HttpStub) -> Iterator[HttpStub]:
    """A store: its JWKS at /.well-known/jwks.json; its GraphQL API at /graphql/ (routes per
    test). The JWKS cache is emptied so each test fetches from its own stand-in."""
    http_stub.route("GET", "/.well-known/jwks.json", json=jwks())
    api._jwks_cache.clear()
    yield http_stub
    api._jwks_cache.clear()


@pytest.fixture
def wismo_contract_vectors(saleor: HttpStub) -> dict[str, AdapterVectors]:
    """A real-shaped Saleor webhook, signed as Saleor signs, and every order status."""
    api_url = saleor.url_for("/graphql/")
    return {
        "saleor": AdapterVectors(
            body=payload(),
            sign=lambda body: signed(body, api_url),
            forge=lambda body: signed(body, api_url, key=OTHER_KEY),
            secrets={"api_url": api_url},
            signature="public-key",
            signature_headers=("Saleor-Signature",),
            statuses=tuple(STATUSES),
            status_table=STATUSES,
            body_for_status=payload,
        )
    }
