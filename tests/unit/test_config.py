"""Configuration: defaults that run on a laptop, clear errors for bad values."""

from __future__ import annotations

import pytest

import config


def test_defaults_use_sqlite_and_the_embedded_broker():
    cfg = config.load({})
    assert cfg.database_url.startswith("sqlite:///") and cfg.database_url.endswith(
        "ioc.db"
    )
    assert cfg.embedded_broker and cfg.mqtt_protocol == "3.1.1"
    assert (cfg.host, cfg.port, cfg.role, cfg.simulate) == (
        "127.0.0.1",
        8050,
        "all",
        True,
    )


def test_an_external_broker_gets_mqtt_5():
    cfg = config.load({"IOC_MQTT_URL": "mqtt://u:p@127.0.0.1:1883"})
    assert not cfg.embedded_broker and cfg.mqtt_protocol == "5"
    assert cfg.effective_mqtt_url == "mqtt://u:p@127.0.0.1:1883"


@pytest.mark.parametrize(
    "env, word",
    [
        ({"IOC_ROLE": "boss"}, "IOC_ROLE"),
        ({"IOC_SIMULATE": "maybe"}, "boolean"),
        ({"IOC_PORT": "eighty"}, "invalid literal"),
        ({"IOC_MQTT_PROTOCOL": "4"}, "IOC_MQTT_PROTOCOL"),
        ({"IOC_INGEST_BUFFER": "10", "IOC_INGEST_BATCH": "500"}, "IOC_INGEST_BUFFER"),
    ],
)
def test_bad_values_are_refused_with_the_setting_named(env, word):
    with pytest.raises(ValueError, match=word):
        config.load(env)


def test_every_setting_is_documented_in_the_readme():
    readme = (config.ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in config.SETTINGS if f"`{s.name}`" not in readme]
    assert missing == []
