"""The web portal: app factory, blueprints (public search, JSON API), templates, CLI."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from config import Settings, load_settings


def create_app(test_config: Mapping[str, Any] | None = None, settings: Settings | None = None) -> Flask:
    """Build the app. `settings` defaults to the environment's; `test_config` overrides setting keys
    (lower case, as in the settings table) and Flask config keys (upper case)."""
    test_config = dict(test_config or {})
    overrides = {k: v for k, v in test_config.items() if k.islower()}
    settings = (settings or load_settings()).replace(**overrides) if overrides or settings is None \
        else settings
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key or _secret_key(settings))
    app.json.sort_keys = False  # the API keeps its documented field order
    app.config.update({k: v for k, v in test_config.items() if k.isupper()})
    app.extensions["sharehub.settings"] = settings

    from search_ui import i18n, security, services
    services.init_app(app, settings)
    i18n.init_app(app)
    security.init_app(app, settings)

    from search_ui import api, feeds, public
    app.register_blueprint(public.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(feeds.bp)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(405, _not_found)
    app.register_error_handler(500, _server_error)
    return app


def _error_page(status: int, description: str):
    from flask import jsonify, render_template, request

    if request.path.startswith(("/api/", "/feeds/")):
        return jsonify(error=description,
                       code={404: "not_found", 405: "method_not_allowed"}.get(status, "server_error")), status
    return render_template("error.html", status=status, description=description), status


def _not_found(error):
    response = _error_page(error.code or 404, error.description)
    if error.code == 405 and getattr(error, "valid_methods", None):
        body, status = response
        return body, status, {"Allow": ", ".join(error.valid_methods)}
    return response


def _server_error(error):
    # The reason goes to the log (Flask logs the exception); the citizen gets no stack trace.
    return _error_page(500, "the server could not answer this request")


def _secret_key(settings: Settings) -> str:
    path = Path(settings.data_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
