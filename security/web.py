"""Every request is checked here, on the server, before Dash or the API sees it.

- Pages and Dash requests need a signed-in session (cookie ``ioc_session``: random
  token, HttpOnly, SameSite=Lax, Secure over HTTPS); a page the role may not read is a
  403, whether asked for by URL or by the Dash router.
- Each Dash callback request is judged by the ids it writes to: an id belongs to a
  page (its ``Ids`` class) or to the shell; an id nobody owns is refused (fail
  closed). Callbacks that write also call ``require(action)`` themselves.
- The REST API takes an ``X-API-Key`` header (or a session, for the app's own pages).
- Requests that change something must come from the app's own origin (CSRF).
- Every response carries the security headers (CSP with Dash's inline-script hashes).
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator
from functools import wraps
from urllib.parse import quote, urlsplit

import dash
from dash.dependencies import ALL, Output
from flask import Flask, Response, g, jsonify, redirect, request

from security import login, policy, session
from security.session import (
    COOKIE,
    LOGIN_PATH,
    LOGOUT_PATH,
    PASSWORD_PATH,
    Settings,
    current,
    settings,
)
from store import accounts
from store.accounts import Principal
from store.runtime import get_engine

log = logging.getLogger(__name__)

PUBLIC_PREFIXES = (
    "/assets/",
    "/vendor/",
    "/_dash-component-suites/",
    "/_favicon.ico",
    LOGIN_PATH,
    "/healthz",
)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Ids Dash pages itself owns: the router. The pages' layouts are guarded instead.
ROUTER_IDS = frozenset(
    {"_pages_location", "_pages_content", "_pages_store", "_pages_dummy"}
)


_id_owner: dict[str, frozenset[str | None]] | None = None
# The shell's Ids class and its refusal panel, given by install (security imports
# no page).
_shell_ids: type | None = None
_forbidden: Callable[[], object] | None = None


# --- install -------------------------------------------------------------------------


def install(
    app: dash.Dash,
    cfg_settings: Settings | None = None,
    shell_ids: type | None = None,
    forbidden: Callable[[], object] | None = None,
) -> None:
    """Guard ``app``: ``shell_ids`` are the ids every signed-in user's shell writes,
    ``forbidden`` makes the panel the router shows instead of a refused page."""
    global _shell_ids, _forbidden, _id_owner
    if cfg_settings is not None:
        session.configure(cfg_settings)
    _shell_ids, _forbidden, _id_owner = shell_ids, forbidden, None
    server: Flask = app.server
    server.register_blueprint(login.bp)
    server.before_request(_check_request)
    server.after_request(_security_headers)
    server.register_error_handler(500, _internal_error)
    _guard_layouts()


def _guard_layouts() -> None:
    """Wrap every page's layout: the Dash router renders a refusal, not the page,
    for a role that may not read it."""
    for page in dash.page_registry.values():
        layout = page["layout"]
        if getattr(layout, "_ioc_guarded", False):
            continue
        page["layout"] = _guarded(layout, page["path"])


def _guarded(layout: Callable | object, path: str) -> Callable:
    @wraps(layout if callable(layout) else _guarded)
    def guarded(*args: object, **kwargs: object) -> object:
        if not policy.can_view(current(), path):
            return _forbidden() if _forbidden else "403"
        return layout(*args, **kwargs) if callable(layout) else layout

    guarded._ioc_guarded = True  # type: ignore[attr-defined]
    return guarded


# --- the check ---------------------------------------------------------------------


def _is_public(path: str) -> bool:
    return any(path == p or path.startswith(p) for p in PUBLIC_PREFIXES)


def _same_origin() -> bool:
    """A browser names the page that sent a request in Origin (or Referer); it must
    be this app. Clients that send neither (scripts with an API key) are not
    browsers a forged page could drive."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True
    parts = urlsplit(origin)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


