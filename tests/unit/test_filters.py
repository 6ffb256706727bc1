"""Filter values from URLs and callbacks: valid ones kept, anything else named and
dropped."""

from __future__ import annotations

import pytest

from layouts._filters import clean_filters


def test_valid_filters_are_kept():
    clean, bad = clean_filters(
        {"kind": "air", "district": "tu-son", "state": "stale"}, "vi"
    )
    assert (
        clean == {"kind": "air", "district": "tu-son", "state": "stale"} and bad == []
    )


@pytest.mark.parametrize(
    "query, named",
    [
        ({"kind": "ufo"}, "kind=ufo"),
        ({"district": "tu-son' OR '1'='1"}, "district=tu-son' OR '1'='1"),
        ({"state": "<script>alert(1)</script>"}, "state=<script>alert(1)</script>"),
        ({"kind": ["air", "water"]}, "kind=['air', 'water']"),
    ],
)
def test_invalid_filters_are_dropped_and_named(query, named):
    clean, bad = clean_filters(query, "en")
    assert all(v is None for v in clean.values())
    assert bad == [named]


def test_missing_filters_mean_everything():
    clean, bad = clean_filters({}, "vi")
    assert clean == {"kind": None, "district": None, "state": None} and bad == []
