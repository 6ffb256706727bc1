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
