"""The IOC web app. ``python app.py`` starts the whole system (see services.py);
``gunicorn app:server`` serves the web part alone."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from pathlib import Path

import dash
import flask_bootstrap
from flask import send_from_directory
from flask_compress import Compress

import compression
import config
from api.open311 import bp as open311
from api.v1 import bp as api_v1
from i18n import t
from layouts._shell import shell

VENDOR = Path(flask_bootstrap.__file__).resolve().parent / "static" / "bootstrap5"

_cfg = config.load()
# assets/vendor/plotly-basic.min.js (scatter, bar, pie: every chart here; about a
# quarter of Plotly's full 1.3 MB compressed) sets window.Plotly, which dcc.Graph
# then uses instead of loading the full bundle. A tile map needs scattermap, so with
# IOC_MAP_TILES the partial bundle is left out and dcc loads the full one.
ASSETS_IGNORE = r"vendor/plotly-basic\.min\.js$" if _cfg.map_tiles else ""

app = dash.Dash(
    __name__,
    use_pages=True,
    assets_ignore=ASSETS_IGNORE,
    pages_folder="layouts",
    title=t("app.title"),
    update_title=None,
    suppress_callback_exceptions=True,  # pages' components exist only when shown
    external_stylesheets=[
        "/vendor/css/bootstrap.min.css",
        "/vendor/css/font/bootstrap-icons.min.css",
    ],
    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
)
app.layout = shell
server = app.server
# Dash puts each asset's mtime in its URL (?m=...), so a browser may keep it a day
# (Flask's default makes it ask again on every load: 430 KB for Plotly's bundle).
server.config["SEND_FILE_MAX_AGE_DEFAULT"] = 86400
compression.configure(server)
Compress(server)
server.json.ensure_ascii = False  # Vietnamese names readable in API answers
server.register_blueprint(api_v1)
server.register_blueprint(open311)

import callbacks  # noqa: E402,F401 - registers every callback once
from security import web as security_web  # noqa: E402
from store import memo  # noqa: E402

server._ioc_dash = app  # the CSP header reads Dash's inline-script hashes
memo.set_enabled(_cfg.shared_reads)
security_web.install(app, security_web.settings_from(_cfg))
if _cfg.trusted_proxies:
    from werkzeug.middleware.proxy_fix import ProxyFix

    n = _cfg.trusted_proxies
    server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)


@server.route("/vendor/<path:filename>")
def vendor(filename: str):  # noqa: ANN201 - Flask response
    """Bootstrap 5 and its icons from the installed bootstrap-flask package (no CDN)."""
    return send_from_directory(VENDOR, filename, max_age=86400)


def main() -> int:
    cfg = config.load()
    logging.basicConfig(
        level=cfg.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    if sys.argv[1:] == ["migrate"]:
        from services import bootstrap_accounts
        from store import migrate
        from store.db import make_engine

        engine = make_engine(cfg.database_url)
        migrate.upgrade(engine)
        bootstrap_accounts(engine, cfg)
        return 0
    from services import Services

    services = Services(cfg).start()
    try:
        if cfg.runs("web"):
            print(f"IOC running at http://{cfg.host}:{cfg.port}/", flush=True)
            app.run(host=cfg.host, port=cfg.port, debug=False, use_reloader=False)
        else:
            print(f"IOC {cfg.role} running; stop with Ctrl+C", flush=True)
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            try:
                stop.wait()
            except KeyboardInterrupt:
                pass
    finally:
        services.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
