"""Every failure after a claim ends in a recorded state with its real error, and ends.

A message that cannot be prepared (a broken template, bad data) or whose worker keeps
dying mid-send is retried like any failed send, its attempts are counted, and at
`max_attempts` it becomes a dead letter the merchant sees: it is never put back forever.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from core.bootstrap import Container, bootstrap
from core.domain.states import MessageState
from core.domain.statuses import Status as S
from core.queue_rq import RqQueue
from core.services.delivery import claim
from core.services.pipeline import accept_event, process_event
from core.settings import Settings
from core.storage.clock import utcnow
from core.storage.models import Base, Notification, Shop
from tests.conftest import TEST_SECRET, add_shop
from tests.integration.test_pipeline import event, push
from tests.support.ticks import deliver, relay_tick


def note_of(c, nid: int) -> Notification:
    with c.session() as s:
        note = s.get(Notification, nid)
        assert note is not None
        return note


def only_note(c) -> Notification:
    with c.session() as s:
        return s.scalars(select(Notification)).one()


def test_a_message_that_fails_while_prepared_is_retried_with_its_real_error_then_dead(container):
    # Bad data the typed settings cannot catch (they refuse, and never read, a template of
    # the wrong shape): the sealed secrets hold a string where the email provider's secret
    # part belongs, so preparing the message raises TypeError, not a ConfigError.
    new = add_shop(container, channels={"email": [{"provider": "outbox"}]})
    with container.session() as s, s.begin():
        shop = s.get(Shop, new.shop.id)
        shop.secrets = container.box.seal(
            {**container.box.open(shop.secrets), "channels": {"email": "oops"}}
        )
    push(container, new.shop.id, event("e1", S.PLACED))
    note = only_note(container)
    max_attempts = container.settings.max_attempts
    assert (note.state, note.attempts) == (MessageState.RETRY, 1)
    assert "TypeError" in note.last_error and "not a mapping" in note.last_error
    assert "vanished" not in note.last_error
    assert note.claim is None  # the claim is released: nothing is left "sending"
    later = utcnow() + timedelta(days=1)  # past any backoff, whatever today is
    for attempt in range(2, max_attempts + 1):
        later += timedelta(hours=1)
        deliver(container, note.id, now=later)
        note = note_of(container, note.id)
        assert note.attempts == attempt
        assert note.state == (MessageState.DEAD if attempt == max_attempts else MessageState.RETRY)
    assert note.last_error.startswith(f"gave up after {max_attempts} attempts:")
    assert "TypeError" in note.last_error
    # dead means dead: the relay leaves it alone, however often it ticks
    for _ in range(3):
        later += timedelta(hours=1)
        report = relay_tick(container, now=later)
        assert report.notifications == report.released == 0
    assert note_of(container, note.id).state == MessageState.DEAD


@pytest.fixture
def queued(database_url, redis_client, redis_url) -> Iterator[Container]:
    """A container whose jobs go to a real rq queue that no worker serves: what the relay
    re-enqueues stays queued, as when every worker that takes a send is killed."""
    settings = Settings(database_url=database_url, secret_key=TEST_SECRET)
    c = bootstrap(settings, queue=RqQueue(redis_url))
    Base.metadata.create_all(c.engine)
    yield c
    c.engine.dispose()


def test_a_worker_killed_mid_send_every_time_ends_dead_at_the_limit(queued, redis_client):
    container = queued
    shop = add_shop(container)
    with container.session() as s:
        accepted = accept_event(s, shop.shop.id, event("e1", S.PLACED))
    with container.session() as s:
        process_event(s, accepted.event_id)
    nid = only_note(container).id
    max_attempts = container.settings.max_attempts
    lease = timedelta(seconds=container.settings.send_lease_seconds + 1)
    now = datetime.now(UTC)
    for attempt in range(1, max_attempts + 1):
        with container.session() as s:
            assert claim(s, nid, now)  # a worker takes it ... and is killed mid-send
        now += lease
        report = relay_tick(container, now=now)
        note = note_of(container, nid)
        assert note.attempts == attempt and note.claim is None
        if attempt < max_attempts:
            assert (report.released, report.dead) == (1, 0)
            assert (
                note.state == MessageState.RETRY
                and "the sending worker vanished" in note.last_error
            )
        else:
            assert (report.released, report.dead) == (0, 1)
            assert note.state == MessageState.DEAD
            assert note.last_error.startswith(f"gave up after {max_attempts} attempts:")
    assert relay_tick(container, now=now + lease).notifications == 0  # not put back again
    # released four times, queued once: the job still waiting serves every release
    assert redis_client.llen("rq:queue:wismo") == 1
    with container.session() as s:
        assert claim(s, nid, now + lease) is None  # and no worker can take it


def test_a_send_abandoned_at_the_limit_falls_over_to_the_next_channel(container):
    new = add_shop(
        container,
        policy={"matrix": {"placed": {"email": True, "sms": True}}},
        failover={"placed": ["email", "sms"]},
    )
    push(container, new.shop.id, event("e1", S.PLACED))
    (email,) = _notes(container)  # the chain's first channel only
    with container.session() as s:
        row = s.get(Notification, email.id)
        row.state, row.attempts = MessageState.PENDING, container.settings.max_attempts - 1
        s.commit()
        assert claim(s, email.id, datetime.now(UTC))  # the last attempt's worker dies
    late = datetime.now(UTC) + timedelta(seconds=container.settings.send_lease_seconds + 1)
    assert relay_tick(container, now=late).dead == 1
    first, stand_in = _notes(container)
    assert (
        first.state == MessageState.FAILED_OVER
        and "the sending worker vanished" in first.last_error
    )
    assert (stand_in.channel, stand_in.fallback_of) == ("sms", email.id)


def _notes(c) -> list[Notification]:
    with c.session() as s:
        return list(s.scalars(select(Notification).order_by(Notification.id)))