_MESSAGES = {
    "sign_in": "sign in first: no session, or it has ended",
    "api_key": "send a valid X-API-Key header or api_key parameter (or sign in)",
    "forbidden": "your role may not read or do this",
    "cross_origin": "a request from another site was refused",
    "bad_request": "the request body is not a Dash callback request",
    "internal": "the server could not answer; the error is logged",
    "not_found": "no such path",
}


def _json_error(status: int, key: str) -> Response:
    resp = jsonify({"error": {"code": key, "message": _MESSAGES[key]}})
    resp.status_code = status
    return resp


def _is_active() -> bool:
    """A person's own action, as opposed to a live panel's timer."""
    if request.path != "/_dash-update-component":
        return True
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return True  # not a Dash request at all: _check_callback refuses it
    changed = body.get("changedPropIds") or []
    if not isinstance(changed, list):
        return True
    return not changed or not all(str(c).endswith(".n_intervals") for c in changed)


def _check_request() -> Response | None:
    g.principal = None
    path = request.path
    if _is_public(path):
        return None
    if request.method not in SAFE_METHODS and not _same_origin():
        return _json_error(403, "cross_origin")
    engine = get_engine()
    if path.startswith(("/api/", "/open311/")):
        return _check_api(engine, path)
    info = accounts.resume_session(
        engine,
        request.cookies.get(COOKIE, ""),
        settings().idle_s,
        active=_is_active(),
        passive_keeps_alive=settings().passive_roles,
    )
    if info is None:
        if path.startswith("/_dash") or request.method not in SAFE_METHODS:
            return _json_error(401, "sign_in")
        target = request.full_path if request.query_string else path
        return redirect(f"{LOGIN_PATH}?next={quote(target, safe='/')}", code=302)
    g.principal = info.principal
    g.csrf = info.csrf
    if path == "/_dash-update-component":
        return _check_callback()
    if path in (LOGOUT_PATH, PASSWORD_PATH) or path.startswith("/_dash"):
        return None
    return _check_page(info.principal, path)


def _check_page(who: Principal, path: str) -> Response | None:
    """Only a page's exact path (case and all) gets the app's shell: anything else
    is a 404, since Dash would serve the shell for any path at all."""
    # As sent: request.path folds "//he-thong" (from "/%2Fhe-thong") into a page.
    path = request.environ.get("PATH_INFO") or path
    if policy.page_rule(path) is None:
        canonical = path.rstrip("/")
        if canonical != path and policy.page_rule(canonical) is not None:
            query = request.query_string.decode("latin-1")
            return redirect(canonical + (f"?{query}" if query else ""), code=308)
        return login.not_found_page()
    if not policy.can_view(who, path):
        return login.forbidden_page()
    return None


def _check_api(engine: object, path: str) -> Response | None:
    key = request.headers.get("X-API-Key", "")
    open311 = path.startswith("/open311/")
    if open311 and not key:
        key = request.values.get("api_key", "")  # GeoReport v2 sends it so
    who = None
    if key:
        who = accounts.check_api_key(engine, key)
    else:
        info = accounts.resume_session(
            engine,
            request.cookies.get(COOKIE, ""),
            settings().idle_s,
            active=False,
            passive_keeps_alive=settings().passive_roles,
        )
        who = info.principal if info else None
    if who is None:
        return (
            open311_error(403, _MESSAGES["api_key"])
            if open311
            else _json_error(401, "api_key")
        )
    g.principal = who
    page = policy.api_page(path)
    if page is None or not policy.can_view(who, page):
        return (
            open311_error(403, _MESSAGES["forbidden"])
            if open311
            else _json_error(403, "forbidden")
        )
    rule = request.url_rule
    if rule is None or not rule.rule.startswith(("/api/", "/open311/")):
        # No API route has this path: Dash's catch-all would answer it with the
        # app's shell (an HTML 200), which no API client should get.
        return (
            open311_error(404, _MESSAGES["not_found"])
            if open311
            else _json_error(404, "not_found")
        )
    return None


