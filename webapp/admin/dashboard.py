"""The dashboard: what Wismo did for the shop in a period, with a CSV export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, tzinfo

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue

from core.domain.rules import zone
from core.services.analytics import (
    CSV_HEADER,
    Period,
    Report,
    build_report,
    csv_rows,
    parse_period,
)
from core.services.care_stats import (
    DELIVERY_CSV_HEADER,
    DeliveryStats,
    delivery_csv_rows,
    delivery_stats,
)
from core.shop_settings import settings_of
from core.storage.clock import utcnow

from ..context import wismo
from .access import OWNER, current_shop, staff_required
from .blueprint import bp
from .charts import bar_chart, meter
from .i18n import _, channel_label


def period_from_args(tz: tzinfo = UTC) -> Period:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD (inclusive days in the shop's time zone); 30 by default.
    A malformed period shows the last 30 days; a longer one than a report covers, its end."""
    today = utcnow().astimezone(tz).date()
    try:
        return parse_period(request.args.get("from"), request.args.get("to"), today, tz, clip=True)
    except ValueError:
        return parse_period(None, None, today, tz)


def _delivery() -> DeliveryStats:
    with wismo().session() as s:
        shop = current_shop(s)
        period = period_from_args(zone(settings_of(shop).timezone))
        return delivery_stats(s, shop.id, period.since, period.until, period.tz)


def _report() -> Report:
    with wismo().session() as s:
        shop = current_shop(s)
        period = period_from_args(zone(settings_of(shop).timezone))
        rate = settings_of(shop).analytics.contact_rate
        return build_report(s, shop.id, period, rate)


@bp.route("/dashboard")
@staff_required(OWNER)
def dashboard() -> ResponseReturnValue:
    report = _report()
    delivery = _delivery()
    days = report.period.days()
    channels = sorted(report.channels)
    series: dict[str, list[int]] = {  # keyed by the channel in words: the chart's legend
        channel_label(ch): [
            report.daily[(d, ch)].sent if (d, ch) in report.daily else 0 for d in days
        ]
        for ch in channels
    }
    return render_template(
        "admin/dashboard.html",
        r=report,
        total=report.total,
        chart=bar_chart([d.isoformat() for d in days], series, _("Messages sent per day")),
        edd_meter=meter(report.edd_share, _("Delivered by the estimated date")),
        delivery=delivery,
        lanes_total=delivery.total(),
        meter=meter,
    )


@bp.route("/dashboard.csv")
@staff_required(OWNER)
def dashboard_csv() -> ResponseReturnValue:
    report = _report()
    out = io.StringIO()
    writer = csv.writer(out)
    name = f"wismo-{report.period.start}-{report.period.end}.csv"
    if request.args.get("section") == "delivery":  # the delivery promise and care figures
        writer.writerow(DELIVERY_CSV_HEADER)
        writer.writerows(delivery_csv_rows(_delivery()))
        name = f"wismo-delivery-{report.period.start}-{report.period.end}.csv"
    else:
        writer.writerow(CSV_HEADER)
        writer.writerows(csv_rows(report))
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
