"""The app factory."""

from __future__ import annotations

import io
import logging
import re

from flask import Flask, jsonify
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from core.bootstrap import Container, bootstrap
from core.domain.intake import InvalidEvent
from core.errors import InvalidSettings, MalformedPayload, WebhookError, WismoError
from core.settings import Settings

from .headers import security_headers

log = logging.getLogger(__name__)
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def create_app(settings: Settings | None = None, container: Container | None = None) -> Flask:
    """Build the web app around a container (made from `settings`, or the environment)."""
    if container is None:
        container = bootstrap(settings or Settings.from_env())
    app = Flask(__name__)
    app.config["SECRET_KEY"] = container.settings.secret_key
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024  # webhooks are small; refuse floods
    app.extensions["wismo"] = container

    from . import (
        answers,
        api,
        carriers,
        ops,
        pages,
        preferences,
        providers,
        shopper_actions,
        short_links,
        tracking,
        webhooks,
        widget,
    )
    from .limits import init_limits

    init_limits(app, container.settings)
    app.register_blueprint(answers.bp)
    app.register_blueprint(tracking.bp)
    app.register_blueprint(shopper_actions.bp)
    app.register_blueprint(short_links.bp)
    app.register_blueprint(widget.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(preferences.bp)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(carriers.bp)
    app.register_blueprint(providers.bp)
    from .admin import init_admin

    init_admin(app)
    _register_adapter_blueprints(app)
    _register_errors(app)
    app.after_request(security_headers)
    return app


def _register_adapter_blueprints(app: Flask) -> None:
    """Routes and hooks an adapter brings along (Shopify's webhook URL, OAuth, app proxy)."""
    from core import registry

    for name, found in sorted(registry.adapters().items()):
        adapter = found.plugin
        if found.can("extends_app"):  # e.g. Shopify's session tokens as a way into /admin
            adapter.init_app(app)
        if not found.can("routes"):
            continue
        blueprint = adapter.blueprint
        if callable(blueprint) and not hasattr(blueprint, "register"):
            blueprint = blueprint()
        log.debug("adapter %s brings routes", name)
        app.register_blueprint(blueprint)


def _register_errors(app: Flask) -> None:
    @app.errorhandler(WebhookError)
    def webhook_error(exc: WebhookError):
        body: dict[str, object] = {"error": str(exc)}
        if isinstance(exc, MalformedPayload) and exc.errors:
            body["errors"] = exc.errors
        return jsonify(body), exc.status_code

    @app.errorhandler(InvalidEvent)
    def invalid_event(exc: InvalidEvent):
        # an event the intake schema refused where no receiver recorded it: still a 400
        return jsonify({"error": "invalid event", "errors": exc.errors}), 400

    @app.errorhandler(InvalidSettings)
    def invalid_settings(exc: InvalidSettings) -> ResponseReturnValue:
        # a settings write (a plug-in's settings call, a connect flow) with a value refused
        return jsonify({"error": "invalid settings", "errors": {exc.field: exc.reason}}), 400

    @app.errorhandler(WismoError)
    def wismo_error(exc: WismoError):
        log.exception("request failed")
        return jsonify({"error": str(exc)}), 500

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        from flask import request

        if request.path.startswith(("/api/", "/webhooks/", "/carriers/")):
            response = jsonify({"error": exc.description})
            allowed = getattr(exc, "valid_methods", None)
            if exc.code == 405 and allowed:  # RFC 9110: a 405 names the methods that work
                response.headers["Allow"] = ", ".join(allowed)
            return response, exc.code
        return exc

    def refuse_large_chunked_body() -> None:
        """A chunked body over MAX_CONTENT_LENGTH is a 413, as a declared one is.

        Without a Content-Length, Werkzeug's limited stream cuts the body short instead,
        and the cut JSON was answered with a misleading 400.
        """
        from flask import abort, request

        limit = app.config["MAX_CONTENT_LENGTH"]
        if request.content_length is not None or not limit:
            return
        if "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
            return
        body = request.environ["wsgi.input"].read(limit + 1)
        if len(body) > limit:
            abort(413, description=f"the body is larger than {limit} bytes")
        request.environ["wsgi.input"] = io.BytesIO(body)
        request.environ["CONTENT_LENGTH"] = str(len(body))
        request.environ.pop("HTTP_TRANSFER_ENCODING", None)
        request.__dict__.pop("stream", None)  # built lazily: make sure it reads the copy

    app.before_request_funcs.setdefault(None, []).insert(0, refuse_large_chunked_body)

    @app.before_request
    def refuse_unstorable_text():
        """A NUL or a lone surrogate in the path, query or form is a 400, before any lookup.

        PostgreSQL cannot hold either, so otherwise a shop key, a tracking lookup or a
        sign-in email carrying one ends as a database error (a 500).
        """
        from flask import abort, request

        texts = [request.path, *request.args.keys(), *request.args.values()]
        if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            request.get_data(cache=True)  # keep the raw body: signatures are checked over it
            texts += [*request.form.keys(), *request.form.values()]
        if any(_UNSTORABLE.search(t) for t in texts):
            abort(400, description="the request holds a NUL byte or an invalid character")
