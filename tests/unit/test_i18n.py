"""The translation table and the Vietnamese/English formatting helpers."""

from __future__ import annotations

import pytest

from i18n import LANGS, T, fmt_age, fmt_datetime, fmt_number, t


def test_every_key_has_a_text_in_every_language():
    missing = [(k, lang) for k, v in T.items() for lang in LANGS if not v.get(lang)]
    assert missing == []


def test_vietnamese_texts_carry_diacritics():
    assert t("nav.overview") == "Tổng quan"
    assert t("app.title", "en") == "Intelligent Operations Centre"


def test_unknown_key_raises():
    with pytest.raises(KeyError):
        t("no.such.key")


@pytest.mark.parametrize(
    "value, lang, decimals, text",
    [
        (1234.5, "vi", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
        (1234567, "vi", 0, "1.234.567"),
        (-0.25, "vi", 2, "-0,25"),
        (None, "vi", 1, "–"),
        (float("nan"), "en", 1, "–"),
    ],
)
def test_numbers_follow_the_language(value, lang, decimals, text):
    assert fmt_number(value, lang, decimals) == text


def test_times_are_shown_in_vietnam_time():
    ms = 1_795_590_300_000  # 2026-11-25T07:05:00Z = 14:05 in Hà Nội
    assert fmt_datetime(ms, "vi") == "25/11/2026 14:05"
    assert fmt_datetime(ms, "en") == "25 Nov 2026 14:05"
    assert fmt_datetime(ms + 9_000, "vi", seconds=True) == "25/11/2026 14:05:09"
    assert fmt_datetime(None) == "–"


@pytest.mark.parametrize(
    "seconds, vi, en",
    [
        (5, "5 giây", "5 s"),
        (125, "2 phút", "2 min"),
        (7300, "2 giờ", "2 h"),
        (200_000, "2 ngày", "2 d"),
    ],
)
def test_ages_read_naturally(seconds, vi, en):
    assert fmt_age(seconds, "vi") == vi
    assert fmt_age(seconds, "en") == en


def test_every_metric_of_the_catalogue_has_a_label():
    from store.metrics import METRICS

    assert [m for m in METRICS if f"metric.{m}" not in T] == []


def test_units_are_shown_the_way_people_write_them():
    from i18n import unit_label

    assert unit_label("Cel") == "°C"
    assert unit_label("veh/min", "vi") == "xe/phút"
    assert unit_label("m") == "m"


def test_every_literal_key_in_the_code_is_in_the_table():
    """A key missing from the table fails here, not as a 500 in front of a user."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
    missing = {}
    for folder in ("layouts", "callbacks", "components", "figures"):
        for path in (root / folder).glob("*.py"):
            for key in pattern.findall(path.read_text(encoding="utf-8")):
                if key not in T:
                    missing.setdefault(key, path.name)
    assert missing == {}
