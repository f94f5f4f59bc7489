"""Signed links: one salt per purpose, ids only, never personal data."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

TRACK = "wismo.track"
"""Tracking links sent before opaque ids: [shop_id, order_id]; read, never made any more."""
TRACK_ID = "wismo.track.id"
"""Tracking links: [the order's random public_id]."""
UNSUBSCRIBE = "wismo.unsubscribe"


class Links:
    """Makes and reads the signed tokens in the links Wismo sends to shoppers."""

    def __init__(self, secret_key: str, public_url: str, previous: tuple[str, ...] = ()) -> None:
        self._keys = [secret_key, *previous]
        self.public_url = public_url.rstrip("/")

    @property
    def secret_key(self) -> str:
        """The current secret key (messenger opt-in tokens are sealed with it)."""
        return self._keys[0]

    def _serializer(self, salt: str) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._keys[::-1], salt=salt)  # last key signs

    def token(self, purpose: str, *ids: int | str) -> str:
        """A signed token carrying `ids` for one purpose."""
        return self._serializer(purpose).dumps(list(ids))

    def read(self, purpose: str, token: str, max_age: int | None = None) -> list[int | str] | None:
        """The ids in a token of this purpose, or None if it is forged, foreign or expired."""
        try:
            value = self._serializer(purpose).loads(token, max_age=max_age)
        except BadSignature:
            return None
        return value if isinstance(value, list) else None

    def tracking_token(self, public_id: str) -> str:
        """The token of an order's tracking link: its opaque public id, signed."""
        return self.token(TRACK_ID, public_id)

    def tracking_url(self, public_id: str) -> str:
        """The shopper's link to the order's tracking page."""
        return f"{self.public_url}/track/{self.tracking_token(public_id)}"

    def short_url(self, code: str) -> str:
        """The short link (`/t/<code>`) that SMS and messengers carry instead of the signed one."""
        return f"{self.public_url}/t/{code}"
