"""The rq queue fails fast for a while after Redis failed, instead of timing out each time."""

import pytest

from core.queue_rq import QueueUnavailable, RqQueue
from tests.support.servers import free_port


def test_enqueue_fails_fast_after_a_failure():
    queue = RqQueue(f"redis://127.0.0.1:{free_port()}/0")  # nothing listens there
    with pytest.raises(Exception) as first:
        queue.enqueue("process_event", 1)
    assert not isinstance(first.value, QueueUnavailable)
    with pytest.raises(QueueUnavailable):
        queue.enqueue("process_event", 2)
    queue.redis.close()
