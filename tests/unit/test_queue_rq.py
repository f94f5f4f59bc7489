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


def test_a_job_waiting_in_the_queue_is_not_queued_again_until_it_ran(redis_client, redis_url):
    """The relay re-enqueues what it cannot see done; copies must not pile up behind a
    backlog. Once the job ran (or was taken), the same job and ids can be queued again."""
    from rq.job import JobStatus

    queue = RqQueue(redis_url)
    for _ in range(3):
        queue.enqueue("deliver", 7)
    queue.enqueue("deliver", 8)
    assert queue.depth() == 2
    job = queue.queue.fetch_job("wismo-deliver-7")
    assert job is not None
    queue.queue.remove(job)
    job.set_status(JobStatus.STARTED)  # a worker has it now: a new copy gets its own id
    queue.enqueue("deliver", 7)
    assert queue.depth() == 2
    job.set_status(JobStatus.FINISHED)
    queue.enqueue("deliver", 7)  # after it ran, the same id is queued again
    assert queue.depth() == 3
    queue.redis.close()


def test_a_lost_database_connection_is_an_outage_not_a_poison_event():
    from sqlalchemy.exc import DataError, OperationalError

    from core.jobs import database_outage

    assert database_outage(OperationalError("SELECT 1", {}, Exception("server closed")))
    assert not database_outage(DataError("INSERT", {}, Exception("value too long")))
    assert not database_outage(ValueError("bad data"))
