"""Accounts, web sessions, API keys and sign-in attempts.

Passwords are hashed with Argon2id (pwdlib, the hasher amqtt uses too). Session tokens
and API keys are 256-bit random strings handed out once; the store keeps only their
SHA-256, so neither a database dump nor a log line can be replayed.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass

from pwdlib import PasswordHash
from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.orm import Session

from catalogue import DOMAINS
from store.schema import ApiKey, LoginAttempt, User, WebSession

ROLES = ("leader", "duty_officer", "staff", "admin")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 10
MIN_API_KEY = 24  # a key given (IOC_API_KEY) rather than generated
MAX_PASSWORD = 256

_hasher = PasswordHash.recommended()
# Verified against when the user does not exist, so both answers take as long.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A refused account change; ``key`` is a translation key for the message."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True)
class Principal:
    """Who is asking: a signed-in user or an API key."""

    id: int
    name: str
    display_name: str
    kind: str  # 'user' or 'api_key'
    roles: frozenset[str]
    domains: frozenset[str]
    # Codes of the province profile that narrow what a staff member reads (empty:
    # not narrowed); security.policy reads them.
    departments: frozenset[str] = frozenset()
    areas: frozenset[str] = frozenset()


def now_ms() -> int:
    return int(time.time() * 1000)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_roles(roles: list[str] | tuple[str, ...]) -> list[str]:
    roles = sorted(set(roles))
    if not roles or any(r not in ROLES for r in roles):
        raise AccountError("account.error.roles")
    return roles


def _check_domains(domains: list[str] | tuple[str, ...]) -> list[str]:
    domains = sorted(set(domains))
    if any(d not in DOMAINS for d in domains):
        raise AccountError("account.error.domains")
    return domains


# Departments and areas are codes of the province profile (province.Profile), which
# the caller passes: the store cannot import it (config reads this module, and the
# profile reads config). Without a profile no code can be checked, so none passes.


def _check_departments(departments: Iterable[str], profile: object) -> list[str]:
    departments = sorted(set(departments))
    known = {d.code for d in getattr(profile, "departments", ())}
    if any(d not in known for d in departments):
        raise AccountError("account.error.departments")
    return departments


def _check_areas(areas: Iterable[str], profile: object) -> list[str]:
    areas = sorted(set(areas))
    known = getattr(profile, "areas", {})
    if any(a not in known for a in areas):
        raise AccountError("account.error.areas")
    return areas


def _check_password(password: str) -> str:
    if not isinstance(password, str) or not (
        MIN_PASSWORD <= len(password) <= MAX_PASSWORD
    ):
        raise AccountError("account.error.password")
    return password


def _principal(user: User) -> Principal:
    return Principal(
        id=user.id,
        name=user.username,
        display_name=user.display_name or user.username,
        kind="user",
        roles=frozenset(user.roles or ()),
        domains=frozenset(user.domains or ()),
        departments=frozenset(user.departments or ()),
        areas=frozenset(user.areas or ()),
    )


# --- users -----------------------------------------------------------------------


def create_user(
    engine: Engine,
    username: str,
    password: str,
    roles: list[str] | tuple[str, ...],
    display_name: str = "",
    domains: list[str] | tuple[str, ...] = (),
    departments: list[str] | tuple[str, ...] = (),
    areas: list[str] | tuple[str, ...] = (),
    profile: object = None,
) -> int:
    """A new active user; ``departments`` and ``areas`` (codes of ``profile``, the
    province.Profile) narrow a staff member's domains."""
    username = (username or "").strip().lower()
    if not USERNAME.match(username):
        raise AccountError("account.error.username")
    display_name = (display_name or "").strip()
    if len(display_name) > 120:
        raise AccountError("account.error.display_name")
    row = {
        "username": username,
        "display_name": display_name,
        "password_hash": hash_password(_check_password(password)),
        "roles": _check_roles(roles),
        "domains": _check_domains(domains),
        "departments": _check_departments(departments, profile),
        "areas": _check_areas(areas, profile),
        "active": True,
        "created_ms": now_ms(),
        "updated_ms": now_ms(),
    }
    with engine.begin() as conn:
        taken = conn.execute(select(User.id).where(User.username == username)).first()
        if taken:
            raise AccountError("account.error.taken")
        return conn.execute(insert(User).values(**row).returning(User.id)).scalar_one()


