"""The baseline for bench/ingest.py: a trivial Flask endpoint served like `wismo serve`.

It parses the JSON body and answers 202, under gunicorn with the same settings
`wismo serve` uses (bind, worker count, default sync worker class, access log on stdout).

    .venv/bin/python bench/bare_app.py --bind 127.0.0.1:5055 --workers 2
"""

from __future__ import annotations

import argparse

from flask import Flask, jsonify, request


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/api/v1/orders/events")
    def post_event():  # type: ignore[no-untyped-def]
        body = request.get_json(force=True)
        return jsonify({"event_id": body["event_id"], "duplicate": False, "accepted": True}), 202

    @app.get("/healthz")
    def healthz():  # type: ignore[no-untyped-def]
        return jsonify({"ok": True})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bind", default="127.0.0.1:5055")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    from gunicorn.app.base import BaseApplication

    class _App(BaseApplication):  # type: ignore[misc]
        # mirrors wismo.cli.serve: same three settings, everything else gunicorn's default
        def load_config(self) -> None:
            self.cfg.set("bind", args.bind)
            self.cfg.set("workers", args.workers)
            self.cfg.set("accesslog", "-")

        def load(self):  # type: ignore[no-untyped-def]
            return create_app()

    _App().run()


if __name__ == "__main__":
    main()
