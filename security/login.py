"""The sign-in and sign-out pages: plain Flask forms (they work before Dash loads and
without JavaScript), protected against CSRF with a double-submit token and against
guessing with growing delays per (user name, address) and per address, counted in
the store (store.accounts.start_attempt)."""

from __future__ import annotations

import hmac
import logging
import secrets
from urllib.parse import quote

from flask import Blueprint, Response, g, redirect, render_template_string, request

from i18n import DEFAULT_LANG, LANG_COOKIE, LANGS, t
from security import session
from store import accounts
from store.runtime import get_engine

log = logging.getLogger(__name__)
bp = Blueprint("ioc_login", __name__)
CSRF_COOKIE = "ioc_login_csrf"

_PAGE = """<!doctype html>
<html lang="{{ lang }}" data-bs-theme="dark">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} · {{ app }}</title>
<link rel="stylesheet" href="/vendor/css/bootstrap.min.css">
<link rel="stylesheet" href="/vendor/css/font/bootstrap-icons.min.css">
<link rel="stylesheet" href="/assets/ioc.css">
</head>
<body class="ioc-login-body">
<main class="ioc-login card shadow">
  <div class="card-body p-4">
    <h1 class="h4 mb-1"><i class="bi bi-shield-lock me-2"></i>{{ app }}</h1>
    <p class="text-secondary mb-4">{{ province }}</p>
    {% if message %}
    <div class="alert alert-{{ level }}" role="alert">{{ message }}</div>
    {% endif %}
    {% if change %}
    <form method="post" action="{{ action }}">
      <input type="hidden" name="csrf" value="{{ csrf }}">
      <label class="form-label" for="current">{{ t_current }}</label>
      <input class="form-control form-control-lg mb-3" id="current" name="current"
             type="password" maxlength="256" autocomplete="current-password" required>
      <label class="form-label" for="new">{{ t_new }}</label>
      <input class="form-control form-control-lg mb-3" id="new" name="new"
             type="password" minlength="10" maxlength="256"
             autocomplete="new-password" required>
      <label class="form-label" for="again">{{ t_again }}</label>
      <input class="form-control form-control-lg mb-4" id="again" name="again"
             type="password" minlength="10" maxlength="256"
             autocomplete="new-password" required>
      <button class="btn btn-primary btn-lg w-100" type="submit">{{ t_save }}</button>
    </form>
    <p class="mt-3 mb-0"><a href="/">{{ t_home }}</a></p>
    {% elif form %}
    <form method="post" action="{{ action }}" autocomplete="on">
      <input type="hidden" name="csrf" value="{{ csrf }}">
      <input type="hidden" name="next" value="{{ next }}">
      <label class="form-label" for="username">{{ t_user }}</label>
      <input class="form-control form-control-lg mb-3" id="username" name="username"
             value="{{ username }}" maxlength="64" autocomplete="username"
             autocapitalize="none" required autofocus>
      <label class="form-label" for="password">{{ t_password }}</label>
      <input class="form-control form-control-lg mb-4" id="password" name="password"
             type="password" maxlength="256" autocomplete="current-password" required>
      <button class="btn btn-primary btn-lg w-100" type="submit">{{ t_submit }}</button>
    </form>
    {% else %}
    <a class="btn btn-primary btn-lg w-100" href="/">{{ t_home }}</a>
    {% endif %}
    <p class="mt-4 mb-0 text-end"><a href="{{ other_href }}">{{ other_label }}</a></p>
  </div>
</main>
</body>
</html>"""


def _lang() -> str:
    lang = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
    return lang if lang in LANGS else DEFAULT_LANG


def safe_next(value: str | None) -> str:
    """A path on this site to go to after sign-in; anything else goes home (no open
    redirect)."""
    v = (value or "").strip()
    if not v.startswith("/") or v.startswith("//") or "\\" in v or len(v) > 500:
        return "/"
    return v


