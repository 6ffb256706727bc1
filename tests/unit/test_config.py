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
        ({"IOC_SIMULATE": "maybe"}, "IOC_SIMULATE"),
        ({"IOC_PORT": "eighty"}, "IOC_PORT"),
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


# Every typed setting refuses a bad value with one line that names the variable, says
# what is wrong and what would be right (app.py prints it and exits 2).
BAD_VALUES = [
    ("IOC_PORT", "abc"),
    ("IOC_PORT", "0"),
    ("IOC_PORT", "70000"),
    ("IOC_MQTT_EMBEDDED_PORT", "x"),
    ("IOC_SIM_HTTP_PORT", "-1"),
    ("IOC_INGEST_BATCH", "0"),
    ("IOC_INGEST_BATCH", "many"),
    ("IOC_INGEST_FLUSH_MS", "-5"),
    ("IOC_INGEST_BUFFER", "1.5"),
    ("IOC_SIM_SENSORS", "-1"),
    ("IOC_SIM_RATE", "0"),
    ("IOC_SIM_RATE", "fast"),
    ("IOC_SIM_RATE", "nan"),
    ("IOC_SIM_SEED", "x"),
    ("IOC_POLL_TIMEOUT_S", "0"),
    ("IOC_POLL_TIMEOUT_S", "inf"),
    ("IOC_BACKFILL_DAYS", "-1"),
    ("IOC_SIMULATE", "maybe"),
    ("IOC_SHARED_READS", "2"),
    ("IOC_MQTT_ANONYMOUS", "yes please"),
    ("IOC_ROLE", "boss"),
    ("IOC_MQTT_PROTOCOL", "4"),
    ("IOC_COOKIE_SECURE", "sometimes"),
    ("IOC_LOG_LEVEL", "LOUD"),
    ("IOC_TRUSTED_PROXIES", "-1"),
    ("IOC_LOGIN_MAX_FAILURES", "0"),
    ("IOC_SESSION_IDLE_MINUTES", "0"),
    ("IOC_SESSION_HOURS", "x"),
    ("IOC_WEB_THREADS", "0"),
    ("IOC_MAX_REQUESTS_PER_SESSION", "none"),
    ("IOC_DATABASE_URL", "sqlite:////nonexistent-dir/x.db"),
    ("IOC_DATABASE_URL", "not a url"),
    ("IOC_DATABASE_URL", "mysql://ioc@db/ioc"),
    ("IOC_MQTT_URL", "http://broker.example:1883"),
    ("IOC_MQTT_URL", "mqtt://"),
    ("IOC_MQTT_URL", "mqtt://broker.example:port"),
    ("IOC_MQTT_CA_FILE", "/nonexistent-dir/ca.pem"),
    ("IOC_MQTT_PASSWORD_FILE", "/nonexistent-dir/passwd"),
    ("IOC_MQTT_TOPIC", ""),
    ("IOC_MQTT_TOPIC", "ioc/#/data"),
    ("IOC_MQTT_SHARED_GROUP", "a/b"),
    ("IOC_MQTT_CLIENT_ID", " "),
    ("IOC_HOST", ""),
    ("IOC_PROFILE", "/nonexistent-dir/profile.json"),
    ("IOC_PRESS_FEEDS", "not a url"),
    ("IOC_PRESS_FEEDS", "https://ok.example/rss,ftp://x/y"),
    ("IOC_PRESS_FEEDS", "file:///etc/passwd"),
    ("IOC_OPEN311_URL", "ftp://x/open311/v2"),
    ("IOC_MAP_TILES", "https://tiles.example/{z}/{x}.png"),
    ("IOC_MAP_TILES", "javascript:alert(1)/{z}/{x}/{y}"),
    ("IOC_API_KEY", "short"),
    ("IOC_API_KEY_ROLE", "boss"),
    ("IOC_ADMIN_PASSWORD", "short"),
    ("IOC_ADMIN_USER", "Bad User!"),
]


@pytest.mark.parametrize("name, value", BAD_VALUES)
def test_a_bad_value_is_one_line_naming_the_variable(name, value):
    with pytest.raises(config.ConfigError) as caught:
        config.load({name: value})
    message = str(caught.value)
    assert message.startswith(name), message
    assert "\n" not in message
    # Says what would be right, not only what is wrong.
    assert any(w in message for w in ("expected", "use ", "set ", "one of")), message


@pytest.mark.parametrize(
    "name, value, secret",
    [
        ("IOC_API_KEY", "short-secret", "short-secret"),
        ("IOC_ADMIN_PASSWORD", "pw-secret", "pw-secret"),
        ("IOC_MQTT_URL", "http://ioc:hunter2@broker:1883", "hunter2"),
        ("IOC_DATABASE_URL", "mysql://ioc:hunter2@db/ioc", "hunter2"),
        ("IOC_OPEN311_URL", "ftp://u:hunter2@x/open311/v2", "hunter2"),
    ],
)
def test_a_refused_secret_is_not_repeated(name, value, secret):
    with pytest.raises(config.ConfigError) as caught:
        config.load({name: value})
    assert secret not in str(caught.value)


def test_config_error_is_a_value_error():
    assert issubclass(config.ConfigError, ValueError)


def test_good_values_are_accepted(tmp_path):
    cfg = config.load(
        {
            "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'ioc.db'}",
            "IOC_PRESS_FEEDS": "https://baobacninh.example/rss, http://x.example/f.xml",
            "IOC_OPEN311_URL": "https://gopy.example/open311/v2",
            "IOC_MAP_TILES": "https://tiles.example/{z}/{x}/{y}.png",
            "IOC_MQTT_URL": "mqtts://ioc:p%40ss@broker.example:8883",
            "IOC_API_KEY": "k" * 24,
            "IOC_ADMIN_PASSWORD": "p" * 10,
            "IOC_LOG_LEVEL": "debug",
            "IOC_SIMULATE": "off",
            "IOC_PORT": "8080",
            "IOC_WEB_THREADS": "8",
            "IOC_MAX_REQUESTS_PER_SESSION": "4",
        }
    )
    assert cfg.press_feeds == (
        "https://baobacninh.example/rss",
        "http://x.example/f.xml",
    )
    assert (cfg.log_level, cfg.simulate, cfg.port) == ("DEBUG", False, 8080)
    assert (cfg.web_threads, cfg.max_requests_per_session) == (8, 4)
    postgres = "postgresql+psycopg://ioc:secret@127.0.0.1:5432/ioc"
    assert config.load({"IOC_DATABASE_URL": postgres}).database_url == postgres


def test_redact_hides_the_password_of_a_url():
    assert (
        config.redact("postgresql+psycopg://ioc:hunter2@db:5432/ioc")
        == "postgresql+psycopg://ioc:***@db:5432/ioc"
    )
    assert config.redact("mqtt://u:p@broker:1883") == "mqtt://u:***@broker:1883"
    assert config.redact("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
