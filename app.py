"""The IOC web app. ``python app.py`` starts the whole system (see processes.py) and
serves the web app with waitress in the same process; ``gunicorn app:server`` serves
the web part alone."""

from __future__ import annotations

import signal
import sys
import threading
from pathlib import Path
from typing import NoReturn

import dash
import flask_bootstrap
from flask import send_from_directory
from flask_compress import Compress

import compression
import config
import logs
from api.open311 import bp as open311
from api.v1 import bp as api_v1
from i18n import t
from layouts._shell import Ids as ShellIds
from layouts._shell import forbidden_panel, shell

VENDOR = Path(flask_bootstrap.__file__).resolve().parent / "static" / "bootstrap5"


def _refuse(exc: Exception) -> NoReturn:
    """A setting the system cannot start with: one line on stderr, exit status 2."""
    print(f"IOC cannot start: {exc}", file=sys.stderr, flush=True)
    sys.exit(2)


try:
    _cfg = config.load()
except config.ConfigError as exc:
    if __name__ != "__main__":
        raise  # gunicorn app:server, tests: their caller reports it
    _refuse(exc)
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
from security.request_limit import SessionLimit  # noqa: E402
from security.session import settings_from  # noqa: E402
from store import memo  # noqa: E402

server._ioc_dash = app  # the CSP header reads Dash's inline-script hashes
memo.set_enabled(_cfg.shared_reads)
security_web.install(
    app, settings_from(_cfg), shell_ids=ShellIds, forbidden=forbidden_panel
)
# Inside ProxyFix: the bound needs the client's address, which ProxyFix puts first.
server.wsgi_app = SessionLimit(server.wsgi_app, _cfg.max_requests_per_session)
if _cfg.trusted_proxies:
    from werkzeug.middleware.proxy_fix import ProxyFix

    n = _cfg.trusted_proxies
    server.wsgi_app = ProxyFix(server.wsgi_app, x_for=n, x_proto=n, x_host=n)


@server.route("/vendor/<path:filename>")
def vendor(filename: str):  # noqa: ANN201 - Flask response
    """Bootstrap 5 and its icons from the installed bootstrap-flask package (no CDN)."""
    return send_from_directory(VENDOR, filename, max_age=86400)


def _interrupt(*_: object) -> NoReturn:
    raise KeyboardInterrupt  # SIGTERM stops as Ctrl+C does: services stopped cleanly


def _web_server(cfg: config.Config):  # noqa: ANN202 - a waitress server
    """waitress, threaded, in this process beside the ingest and the pollers; bound
    here, so that an address in use is said before anything else starts."""
    import waitress

    try:
        return waitress.create_server(
            server, host=cfg.host, port=cfg.port, threads=cfg.web_threads
        )
    except OSError as exc:
        raise config.ConfigError(
            f"IOC_PORT={cfg.port} cannot be served on IOC_HOST={cfg.host!r}: "
            f"{exc.strerror or exc}; expected a free port and an address of this "
            "machine"
        ) from exc


def main() -> int:
    try:
        cfg = config.load()
    except config.ConfigError as exc:
        _refuse(exc)
    logs.configure(cfg.log_level)
    signal.signal(signal.SIGTERM, _interrupt)
    from processes import Services, bootstrap_accounts, open_store

    if sys.argv[1:] == ["migrate"]:
        from store import migrate

        try:
            engine = open_store(cfg)
        except config.ConfigError as exc:
            _refuse(exc)
        migrate.upgrade(engine)
        bootstrap_accounts(engine, cfg)
        return 0
    services = Services(cfg)
    web = None
    try:
        try:
            web = _web_server(cfg) if cfg.runs("web") else None
            services.start()
        except config.ConfigError as exc:
            if web is not None:
                web.close()
            _refuse(exc)
        if web is not None:
            print(f"IOC running at http://{cfg.host}:{cfg.port}/", flush=True)
            web.run()  # until Ctrl+C or SIGTERM
        else:
            print(f"IOC {cfg.role} running; stop with Ctrl+C", flush=True)
            threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        services.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
