"""Answers are compressed (Brotli, else gzip); static bundles are compressed once and
kept, callback answers never kept (each user's answer is their own)."""

from __future__ import annotations

import brotli
import pytest

from compression import StaticOnlyCache
from store import runtime
from tests.helpers import dash_callbacks, dash_post, session_client


@pytest.fixture
def client(sqlite_engine):
    runtime.set_engine(sqlite_engine)
    yield session_client(sqlite_engine, ("leader",))
    runtime.set_engine(None)


def test_the_plotly_bundle_is_sent_compressed(client):
    from app import app

    path = next(p for p in app.registered_paths["plotly"] if p.endswith(".min.js"))
    url = f"/_dash-component-suites/plotly/{path}"
    plain = client.get(url)
    br = client.get(url, headers={"Accept-Encoding": "br, gzip"})
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert plain.headers.get("Content-Encoding") is None
    assert br.headers["Content-Encoding"] == "br"
    assert gz.headers["Content-Encoding"] == "gzip"
    assert brotli.decompress(br.data) == plain.data
    assert len(br.data) < len(plain.data) / 3


def test_callback_answers_are_compressed_but_never_cached(client):
    key = next(k for k in dash_callbacks() if "shell-alert-count" in k)
    resp = dash_post(
        client,
        key,
        inputs=[{"id": "shell-alert-interval", "property": "n_intervals", "value": 1}],
        state=[{"id": "shell-alert-seen", "property": "data", "value": None}],
        changed=["shell-alert-interval.n_intervals"],
    )
    assert resp.status_code in (200, 204)
    assert dash_post(client, key, inputs=[], state=[]).status_code == 400
    cache = StaticOnlyCache()
    cache.set("br;/_dash-update-component", b"x")
    cache.set("br;/api/v1/sensors", b"x")
    cache.set("br;/_dash-component-suites/plotly/plotly.min.js", b"js")
    assert cache.get("br;/_dash-update-component") is None
    assert cache.get("br;/api/v1/sensors") is None
    assert cache.get("br;/_dash-component-suites/plotly/plotly.min.js") == b"js"
