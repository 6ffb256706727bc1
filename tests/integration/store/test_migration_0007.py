"""Migration 0007 on both databases: existing users and API keys keep their rows and
get empty departments and areas (not narrowed), existing citizens' reports no area;
the downgrade takes the columns away and keeps the rows."""

from __future__ import annotations

from sqlalchemy import inspect, text

from store import accounts
from tests.integration.store.test_migration_0006 import _to, bare  # noqa: F401 - fixture

T0 = 1_795_590_000_000


def _old_rows(conn) -> str:
    conn.execute(
        text(
            "INSERT INTO users (username, display_name, password_hash, roles, domains,"
            " active, created_ms, updated_ms) VALUES ('an.nguyen', 'Nguyễn Văn An',"
            " :h, '[\"staff\"]', '[\"environment\"]', true, :t, :t)"
        ),
        {"h": accounts.hash_password("mat-khau-du-dai"), "t": T0},
    )
    key = "ioc_" + "k" * 40
    conn.execute(
        text(
            "INSERT INTO api_keys (name, prefix, key_hash, roles, domains, created_by,"
            " created_ms) VALUES ('cũ', :p, :h, '[\"leader\"]', '[]', 't', :t)"
        ),
        {"p": key[:8], "h": accounts.token_hash(key), "t": T0},
    )
    conn.execute(
        text(
            "INSERT INTO citizen_reports (id, source, status, service_code,"
            " service_name, description, agency, address, requested_ms) VALUES"
            " ('r1', 's', 'open', 'o-ga', 'Ổ gà', '', '', '', :t)"
        ),
        {"t": T0},
    )
    return key


def test_existing_users_and_keys_are_not_narrowed_and_survive_the_way_back(bare):  # noqa: F811
    _to(bare, "0006")
    with bare.begin() as conn:
        key = _old_rows(conn)
    _to(bare, "0007")
    [user] = accounts.users(bare)
    assert (user["username"], user["roles"], user["domains"]) == (
        "an.nguyen",
        ["staff"],
        ["environment"],
    )
    assert (user["departments"], user["areas"]) == ([], [])
    who = accounts.verify_password(bare, "an.nguyen", "mat-khau-du-dai")
    assert who is not None and (who.departments, who.areas) == (set(), set())
    by_key = accounts.check_api_key(bare, key)
    assert by_key.roles == {"leader"} and (by_key.departments, by_key.areas) == (
        set(),
        set(),
    )
    with bare.connect() as conn:
        area = conn.execute(text("SELECT area FROM citizen_reports")).scalar_one()
    assert area == ""
    _to(bare, "0006", down=True)
    for table in ("users", "api_keys"):
        cols = {c["name"] for c in inspect(bare).get_columns(table)}
        assert not {"departments", "areas"} & cols and "domains" in cols
    assert "area" not in {
        c["name"] for c in inspect(bare).get_columns("citizen_reports")
    }
    with bare.connect() as conn:
        assert conn.execute(text("SELECT username FROM users")).scalars().all() == [
            "an.nguyen"
        ]
        assert conn.execute(text("SELECT name FROM api_keys")).scalars().all() == ["cũ"]
        assert conn.execute(text("SELECT id FROM citizen_reports")).scalars().all() == [
            "r1"
        ]
    _to(bare, "head")