def open311_error(status: int, description: str) -> Response:
    """GeoReport v2's error answer, a list of {code, description} (its spec answers
    a bad api_key with a 403)."""
    resp = jsonify([{"code": status, "description": description}])
    resp.status_code = status
    return resp


def _output_ids(outputs: object) -> Iterator[str]:
    if isinstance(outputs, list):
        for o in outputs:
            yield from _output_ids(o)
    elif isinstance(outputs, dict):
        oid = outputs.get("id")
        if isinstance(oid, dict):
            yield str(oid.get("type", ""))
        elif isinstance(oid, str) and oid.startswith("{"):
            try:
                yield str(json.loads(oid).get("type", ""))
            except (ValueError, AttributeError):
                yield oid
        else:
            yield str(oid)


def id_owners() -> dict[str, frozenset[str | None]]:
    """Component id -> the pages whose ``Ids`` classes hold it (None: the shell, for
    anyone signed in). A component may sit on several pages (a KPI tile, a camera
    cell): a request writing it is then judged by the page it came from."""
    global _id_owner
    if _id_owner is None:
        owners: dict[str, set[str | None]] = {i: {None} for i in ROUTER_IDS}
        for value in _ids_of(_shell_ids):
            owners.setdefault(value, set()).add(None)
        for page in dash.page_registry.values():
            ids = getattr(sys.modules.get(page["module"]), "Ids", None)
            for value in _ids_of(ids):
                owners.setdefault(value, set()).add(page["path"])
        _id_owner = {k: frozenset(v) for k, v in owners.items()}
    return _id_owner


def judging_page(
    owners: frozenset[str | None], from_page: str | None
) -> str | None | bool:
    """The page whose rule judges a write to a component with these ``owners``,
    asked for from ``from_page`` (the path of the request's Referer): None for a
    shell component, False when nothing may judge it (no owner, or several owners
    and the request names none of them: refused, never judged by a guess)."""
    if not owners:
        return False
    if None in owners:
        return None
    if from_page in owners:
        return from_page
    if len(owners) == 1:
        return next(iter(owners))
    return False


def _request_page() -> str | None:
    """The app's page the request came from, by its Referer (sent to the same origin
    only: Referrer-Policy same-origin); None without one."""
    referer = request.headers.get("Referer", "")
    if not referer:
        return None
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.host:
        return None
    return parts.path or "/"


def _ids_of(ids: type | None) -> list[str]:
    if ids is None:
        return []
    return [
        v
        for k in dir(ids)
        if not k.startswith("_") and isinstance(v := getattr(ids, k), str)
    ]


def _check_callback() -> Response | None:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _json_error(400, "bad_request")
    owners = id_owners()
    who = g.principal
    from_page = _request_page()
    for oid in _output_ids(body.get("outputs")):
        page = judging_page(owners.get(oid, frozenset()), from_page)
        if page is False:
            log.warning("callback output %r has no owner here: refused", oid)
            return _json_error(403, "forbidden")
        if page is not None and not policy.can_view(who, page):
            return _json_error(403, "forbidden")
    spec = _callback_spec(body.get("output"))
    if not (
        _is_server_callback(spec)
        and _has_dash_shape(body)
        and _matches_spec(body, spec)
        and _router_inputs_ok(body)
    ):
        return _json_error(400, "bad_request")
    if not _outputs_match(body, spec):
        log.warning(
            "callback request refused: its outputs are not those of %.200s (%s)",
            body.get("output"),
            who.name if who else "-",
        )
        return _json_error(400, "bad_request")
    return None


def _callback_spec(output: object) -> dict | None:
    """Dash's map entry of the callback a request names ({} when it names none);
    None when no Dash app is installed (the Flask server alone, in tests)."""
    from flask import current_app

    app = getattr(current_app, "_ioc_dash", None)
    if app is None:
        return None
    return app.callback_map.get(output, {}) if isinstance(output, str) else {}


def _is_server_callback(spec: dict | None) -> bool:
    """Whether the request names a callback the server runs (clientside ones are in
    Dash's map too, without a function: Dash would fail on them with a 500)."""
    return spec is None or "callback" in spec


