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


def _project_sources():
    """Every Python file of the app (not the tests, the venv or the migrations)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    skip = {".venv", "venv", "tests", ".git", "node_modules", "test-artifacts"}
    for path in root.rglob("*.py"):
        parts = path.relative_to(root).parts
        if not (set(parts) & skip):
            yield path


def test_every_literal_key_in_the_code_is_in_the_table():
    """A key missing from the table fails here, not as a 500 in front of a user."""
    import re

    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+)["']""")
    missing = {}
    for path in _project_sources():
        for key in pattern.findall(path.read_text(encoding="utf-8")):
            if key not in T:
                missing.setdefault(key, str(path))
    assert missing == {}


def _table_keys() -> dict[str, list[str]]:
    """The keys each table module writes, read from its source: a dict literal keeps
    only the last of a repeated key, so the merged table cannot show it."""
    import ast
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "i18n" / "tables"
    out = {}
    for path in sorted(folder.glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        keys = [
            k.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Dict)
            for k in node.keys
            if isinstance(k, ast.Constant)
            and isinstance(k.value, str)
            and "." in k.value
        ]
        out[path.stem] = keys
    return out


def test_no_translation_key_is_defined_twice():
    from collections import Counter

    every = Counter(k for keys in _table_keys().values() for k in keys)
    assert [k for k, n in every.items() if n > 1] == []


def test_every_table_module_is_merged():
    from i18n import AREAS

    assert sorted(AREAS) == sorted(_table_keys())
    assert sum(len(v) for v in _table_keys().values()) == len(T)


def test_a_key_in_two_tables_stops_the_import(monkeypatch):
    import sys
    import types

    import i18n

    for area, table in {"dup_a": {"x.y": {}}, "dup_b": {"x.y": {}}}.items():
        module = types.ModuleType(f"i18n.tables.{area}")
        module.T = table
        monkeypatch.setitem(sys.modules, f"i18n.tables.{area}", module)
    with pytest.raises(ImportError, match="x.y.*dup_a.*dup_b"):
        i18n._merge(("dup_a", "dup_b"))
