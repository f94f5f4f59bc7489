"""Tracking numbers typed into an OpenCart order history comment.

OpenCart has no tracking field, so staff often write "Tracking: 20450000000000" or
"ТТН 20450000000000" into the comment. The PHP module applies the same rule
(module/lib/Tracking.php); both are tested on the same examples.
"""

from __future__ import annotations

import re

_TRACKING = re.compile(
    r"(?:tracking(?:\s*(?:number|no\.?|code|#))?|track(?:ing)?\s*#|ttn"
    r"|ттн|трек(?:-?\s?номер|-?\s?код)?|номер\s+(?:відправлення|отправления|посилки|посылки))"
    r"\s*[:#№]?\s*([A-Z0-9][A-Z0-9-]{5,38}[A-Z0-9])",
    re.IGNORECASE | re.UNICODE,
)


def tracking_from_comment(comment: str | None) -> str | None:
    """The first tracking number a history comment names after a keyword, upper-cased."""
    if not comment:
        return None
    match = _TRACKING.search(comment)
    return match.group(1).upper() if match else None