def _matches_spec(body: dict, spec: dict | None) -> bool:
    """As many inputs and states as the callback declares (Dash fails with a 500 on
    a forged request with fewer)."""
    if not spec:
        return True
    return len(body["inputs"]) == len(spec.get("inputs", [])) and len(
        body.get("state", [])
    ) == len(spec.get("state", []))


def _outputs_match(body: dict, spec: dict | None) -> bool:
    """The outputs a request names are its callback's, in order and in shape (an
    ALL output as a list of ids, any other as one id): Dash fails with a 500 and a
    traceback on any other."""
    if not spec or spec.get("no_output"):
        return True
    declared, sent = spec.get("output"), body.get("outputs")
    if not isinstance(declared, list | tuple):
        declared, sent = [declared], [sent]
    elif not isinstance(sent, list) or len(sent) != len(declared):
        return False
    return all(_output_matches(d, o) for d, o in zip(declared, sent, strict=True))


def _output_matches(declared: object, sent: object) -> bool:
    if not isinstance(declared, Output):
        return False
    cid = declared.component_id
    wild_all = isinstance(cid, dict) and any(v is ALL for v in cid.values())
    if isinstance(sent, list) != wild_all:
        return False
    for item in sent if wild_all else [sent]:
        if not isinstance(item, dict):
            return False
        oid, prop = item.get("id"), item.get("property")
        if not isinstance(oid, str | dict) or not isinstance(prop, str):
            return False
        # The renderer names a duplicate output "prop@hash"; the callback, "prop".
        if Output(oid, prop.split("@")[0]) != declared:
            return False
    return True


def _has_dash_shape(body: dict) -> bool:
    """The fields Dash reads without checking them first."""
    return (
        isinstance(body.get("outputs"), dict | list)
        and isinstance(body.get("inputs"), list)
        and isinstance(body.get("state", []), list)
        and isinstance(body.get("changedPropIds", []), list)
    )


def _router_inputs_ok(body: dict) -> bool:
    """The Dash router expects its location as text (a path from the root); Dash
    fails with a 500 on anything else a forged request sends."""
    inputs = body.get("inputs")
    for item in inputs if isinstance(inputs, list) else []:
        if not isinstance(item, dict) or item.get("id") != "_pages_location":
            continue
        value = item.get("value")
        if value is None:
            continue
        if not isinstance(value, str):
            return False
        if item.get("property") == "pathname" and not value.startswith("/"):
            return False
    return True


# --- responses -----------------------------------------------------------------------

_csp: str | None = None


def content_security_policy() -> str:
    """Only this origin; Dash's own inline scripts by their hashes. Styles allow
    inline because Dash, Plotly and Bootstrap components set style attributes."""
    global _csp
    if _csp is None:
        from flask import current_app

        hashes = []
        app = getattr(current_app, "_ioc_dash", None)
        if app is not None:
            hashes = app.csp_hashes()
        _csp = "; ".join(
            (
                "default-src 'self'",
                "script-src 'self' " + " ".join(hashes),
                "style-src 'self' 'unsafe-inline'",
                "img-src 'self' data: blob:",
                "font-src 'self' data:",
                "connect-src 'self'",
                "worker-src 'self' blob:",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            )
        )
    return _csp


def _security_headers(resp: Response) -> Response:
    h = resp.headers
    h.setdefault("Content-Security-Policy", content_security_policy())
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault(
        "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
    )
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    if not _is_public(request.path) or request.path.startswith(LOGIN_PATH):
        h.setdefault("Cache-Control", "no-store")
    return resp


def _internal_error(exc: Exception) -> Response:
    # Never a traceback to the client; the log has it.
    log.error("unhandled error on %s %s: %r", request.method, request.path, exc)
    if request.path.startswith(("/api/", "/_dash")):
        return _json_error(500, "internal")
    return Response("500", status=500, mimetype="text/plain")
