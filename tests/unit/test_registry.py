"""The registry of sources: what each declares, and the pollers it builds."""

from __future__ import annotations

import dataclasses

import pytest

import config
from datasources import registry
from datasources.open311 import Open311Poller
from datasources.press_rss import RssPoller
from tools import settings_table

# A value of each type a source setting has that config.py accepts.
SAMPLE = {str: "https://example.vn/a", tuple: "https://example.vn/a"}


def test_the_registry_lists_the_press_and_open311_sources():
    assert registry.names() == ["rss", "open311"]
    assert len(set(registry.names())) == len(registry.SOURCES)
    assert registry.source("open311").simulated_path == "/open311/v2"
    with pytest.raises(KeyError, match="rss, open311"):
        registry.source("camera")


@pytest.mark.parametrize("setting", registry.settings(), ids=lambda s: s.env)
def test_every_source_setting_is_read_by_config_and_in_the_readme_table(setting):
    declared = {s.name: s for s in config.SETTINGS}
    assert setting.env in declared
    assert setting.declared is declared[setting.env]
    fields = {f.name: f for f in dataclasses.fields(config.Config)}
    assert setting.attr in fields
    # The Config reads the variable into that field, with the declared type.
    unset = getattr(config.load({}), setting.attr)
    read = getattr(config.load({setting.env: SAMPLE[setting.type]}), setting.attr)
    assert isinstance(read, setting.type) and read != unset
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    assert settings_table.row(declared[setting.env]) in readme.splitlines()


def _shape(pollers) -> list[tuple]:
    out = []
    for p in pollers:
        url = p.url if isinstance(p, RssPoller) else p.base_url
        key = getattr(p, "api_key", None)
        out.append((type(p), p.name, p.kind, url, p.interval_s, p.deadline_s, key))
    return out


def test_simulating_without_sources_polls_the_simulated_systems():
    cfg = config.load({"IOC_SIM_HTTP_PORT": "9061", "IOC_POLL_DEADLINE_S": "12"})
    rss = "http://127.0.0.1:9061/press/rss.xml"
    assert _shape(registry.build_all(cfg)) == [
        (RssPoller, f"rss:{rss}", "rss", rss, 60, 12, None),
        (
            Open311Poller,
            "open311:http://127.0.0.1:9061/open311/v2",
            "open311",
            "http://127.0.0.1:9061/open311/v2",
            60,
            12,
            None,
        ),
    ]


def test_real_sources_are_polled_and_the_simulated_ones_not_even_when_simulating():
    env = {
        "IOC_PRESS_FEEDS": "https://a.vn/rss, https://b.vn/feed.xml",
        "IOC_OPEN311_URL": "https://gopy.bacninh.gov.vn/open311/v2/",
        "IOC_OPEN311_API_KEY": "k-123",
    }
    expected = [
        (RssPoller, "rss:https://a.vn/rss", "rss", "https://a.vn/rss", 60, 30, None),
        (
            RssPoller,
            "rss:https://b.vn/feed.xml",
            "rss",
            "https://b.vn/feed.xml",
            60,
            30,
            None,
        ),
        (
            Open311Poller,
            "open311:https://gopy.bacninh.gov.vn/open311/v2",
            "open311",
            "https://gopy.bacninh.gov.vn/open311/v2",
            60,
            30,
            "k-123",
        ),
    ]
    for simulate in ("1", "0"):
        cfg = config.load({**env, "IOC_SIMULATE": simulate})
        assert _shape(registry.build_all(cfg)) == expected


def test_without_simulation_or_sources_there_is_nothing_to_poll():
    assert registry.build_all(config.load({"IOC_SIMULATE": "0"})) == []
    only_open311 = config.load(
        {"IOC_SIMULATE": "0", "IOC_OPEN311_URL": "https://x.vn/open311/v2"}
    )
    assert _shape(registry.build_all(only_open311)) == [
        (
            Open311Poller,
            "open311:https://x.vn/open311/v2",
            "open311",
            "https://x.vn/open311/v2",
            60,
            30,
            None,
        )
    ]
