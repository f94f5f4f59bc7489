"""The problem-report inbox: reports from the tracking page, listed until marked handled."""

from __future__ import annotations

from sqlalchemy import select

from core.domain.statuses import Status
from core.links import TRACK
from core.storage.models import Order, ProblemReport

from .helpers import Admin, order_event


def _report(app, container, shop_id, number="7001", message="The lid is cracked"):
    order_event(container, shop_id, f"e-{number}", number, Status.PLACED)
    with container.session() as s:
        order_id = s.scalar(select(Order.id).where(Order.external_id == number))
    token = container.links.token(TRACK, shop_id, order_id)
    sent = app.test_client().post(
        f"/track/{token}/problem", data={"kind": "damaged", "message": message}
    )
    assert sent.status_code == 303
    return order_id


def test_a_shoppers_report_is_in_the_inbox_until_an_agent_marks_it_handled(app, container, owner):
    order_id = _report(app, container, owner.shop.id)
    _report(app, container, owner.shop.id, "7002", "Wrong <b>colour</b>")
    agent = Admin(app, "agent@a.example")
    page = agent.get("/admin/problems").get_data(as_text=True)
    assert "2 open" in page and 'class="count">2<' in page  # the inbox and the navigation
    assert "The lid is cracked" in page and "Arrived damaged" in page and "#7001" in page
    assert "Wrong &lt;b&gt;colour&lt;/b&gt;" in page  # the shopper's text is escaped
    assert "not forwarded" in page and "nowhere to forward" in page  # this shop has no address
    with container.session() as s:
        report_id = s.scalar(select(ProblemReport.id).where(ProblemReport.order_id == order_id))
    refused = agent.client.post(f"/admin/problems/{report_id}/handled")  # no CSRF token
    assert refused.status_code == 400
    done = agent.post(f"/admin/problems/{report_id}/handled", {"back": "order"})
    assert done.status_code == 302 and done.headers["Location"].endswith(
        f"/admin/orders/{order_id}#problems"
    )
    assert agent.post(f"/admin/problems/{report_id}/handled").status_code == 409
    page = agent.get("/admin/problems").get_data(as_text=True)
    assert "The lid is cracked" not in page and "1 open" in page
    order_page = agent.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert "The lid is cracked" in order_page and "by agent@a.example" in order_page
    with container.session() as s:
        row = s.get(ProblemReport, report_id)
    assert row.handled_by == "agent@a.example" and row.handled_at is not None


def test_the_order_page_lists_its_reports_with_a_handled_button(app, container, owner):
    order_id = _report(app, container, owner.shop.id)
    page = Admin(app, "owner@a.example").get(f"/admin/orders/{order_id}").get_data(as_text=True)
    assert 'id="problems"' in page and "The lid is cracked" in page
    assert "Mark handled" in page and 'name="back" value="order"' in page