def _render(
    lang: str,
    *,
    status: int = 200,
    message: str = "",
    level: str = "danger",
    form: bool = True,
    username: str = "",
    next_path: str = "/",
    title_key: str = "login.title",
    change: bool = False,
) -> Response:
    csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
    if change:
        csrf = g.get("csrf", "")
    other = "en" if lang == "vi" else "vi"
    html = render_template_string(
        _PAGE,
        lang=lang,
        app=t("app.title", lang),
        province=t("app.province", lang),
        title=t(title_key, lang),
        message=message,
        level=level,
        form=form,
        action=session.PASSWORD_PATH if change else session.LOGIN_PATH,
        change=change,
        t_current=t("password.current", lang),
        t_new=t("password.new", lang),
        t_again=t("password.again", lang),
        t_save=t("common.save", lang),
        csrf=csrf,
        next=next_path,
        username=username,
        t_user=t("login.username", lang),
        t_password=t("login.password", lang),
        t_submit=t("login.submit", lang),
        t_home=t("login.home", lang),
        other_href=f"{request.path}?lang={other}&next={quote(next_path, safe='/')}",
        other_label=t("lang.switch", lang),
    )
    resp = Response(html, status=status, mimetype="text/html")
    resp.set_cookie(
        CSRF_COOKIE,
        csrf,
        httponly=True,
        samesite="Strict",
        secure=session.cookie_secure(),
        path=session.LOGIN_PATH,
    )
    resp.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Lax")
    return resp


@bp.get(session.LOGIN_PATH)
def login_form() -> Response:
    lang = _lang()
    notice = request.args.get("bye")
    return _render(
        lang,
        next_path=safe_next(request.args.get("next")),
        message=t("login.signed_out", lang) if notice else "",
        level="info",
    )


@bp.post(session.LOGIN_PATH)
def login_submit() -> Response:
    lang = _lang()
    s = session.settings()
    engine = get_engine()
    username = (request.form.get("username") or "").strip().lower()[:64]
    password = request.form.get("password") or ""
    next_path = safe_next(request.form.get("next"))
    sent, kept = request.form.get("csrf", ""), request.cookies.get(CSRF_COOKIE, "")
    if not kept or not hmac.compare_digest(sent.encode(), kept.encode()):
        return _render(
            lang, status=400, message=t("login.csrf", lang), next_path=next_path
        )
    ip = session.client_ip()
    attempt = accounts.start_attempt(
        engine,
        username,
        ip,
        per_user=s.login_max_per_user,
        per_address=s.login_max_per_ip,
        window_s=s.login_window_s,
        cap_s=s.login_max_wait_s,
    )
    if attempt.wait_s:
        return _throttled(lang, attempt, username, ip, next_path)
    who = accounts.verify_password(engine, username, password)
    accounts.finish_attempt(engine, attempt.id, who is not None)
    if who is None:
        session.record("login", username, {"reason": "bad_credentials"}, "refused")
        # 200, not 401: the form is shown again with the message (a 401 needs an
        # HTTP authentication scheme, and browsers log it as a failed resource).
        return _render(
            lang,
            status=200,
            message=t("login.failed", lang),
            username=username,
            next_path=next_path,
        )
    token, _csrf = accounts.start_session(
        engine,
        who.id,
        s.lifetime_s,
        ip=ip,
        user_agent=request.headers.get("User-Agent", ""),
    )
    g.principal = who
    session.record("login", who.name)
    resp = redirect(next_path, code=303)
    _set_session_cookie(resp, token)
    resp.delete_cookie(CSRF_COOKIE, path=session.LOGIN_PATH)
    return resp


