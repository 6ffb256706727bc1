"""The partial Plotly bundle served from assets/vendor: the same plotly.js release as
the plotly Python package that builds and validates the figures, and every trace type
the figure builders use is in it."""

from __future__ import annotations

import re
from pathlib import Path

import plotly

from config import ROOT

BUNDLE = ROOT / "assets" / "vendor" / "plotly-basic.min.js"
# The basic partial bundle's trace types (plotly.js dist/README.md).
BASIC_TRACES = {"scatter", "bar", "pie"}


def _version(path: Path) -> str:
    head = path.read_text(encoding="utf-8", errors="replace")[:400]
    return re.search(r"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+)", head).group(1)


def test_the_partial_bundle_is_the_release_of_the_plotly_package():
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert _version(BUNDLE) == _version(full)
    assert (BUNDLE.parent / "plotly-LICENSE.txt").read_text().startswith("MIT License")


def test_the_figure_builders_draw_only_trace_types_of_the_partial_bundle():
    used: set[str] = set()
    for path in (ROOT / "figures").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= {m.lower() for m in re.findall(r"go\.(\w+)\(", text)} - {"figure"}
        used |= set(re.findall(r'"type": "(scatter\w*|bar|pie|\w+map)"', text))
    # scattermap is drawn only with IOC_MAP_TILES, when app.py leaves the partial
    # bundle out and dcc loads the full one.
    assert used - {"scattermap"} <= BASIC_TRACES, used


def test_the_partial_bundle_names_no_cdn_to_fetch_from():
    text = BUNDLE.read_text(encoding="utf-8", errors="replace")
    assert "cdn.plot.ly" not in text
    assert 'dflt:"/assets/vendor/topojson/"' in text