def update_user(
    engine: Engine,
    user_id: int,
    *,
    roles: list[str] | None = None,
    domains: list[str] | None = None,
    departments: list[str] | None = None,
    areas: list[str] | None = None,
    active: bool | None = None,
    display_name: str | None = None,
    password: str | None = None,
    profile: object = None,
) -> dict:
    """Change a user; returns the fields changed (for the audit trail, without the
    password). Disabling a user or changing the password ends their sessions."""
    values: dict = {}
    if roles is not None:
        values["roles"] = _check_roles(roles)
    if domains is not None:
        values["domains"] = _check_domains(domains)
    if departments is not None:
        values["departments"] = _check_departments(departments, profile)
    if areas is not None:
        values["areas"] = _check_areas(areas, profile)
    if active is not None:
        values["active"] = bool(active)
    if display_name is not None:
        if len(display_name.strip()) > 120:
            raise AccountError("account.error.display_name")
        values["display_name"] = display_name.strip()
    changed = dict(values)
    if password is not None:
        values["password_hash"] = hash_password(_check_password(password))
        changed["password"] = "changed"
    if not values:
        return {}
    values["updated_ms"] = now_ms()
    with engine.begin() as conn:
        found = conn.execute(
            update(User).where(User.id == user_id).values(**values)
        ).rowcount
        if not found:
            raise AccountError("account.error.no_user")
        if values.get("active") is False or "password_hash" in values:
            conn.execute(
                update(WebSession)
                .where(WebSession.user_id == user_id, WebSession.ended_ms.is_(None))
                .values(ended_ms=now_ms())
            )
    return changed


def users(engine: Engine) -> list[dict]:
    with Session(engine) as session:
        rows = session.scalars(select(User).order_by(User.username)).all()
    return [_user_dict(u) for u in rows]


def _user_dict(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "roles": list(user.roles or ()),
        "domains": list(user.domains or ()),
        "departments": list(user.departments or ()),
        "areas": list(user.areas or ()),
        "active": user.active,
        "created_ms": user.created_ms,
        "last_login_ms": user.last_login_ms,
    }


def user_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(User)).scalar_one()


def verify_password(engine: Engine, username: str, password: str) -> Principal | None:
    """The user if the name and password match an active account, else None. Takes
    as long for an unknown name as for a wrong password."""
    username = (username or "").strip().lower()[:64]
    password = (password or "")[:MAX_PASSWORD]
    with Session(engine) as session:
        user = session.scalar(select(User).where(User.username == username))
    if user is None:
        _hasher.verify(password, _DUMMY_HASH)
        return None
    ok, new_hash = _hasher.verify_and_update(password, user.password_hash)
    if not ok or not user.active:
        return None
    if new_hash:
        with engine.begin() as conn:
            conn.execute(
                update(User).where(User.id == user.id).values(password_hash=new_hash)
            )
    return _principal(user)


# --- sessions ----------------------------------------------------------------------


@dataclass(frozen=True)
class SessionInfo:
    principal: Principal
    csrf: str
    token_hash: str


def start_session(
    engine: Engine,
    user_id: int,
    lifetime_s: int,
    ip: str = "",
    user_agent: str = "",
) -> tuple[str, str]:
    """A new session for the user: (cookie token, CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    at = now_ms()
    with engine.begin() as conn:
        conn.execute(
            insert(WebSession).values(
                token_hash=token_hash(token),
                user_id=user_id,
                created_ms=at,
                last_seen_ms=at,
                last_active_ms=at,
                expires_ms=at + lifetime_s * 1000,
                csrf=csrf,
                ip=ip[:64],
                user_agent=user_agent[:300],
            )
        )
        conn.execute(update(User).where(User.id == user_id).values(last_login_ms=at))
    return token, csrf


def resume_session(
    engine: Engine,
    token: str,
    idle_s: int,
    *,
    active: bool,
    passive_keeps_alive: frozenset[str] = frozenset(),
) -> SessionInfo | None:
    """The session behind a cookie token, or None when it is unknown, ended, past its
    lifetime or idle too long. ``active``: the request is a person's own action (not a
    live panel's poll); polls keep a session alive only for the roles in
    ``passive_keeps_alive`` (wall screens)."""
    if not token or len(token) > 100:
        return None
    digest = token_hash(token)
    at = now_ms()
    with Session(engine) as session:
        row = session.execute(
            select(WebSession, User)
            .join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == digest)
        ).first()
    if row is None:
        return None
    sess, user = row
    if sess.ended_ms is not None or at >= sess.expires_ms or not user.active:
        return None
    roles = frozenset(user.roles or ())
    last = sess.last_seen_ms if roles & passive_keeps_alive else sess.last_active_ms
    if at - last > idle_s * 1000:
        end_session(engine, token)
        return None
    values = {"last_seen_ms": at}
    if active:
        values["last_active_ms"] = at
    # One write a few seconds at most, so polling panels do not write on every tick.
    if active or at - sess.last_seen_ms > 5000:
        with engine.begin() as conn:
            conn.execute(
                update(WebSession)
                .where(WebSession.token_hash == digest)
                .values(**values)
            )
    return SessionInfo(_principal(user), sess.csrf, digest)


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(WebSession)
            .where(WebSession.token_hash == token_hash(token or ""))
            .where(WebSession.ended_ms.is_(None))
            .values(ended_ms=now_ms())
        )


# --- sign-in attempts --------------------------------------------------------------


def record_attempt(engine: Engine, username: str, ip: str, ok: bool) -> None:
    """A settled attempt, without the throttle's check (history for start_attempt)."""
    with engine.begin() as conn:
        conn.execute(
            insert(LoginAttempt).values(
                at_ms=now_ms(), username=username[:64], ip=ip[:64], ok=ok
            )
        )


