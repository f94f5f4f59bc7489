"""One tree of errors, drawn where it is defined.

WismoError
 ├─ WebhookError: InvalidSignature, MalformedPayload, UnknownShop
 ├─ ChannelError: TransientChannelError (retry), PermanentChannelError (fail over / dead letter)
 │                 └─ RecipientOptedOut (record an opt-out, then fail over)
 ├─ TemplateError
 └─ ConfigError
     └─ InvalidSettings (a shop setting refused on write, naming its field)

Adapters and channels convert vendor exceptions into these at their boundary; the
webapp maps them to status codes in one error handler.
"""

from __future__ import annotations


class WismoError(Exception):
    """Base of every error Wismo raises on purpose."""


class ConfigError(WismoError):
    """Settings or a shop's configuration are missing or wrong."""


class InvalidSettings(ConfigError, ValueError):
    """A shop setting that does not fit its field; `field` is its dotted path."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


class WebhookError(WismoError):
    """An incoming webhook or event could not be accepted."""

    status_code = 400


class InvalidSignature(WebhookError):
    """The request is not signed by whom it claims (HTTP 401)."""

    status_code = 401


class MalformedPayload(WebhookError):
    """The request is signed but its content is unusable (HTTP 400, with the reason)."""

    status_code = 400

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


class UnknownShop(WebhookError):
    """No shop matches the key or domain the request names (HTTP 404)."""

    status_code = 404


class ChannelError(WismoError):
    """Sending through a channel failed."""


class TransientChannelError(ChannelError):
    """Worth retrying later: a timeout, a 5xx, a rate limit."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentChannelError(ChannelError):
    """Retrying will not help: a bad address, an opt-out, rejected credentials."""

    def __init__(self, message: str, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable  # the shopper cannot be reached on this channel at all


class RecipientOptedOut(PermanentChannelError):
    """The provider says the shopper said stop or blocked us (Twilio 21610, a blocked bot).

    Delivery records an opt-out for that address and channel, then fails over.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message, unreachable=True)


class TemplateError(WismoError):
    """A template does not compile or render; carries the line when known."""

    def __init__(self, message: str, lineno: int | None = None, name: str | None = None) -> None:
        super().__init__(message)
        self.lineno = lineno
        self.name = name
