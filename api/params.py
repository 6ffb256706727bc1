"""Parsing of API query parameters; every failure is a ParamError naming the
parameter."""

from __future__ import annotations

import math
import re
from datetime import datetime

STEP_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_STEP_RE = re.compile(r"^(\d{1,7})([smhd]?)$")
# Kinds and area codes are slugs (profiles/*.json): anything else names nothing.
_CODE_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
# The ingest's rule for a sensor id (datasources/payloads.py): no control characters,
# which PostgreSQL also refuses in a text parameter (NUL).
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
MIN_MS = 946_684_800_000  # 2000-01-01
MAX_MS = 4_102_444_800_000  # 2100-01-01


class ParamError(ValueError):
    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def parse_time(name: str, value: str | None, default_ms: int) -> int:
    """ISO 8601 with an offset (or Z), or epoch seconds, to epoch milliseconds."""
    if value is None or value == "":
        return default_ms
    if len(value) > 40:
        raise ParamError(name, "too long for a time")
    try:
        seconds = float(value)
    except ValueError:
        seconds = None
    if seconds is not None:
        if not math.isfinite(seconds):
            raise ParamError(name, "must be a finite number of seconds")
        ms = int(seconds * 1000)
    else:
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise ParamError(
                name, "must be ISO 8601 (2026-11-25T14:05:00+07:00) or epoch seconds"
            ) from exc
        if dt.tzinfo is None:
            raise ParamError(name, "needs a time zone offset (e.g. +07:00 or Z)")
        ms = int(dt.timestamp() * 1000)
    if not MIN_MS <= ms <= MAX_MS:
        raise ParamError(name, "must be between 2000 and 2100")
    return ms


def parse_step(value: str | None) -> int | None:
    """Seconds per bucket from '300', '5m', '1h', '1d'; None for 'auto' or empty."""
    if value is None or value in ("", "auto"):
        return None
    m = _STEP_RE.match(value)
    if not m:
        raise ParamError(
            "step", "must be 'auto', seconds, or a number with s, m, h or d (e.g. 5m)"
        )
    step = int(m.group(1)) * STEP_UNITS[m.group(2) or "s"]
    if step < 1:
        raise ParamError("step", "must be at least 1 second")
    return step


def parse_choice(
    name: str, value: str | None, allowed: set[str] | None = None, max_len: int = 128
) -> str | None:
    if value is None or value == "":
        return None
    if len(value) > max_len:
        raise ParamError(name, f"longer than {max_len} characters")
    if allowed is not None and value not in allowed:
        raise ParamError(name, f"must be one of {', '.join(sorted(allowed))}")
    return value


def parse_code(name: str, value: str | None) -> str | None:
    """A kind or area code: lower-case letters, digits, '.', '_' or '-', at most 64
    characters; anything else is refused rather than looked up."""
    if value is None or value == "":
        return None
    if not _CODE_RE.fullmatch(value):
        raise ParamError(
            name, "must be a code of lower-case letters, digits, '.', '_' or '-'"
        )
    return value


def parse_id(name: str, value: str, max_len: int = 128) -> str:
    """A sensor or station id from a path: at most ``max_len`` characters and no
    control characters."""
    if len(value) > max_len:
        raise ParamError(name, f"longer than {max_len} characters")
    if _CONTROL_RE.search(value):
        raise ParamError(name, "contains control characters")
    return value


def parse_text(name: str, value: str, max_len: int) -> str:
    """Free text from a client (a note): at most ``max_len`` characters, no control
    characters but line breaks and tabs."""
    if len(value) > max_len:
        raise ParamError(name, f"longer than {max_len} characters")
    if _CONTROL_RE.search(value.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise ParamError(name, "contains control characters")
    return value