def _throttled(
    lang: str, attempt: accounts.Attempt, username: str, ip: str, next_path: str
) -> Response:
    """A 429 for an attempt that must wait; the password was not checked, so the
    answer does not tell a right one from a guess."""
    wait_s = attempt.wait_s
    log.warning(
        "sign-in throttled: %r from %s, %d failures per %s, wait %d s",
        username,
        ip,
        attempt.failures,
        attempt.scope,
        wait_s,
    )
    detail = {
        "reason": "rate_limited",
        "scope": attempt.scope,
        "failures": attempt.failures,
        "wait_s": wait_s,
    }
    session.record("login", username, detail, outcome="refused")
    message = (
        t("login.too_many_s", lang, seconds=wait_s)
        if wait_s < 60
        else t("login.too_many", lang, minutes=-(-wait_s // 60))
    )
    resp = _render(
        lang, status=429, message=message, username=username, next_path=next_path
    )
    resp.headers["Retry-After"] = str(wait_s)
    return resp


@bp.post(session.LOGOUT_PATH)
def logout() -> Response:
    sent = request.form.get("csrf", "")
    kept = g.get("csrf") or ""
    if not kept or not hmac.compare_digest(sent.encode(), kept.encode()):
        return Response("400", status=400, mimetype="text/plain")
    accounts.end_session(get_engine(), request.cookies.get(session.COOKIE, ""))
    session.record("logout", g.principal.name if g.get("principal") else "")
    resp = redirect(f"{session.LOGIN_PATH}?bye=1", code=303)
    resp.delete_cookie(session.COOKIE)
    return resp


@bp.get(session.PASSWORD_PATH)
def password_form() -> Response:
    return _render(_lang(), change=True, title_key="password.title")


@bp.post(session.PASSWORD_PATH)
def password_change() -> Response:
    """A signed-in user changes their own password: the current one, the new one
    twice, the session's CSRF token. Their other sessions end; this one goes on."""
    lang = _lang()
    who = g.get("principal")
    sent, kept = request.form.get("csrf", ""), g.get("csrf") or ""
    if who is None or who.kind != "user":
        return Response("403", status=403, mimetype="text/plain")
    if not kept or not hmac.compare_digest(sent.encode(), kept.encode()):
        return _render(lang, status=400, message=t("login.csrf", lang), change=True)
    new = request.form.get("new") or ""
    engine = get_engine()
    if (
        accounts.verify_password(engine, who.name, request.form.get("current") or "")
        is None
    ):
        session.record("user.password", who.name, {"reason": "bad_current"}, "refused")
        return _render(lang, message=t("password.wrong", lang), change=True)
    if new != (request.form.get("again") or ""):
        return _render(lang, message=t("password.mismatch", lang), change=True)
    try:
        accounts.update_user(engine, who.id, password=new)
    except accounts.AccountError as exc:
        return _render(lang, message=t(exc.key, lang), change=True)
    session.record("user.password", who.name)
    # update_user ended every session of the user; this browser signs in afresh.
    token, _csrf = accounts.start_session(
        engine,
        who.id,
        session.settings().lifetime_s,
        ip=session.client_ip(),
        user_agent=request.headers.get("User-Agent", ""),
    )
    resp = _render(
        lang,
        message=t("password.changed", lang),
        level="success",
        form=False,
        title_key="password.title",
    )
    _set_session_cookie(resp, token)
    return resp


def _set_session_cookie(resp: Response, token: str) -> None:
    """The session cookie: HttpOnly, SameSite=Lax, Secure over HTTPS (or as set)."""
    resp.set_cookie(
        session.COOKIE,
        token,
        httponly=True,
        samesite="Lax",
        secure=session.cookie_secure(),
        max_age=session.settings().lifetime_s,
    )


def forbidden_page() -> Response:
    """A page the signed-in role may not read, asked for by URL."""
    lang = _lang()
    return _render(
        lang,
        status=403,
        message=t("login.forbidden", lang),
        level="warning",
        form=False,
        title_key="login.forbidden_title",
    )


def not_found_page() -> Response:
    """A path that is no page of the app."""
    lang = _lang()
    return _render(
        lang,
        status=404,
        message=t("login.not_found", lang),
        level="warning",
        form=False,
        title_key="login.not_found_title",
    )
