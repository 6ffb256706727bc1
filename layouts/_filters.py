"""Filter values for pages that filter sensors by kind, area and state: the options, and
the check of values that come from URLs and callbacks (anything unknown is named and
dropped, never passed on)."""

from __future__ import annotations

from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc

import config
import province
from i18n import T, t

STATES = ("ok", "warning", "alarm", "stale", "offline", "never")


def area_names(lang: str) -> dict[str, str]:
    """Every area of the profile by code, named in ``lang``."""
    profile = province.cached(str(config.load().profile))
    return {
        a.code: a.name if lang == "vi" else a.name_en for a in profile.areas.values()
    }


def url_search(values: dict[str, str | None]) -> str:
    """The query string of the filters that have a value ('' when none has)."""
    query = {k: v for k, v in values.items() if v}
    return f"?{urlencode(query)}" if query else ""


def filter_dropdown(
    id_: str, options: list[dict], value: str | None, placeholder: str, **width: object
) -> dbc.Col:
    """One filter of a page's filter row; ``width`` as dbc.Col's breakpoints (full
    width on a phone, an equal share from md up, unless told)."""
    return dbc.Col(
        dcc.Dropdown(
            id=id_,
            options=options,
            value=value,
            placeholder=placeholder,
            className="ioc-filter",
        ),
        **(width or {"xs": 12, "md": True}),
    )


def district_options(lang: str) -> list[dict]:
    """The profile's filter-level areas (the former districts) as dropdown options."""
    profile = province.cached(str(config.load().profile))
    return [
        {"label": a.name if lang == "vi" else a.name_en, "value": a.code}
        for a in profile.areas_at(profile.filter_level)
    ]


def filter_options(lang: str) -> dict[str, list[dict]]:
    profile = province.cached(str(config.load().profile))
    kinds = sorted(profile.kinds)
    return {
        "kind": [
            {"label": t(f"kind.{k}", lang) if f"kind.{k}" in T else k, "value": k}
            for k in kinds
        ],
        "district": district_options(lang),
        "state": [{"label": t(f"state.{s}", lang), "value": s} for s in STATES],
    }


def check_choices(
    query: dict, options: dict[str, list[dict]]
) -> tuple[dict[str, str | None], list[str]]:
    """Each key of ``options`` with its value from ``query`` if it is one of the
    options, else None; and the invalid ones named as 'key=value'."""
    clean: dict[str, str | None] = {}
    bad = []
    for key, opts in options.items():
        value = query.get(key)
        if value in (None, ""):
            clean[key] = None
        elif isinstance(value, str) and value in {o["value"] for o in opts}:
            clean[key] = value
        else:
            clean[key] = None
            bad.append(f"{key}={str(value)[:40]}")
    return clean, bad


def clean_filters(query: dict, lang: str) -> tuple[dict[str, str | None], list[str]]:
    """Valid filter values from a query string and the names of the invalid ones."""
    return check_choices(query, filter_options(lang))


def clean_id(value: object, max_len: int = 128) -> str | None:
    """A sensor id from the browser, or None when it cannot be one (the ingest's
    rule: text of 1 to ``max_len`` characters without control characters, which
    PostgreSQL also refuses in a parameter)."""
    if not isinstance(value, str) or not 0 < len(value) <= max_len:
        return None
    return None if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value) else value


def clean_key(value: object) -> int | None:
    """A row id (alert, rule, user, API key) from the browser, or None when it cannot
    be one: a whole number that fits the store's integer columns."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value < 2**31 else None


def clean_text(value: object) -> str:
    """Text typed into a form without the control characters no keyboard types (but
    line breaks and tabs; PostgreSQL refuses NUL), or '' for anything else a forged
    request sends."""
    if not isinstance(value, str):
        return ""
    return "".join(
        c for c in value if c in "\n\r\t" or not (ord(c) < 32 or 127 <= ord(c) < 160)
    )
