"""Schemathesis against /openapi.json: no generated request, valid or not, gets a 5xx.

Bounded in CI by WISMO_FUZZ_EXAMPLES (default 25 per operation); docs/security.md gives
the nightly-size run.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    negative_data_rejection,
    not_a_server_error,
    positive_data_acceptance,
)

from core.settings import Settings
from tests.conftest import add_shop
from webapp import create_app

EXAMPLES = int(os.environ.get("WISMO_FUZZ_EXAMPLES", "25"))
# the contract as served: only /openapi.json is read from this app (an in-memory database)
schema = schemathesis.openapi.from_wsgi(
    "/openapi.json", create_app(Settings(database_url="sqlite://"))
)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One app on its own SQLite database with one shop, shared by every generated case."""
    from tests.conftest import make_container

    c = make_container(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'wismo.db'}")
    new = add_shop(c)
    yield create_app(container=c).test_client(), new.api_key
    c.engine.dispose()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_the_contract_describes_gets_a_5xx(case, served):
    client, key = served
    kwargs = case.as_transport_kwargs(headers={"Authorization": f"Bearer {key}"})
    response = client.open(**kwargs)
    case.validate_response(response, checks=[not_a_server_error])


# The answer API and its contract agree both ways (issue 16 item 16): every body the
# Question schema allows is answered (2xx, "message": "" included) and every body it forbids
# ("trusted": "x", a number for a string, no message) is refused with a 4xx.
answer = schemathesis.openapi.from_wsgi(
    "/openapi.json", create_app(Settings(database_url="sqlite://"))
).include(operation_id="postWismoAnswer")
answer.config.generation.update(modes=list(GenerationMode))


@answer.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_answer_api_accepts_what_its_contract_allows_and_refuses_what_it_forbids(case, served):
    client, key = served
    # the real key where the case sends one; a case that leaves it out must get a 401
    given = "Authorization" in (case.headers or {})
    kwargs = case.as_transport_kwargs(headers={"Authorization": f"Bearer {key}"} if given else None)
    response = client.open(**kwargs)
    case.validate_response(
        response,
        checks=[not_a_server_error, positive_data_acceptance, negative_data_rejection],
    )
