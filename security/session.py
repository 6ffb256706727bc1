"""The request's session: who is asking, what they may do, and the audit record of
what they did. The web guard (security.web), the sign-in pages (security.login), the
callbacks and the API all read it; it imports neither of those nor any page."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, has_request_context, request
from werkzeug.exceptions import Forbidden

from security import policy
from store import audit
from store.accounts import Principal
from store.runtime import get_engine
from usecases import Caller

COOKIE = "ioc_session"
LOGIN_PATH = "/dang-nhap"
LOGOUT_PATH = "/dang-xuat"
PASSWORD_PATH = "/doi-mat-khau"


@dataclass(frozen=True)
class Settings:
    idle_s: int = 30 * 60
    lifetime_s: int = 12 * 3600
    cookie_secure: str = "auto"  # 'auto': Secure when the request came over HTTPS
    # Failed sign-ins per (user name, address) and per address in login_window_s
    # before each further attempt waits 2, 4, 8, ... s, at most login_max_wait_s.
    login_max_per_user: int = 5
    login_max_per_ip: int = 20
    login_window_s: int = 3600
    login_max_wait_s: int = 15 * 60
    # Roles whose live panels keep their session alive without a touch (wall
    # screens); everyone else is signed out after idle_s without an action.
    passive_roles: frozenset[str] = frozenset({"duty_officer"})


_settings = Settings()


def settings_from(cfg: object) -> Settings:
    """The web settings of a config.Config."""
    per_user = cfg.login_max_failures
    return Settings(
        idle_s=cfg.session_idle_min * 60,
        lifetime_s=cfg.session_hours * 3600,
        cookie_secure=cfg.cookie_secure,
        login_max_per_user=per_user,
        login_max_per_ip=4 * per_user,
    )


def configure(new: Settings) -> None:
    """The settings of this process (security.web.install passes the config's)."""
    global _settings
    _settings = new


def settings() -> Settings:
    return _settings


def current() -> Principal | None:
    """Who is asking (None outside a request or before sign-in)."""
    return g.get("principal") if _has_request() else None


def require(action: str) -> Principal:
    """The caller, if allowed to do ``action``; otherwise a 403 (recorded)."""
    who = current()
    if not policy.can(who, action):
        record("access.denied", action, {"path": request.path}, outcome="refused")
        raise Forbidden(action)
    return who


def record(
    action: str, target: object = "", detail: dict | None = None, outcome: str = "ok"
) -> None:
    """Put a write (or a refused attempt) in the audit trail, with who and where."""
    who = current()
    audit.record(
        get_engine(),
        who.name if who else "-",
        action,
        str(target),
        detail,
        actor_kind=who.kind if who else "anonymous",
        ip=client_ip(),
        user_agent=request.headers.get("User-Agent", "") if _has_request() else "",
        outcome=outcome,
    )


def caller() -> Caller:
    """Who asks and from where, for a use case (usecases)."""
    if not _has_request():
        return Caller(None)
    return Caller(
        current(),
        client_ip(),
        request.headers.get("User-Agent", ""),
        request.path,
    )


def client_ip() -> str:
    # Behind a proxy, IOC_TRUSTED_PROXIES wraps the server in werkzeug's ProxyFix so
    # that remote_addr is the client's address; X-Forwarded-For is never read here.
    return (request.remote_addr or "") if _has_request() else ""


def _has_request() -> bool:
    return has_request_context()


def cookie_secure() -> bool:
    mode = _settings.cookie_secure
    return request.is_secure if mode == "auto" else mode == "1"
