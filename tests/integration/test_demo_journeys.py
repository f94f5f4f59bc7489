"""`wismo demo`'s simulator shows a cancellation, a pickup-point order and problem reports."""

from __future__ import annotations

from sqlalchemy import select

from core.bootstrap import bootstrap
from core.links import TRACK
from core.settings import Settings
from core.storage.migrations import upgrade
from core.storage.models import (
    Feedback,
    Notification,
    Order,
    OutboxMessage,
    ProblemReport,
    TrackingVisit,
)
from webapp import create_app
from wismo.simulator import demo_shop, run_simulation


def test_the_demo_shows_a_cancellation_a_pickup_order_and_problem_reports(tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    upgrade(url)
    c = bootstrap(Settings(database_url=url, inline_jobs=True, public_url="http://demo.test"))
    try:
        shop = demo_shop(c)
        run_simulation(c, shop.key, orders=10, pace=0)
        client = create_app(container=c).test_client()
        with c.session() as s:
            orders = {o.number: o for o in s.scalars(select(Order))}
            reports = s.scalars(select(ProblemReport).order_by(ProblemReport.id)).all()
            forwarded = s.scalars(
                select(OutboxMessage.subject).where(
                    OutboxMessage.recipient == "help@chai-and-kettle.example"
                )
            ).all()

        def page(number: str) -> str:
            token = c.links.token(TRACK, shop.id, orders[number].id)
            return client.get(f"/track/{token}").get_data(as_text=True)

        pickup, cancelled = orders["#1003"], orders["#1005"]  # journeys 3 and 5, in ru and en
        assert pickup.status == "ready_for_pickup" and cancelled.status == "refunded"
        html = page("#1003")
        assert "Пункт выдачи DPD Pickup" in html and "Заберите до" in html
        assert "Получен" in html and "Передан курьеру" not in html
        html = page("#1005")
        assert "The item is out of stock" in html and "What happens next" in html
        assert "When will my order arrive?" not in html and 'id="feedback"' not in html
        assert [(r.kind, r.state) for r in reports] == [
            ("change_address", "forwarded"),
            ("refund", "forwarded"),
        ]
        assert len(forwarded) == 2 and all(r.handled_at is None for r in reports)
        # the demo's shoppers open, click, look and rate, so its dashboard tells a story
        with c.session() as s:
            emails = s.scalars(select(Notification).where(Notification.channel == "email")).all()
            ratings = s.scalars(select(Feedback)).all()
            visits = s.scalars(select(TrackingVisit)).all()
        opened = [n for n in emails if n.opened_at]
        assert 0 < len(opened) < len(emails) and any(n.clicked_at for n in emails)
        assert visits and ratings and all(1 <= f.rating <= 5 for f in ratings)
    finally:
        c.engine.dispose()