@dataclass(frozen=True)
class Attempt:
    """A sign-in attempt as counted by the throttle. ``wait_s`` > 0: refused, try
    again in that many seconds (``scope`` says why: 'user_address' or 'address',
    with ``failures`` counted there); the attempt was not recorded. Otherwise
    ``id`` names its row, a failure until ``finish_attempt`` says it succeeded."""

    id: int | None
    wait_s: int = 0
    scope: str = ""
    failures: int = 0


def throttle_delay_s(failures: int, free: int, cap_s: int) -> int:
    """Seconds to wait after the last of ``failures`` failed attempts: none for the
    first ``free``, then 2, 4, 8, ... up to ``cap_s``."""
    if failures < free:
        return 0
    return min(cap_s, 2 ** min(failures - free + 1, 30))


PRUNE_ATTEMPTS_EVERY = 256
ATTEMPTS_KEEP_MS = 86_400_000


def start_attempt(
    engine: Engine,
    username: str,
    ip: str,
    *,
    per_user: int,
    per_address: int,
    window_s: int = 3600,
    cap_s: int = 900,
) -> Attempt:
    """Count a sign-in attempt before its password is checked, so that guesses sent
    together are judged one after the other, not all against the same count.

    Failures are counted in the last ``window_s`` seconds per (user name, address),
    since that pair's last success, and per address across all names; past
    ``per_user`` (pair) or ``per_address`` failures, each further attempt waits
    (throttle_delay_s) after the last failure. Failures from one address never slow
    down another, so nobody can lock a user out of their own address."""
    username, ip = username[:64], ip[:64]
    at = now_ms()
    since = at - window_s * 1000
    # Committed before counting, and every other attempt counted (not only earlier
    # ones): of two attempts sent together, at least one sees the other.
    with engine.begin() as conn:
        mine = conn.execute(
            insert(LoginAttempt)
            .values(at_ms=at, username=username, ip=ip, ok=False)
            .returning(LoginAttempt.id)
        ).scalar_one()
        if mine % PRUNE_ATTEMPTS_EVERY == 0:
            # Attempts matter for an hour (window_s); a day is kept to read, no more,
            # so that a flood of sign-ins does not grow the store forever.
            conn.execute(
                delete(LoginAttempt).where(LoginAttempt.at_ms < at - ATTEMPTS_KEEP_MS)
            )
    others = (LoginAttempt.ip == ip, LoginAttempt.id != mine)
    failed = (*others, LoginAttempt.ok.is_(False), LoginAttempt.at_ms >= since)
    count_last = (func.count(), func.max(LoginAttempt.at_ms))
    with engine.connect() as conn:
        last_ok = conn.execute(
            select(func.max(LoginAttempt.id)).where(
                *others, LoginAttempt.username == username, LoginAttempt.ok.is_(True)
            )
        ).scalar_one()
        by_pair = conn.execute(
            select(*count_last).where(
                *failed,
                LoginAttempt.username == username,
                LoginAttempt.id > (last_ok or 0),
            )
        ).one()
        by_ip = conn.execute(select(*count_last).where(*failed)).one()
    refusal = Attempt(mine)
    for scope, (n, last), free in (
        ("user_address", by_pair, per_user),
        ("address", by_ip, per_address),
    ):
        delay_ms = throttle_delay_s(n, free, cap_s) * 1000
        wait_s = -(-(last + delay_ms - at) // 1000) if delay_ms else 0
        if wait_s > refusal.wait_s:
            refusal = Attempt(None, wait_s, scope, n)
    if refusal.wait_s:
        with engine.begin() as conn:
            conn.execute(delete(LoginAttempt).where(LoginAttempt.id == mine))
    return refusal


def finish_attempt(engine: Engine, attempt_id: int, ok: bool) -> None:
    """Settle an attempt start_attempt let through: a success ends the failures
    counted against its (user name, address)."""
    if ok:
        with engine.begin() as conn:
            conn.execute(
                update(LoginAttempt)
                .where(LoginAttempt.id == attempt_id)
                .values(ok=True)
            )


# --- API keys ----------------------------------------------------------------------


def issue_api_key(
    engine: Engine,
    name: str,
    roles: list[str] | tuple[str, ...],
    created_by: str,
    domains: list[str] | tuple[str, ...] = (),
    key: str | None = None,
    departments: list[str] | tuple[str, ...] = (),
    areas: list[str] | tuple[str, ...] = (),
    profile: object = None,
) -> tuple[int, str]:
    """A new key: (id, the key itself, shown once). ``key`` imports a given key
    (IOC_API_KEY) instead of generating one; ``departments`` and ``areas`` (codes of
    ``profile``) narrow a staff key's domains."""
    name = (name or "").strip()
    if not (1 <= len(name) <= 100):
        raise AccountError("account.error.key_name")
    if key is not None and len(key) < MIN_API_KEY:
        raise AccountError("account.error.key_short")
    key = key or "ioc_" + secrets.token_urlsafe(32)
    with engine.begin() as conn:
        key_id = conn.execute(
            insert(ApiKey)
            .values(
                name=name,
                prefix=key[:8],
                key_hash=token_hash(key),
                roles=_check_roles(roles),
                domains=_check_domains(domains),
                departments=_check_departments(departments, profile),
                areas=_check_areas(areas, profile),
                created_by=created_by[:64],
                created_ms=now_ms(),
            )
            .returning(ApiKey.id)
        ).scalar_one()
    return key_id, key


def ensure_api_key(engine: Engine, name: str, key: str, roles: list[str]) -> bool:
    """Import ``key`` once (IOC_API_KEY); True when it was new."""
    with engine.connect() as conn:
        known = conn.execute(
            select(ApiKey.id).where(ApiKey.key_hash == token_hash(key))
        ).first()
    if known:
        return False
    issue_api_key(engine, name, roles, "IOC_API_KEY", key=key)
    return True


def revoke_api_key(engine: Engine, key_id: int) -> bool:
    with engine.begin() as conn:
        return bool(
            conn.execute(
                update(ApiKey)
                .where(ApiKey.id == key_id, ApiKey.revoked_ms.is_(None))
                .values(revoked_ms=now_ms())
            ).rowcount
        )


def api_keys(engine: Engine) -> list[dict]:
    with Session(engine) as session:
        rows = session.scalars(select(ApiKey).order_by(ApiKey.id)).all()
    return [
        {
            "id": k.id,
            "name": k.name,
            "prefix": k.prefix,
            "roles": list(k.roles or ()),
            "domains": list(k.domains or ()),
            "departments": list(k.departments or ()),
            "areas": list(k.areas or ()),
            "created_by": k.created_by,
            "created_ms": k.created_ms,
            "revoked_ms": k.revoked_ms,
            "last_used_ms": k.last_used_ms,
        }
        for k in rows
    ]


def check_api_key(engine: Engine, key: str) -> Principal | None:
    if not key or len(key) > 200:
        return None
    with Session(engine) as session:
        row = session.scalar(select(ApiKey).where(ApiKey.key_hash == token_hash(key)))
    if row is None or row.revoked_ms is not None:
        return None
    at = now_ms()
    if row.last_used_ms is None or at - row.last_used_ms > 60_000:
        with engine.begin() as conn:
            conn.execute(
                update(ApiKey).where(ApiKey.id == row.id).values(last_used_ms=at)
            )
    return Principal(
        id=row.id,
        name=f"key:{row.name}"[:64],
        display_name=row.name,
        kind="api_key",
        roles=frozenset(row.roles or ()),
        domains=frozenset(row.domains or ()),
        departments=frozenset(row.departments or ()),
        areas=frozenset(row.areas or ()),
    )
