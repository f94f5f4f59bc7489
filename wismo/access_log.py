"""The access log of `wismo serve` without tokens, query strings or personal data (issue 16).

gunicorn logs each request line as sent. Wismo's links carry their secret in the path
(`/track/<token>`, `/t/<code>`, `/unsubscribe/<token>`, a sign-in link…) and some pages
take personal data in the query (`/admin/orders?q=anna@example.com`, a widget token). A log
line must not let whoever reads the logs open a shopper's page, sign in as staff or learn
who searched for whom. This logger class writes the path only, with the query string
dropped and every token segment replaced by `*`, in the request line, the path, the
referrer and a `Location` header; cookies and Authorization never reach any atom.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gunicorn.glogging import Logger

# every route whose path segment is a bearer secret (webapp/: tracking, short links, clicks,
# open pixels, unsubscribe, email confirmation, sign-in links)
_TOKEN_SEGMENT = re.compile(
    r"^(/(?:track|t|c|o|unsubscribe|admin/confirm|admin/sign-in/link)/)[^/?#]+"
)
_URL_ATOMS = ("{referer}i", "{location}o", "{raw_uri}e", "{path_info}e", "{request_uri}e")
_SECRET_ATOMS = ("{cookie}i", "{authorization}i", "{set-cookie}o", "{http_cookie}e")
_QUERY_ATOMS = ("q", "{query_string}e")


def scrub_path(path: str) -> str:
    """`/track/abc?x=1` -> `/track/*`: no query string, no token segment."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    return _TOKEN_SEGMENT.sub(r"\1*", path)


def scrub_url(url: str) -> str:
    """A path or an absolute URL (a referrer, a Location) scrubbed the same way."""
    if not url or url == "-":
        return url
    if url.startswith("/"):
        return scrub_path(url)
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, scrub_path(parts.path), "", ""))


class ScrubbedAccessLogger(Logger):
    """gunicorn's logger with the atoms of each access-log line scrubbed."""

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta
    ) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        path = scrub_url(str(environ.get("RAW_URI") or environ.get("PATH_INFO") or ""))
        atoms["r"] = f"{environ['REQUEST_METHOD']} {path} {environ['SERVER_PROTOCOL']}"
        atoms["U"] = scrub_path(str(atoms.get("U") or ""))
        atoms["f"] = scrub_url(str(atoms.get("f") or "-"))
        for key in _URL_ATOMS:
            if isinstance(atoms.get(key), str):
                atoms[key] = scrub_url(atoms[key])
        for key in _QUERY_ATOMS:
            if key in atoms:
                atoms[key] = ""
        for key in _SECRET_ATOMS:
            atoms.pop(key, None)
        return atoms
