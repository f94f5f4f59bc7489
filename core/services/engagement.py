"""Optional email open and click tracking: an open pixel and tracked links, per shop.

Enabled by shop.settings["tracking"] = {"opens": true, "clicks": true} (both off by
default). The stored message keeps its original HTML; only what goes out is decorated,
so a resend or retry decorates afresh with its own notification id. A tracked link's
token carries the notification id and the link's position in that stored HTML, never
the URL itself: the redirect can only lead where the message already pointed.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import datetime

from sqlalchemy.orm import Session

from core.links import Links
from core.shop_settings import Tracking
from core.storage.clock import utcnow
from core.storage.models import MessageEvent, Notification

OPEN = "wismo.open"
CLICK = "wismo.click"
_HREF = re.compile(r'href="(https?://[^"]+)"', re.IGNORECASE)
_UNTRACKED = ("/unsubscribe/",)  # the opt-out link is left as it is


def tracked_links(html: str) -> list[str]:
    """The http(s) links of a stored email, in order, as the shopper would follow them."""
    return [htmllib.unescape(m.group(1)) for m in _HREF.finditer(html)]


def decorate_html(links: Links, tracking: Tracking, notification_id: int, html: str) -> str:
    """The email's HTML with its links tracked and the open pixel added, as the shop chose."""
    base = links.public_url
    if tracking.clicks:
        index = iter(range(10_000))

        def swap(match: re.Match[str]) -> str:
            i = next(index)
            if any(part in match.group(1) for part in _UNTRACKED):
                return match.group(0)
            return f'href="{base}/c/{links.token(CLICK, notification_id, i)}"'

        html = _HREF.sub(swap, html)
    if tracking.opens:
        pixel = (
            f'<img src="{base}/o/{links.token(OPEN, notification_id)}.gif" width="1" '
            'height="1" alt="" style="display:block;border:0;width:1px;height:1px">'
        )
        at = html.lower().rfind("</body>")
        html = html[:at] + pixel + html[at:] if at >= 0 else html + pixel
    return html


def record_open(session: Session, note: Notification, now: datetime | None = None) -> None:
    """An open: an event each time, the first time on the notification."""
    now = now or utcnow()
    session.add(
        MessageEvent(shop_id=note.shop_id, notification_id=note.id, kind="opened", created_at=now)
    )
    if note.opened_at is None:
        note.opened_at = now


def record_click(
    session: Session, note: Notification, url: str, now: datetime | None = None
) -> None:
    """A click (which also proves an open when images were blocked)."""
    now = now or utcnow()
    session.add(
        MessageEvent(
            shop_id=note.shop_id,
            notification_id=note.id,
            kind="clicked",
            detail={"url": url},
            created_at=now,
        )
    )
    if note.clicked_at is None:
        note.clicked_at = now
    if note.opened_at is None:
        note.opened_at = now
