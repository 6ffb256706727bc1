"""The house rules of STYLE.md that a reader cannot check at a glance."""

from __future__ import annotations

import ast
import importlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    "package, forbidden",
    [
        (
            "store",
            {
                "dash",
                "dash_bootstrap_components",
                "flask",
                "paho",
                "datasources",
                "simulators",
                "layouts",
                "callbacks",
            },
        ),
        (
            "datasources",
            {"dash", "dash_bootstrap_components", "layouts", "callbacks", "simulators"},
        ),
        (
            "simulators",
            {
                "dash",
                "dash_bootstrap_components",
                "sqlalchemy",
                "store",
                "datasources",
                "layouts",
                "callbacks",
            },
        ),
        ("callbacks", {"paho", "datasources", "simulators"}),
        # Use cases serve callbacks and API routes alike: no Dash, no Flask request.
        (
            "usecases",
            {
                "dash",
                "dash_bootstrap_components",
                "flask",
                "werkzeug",
                "paho",
                "layouts",
                "callbacks",
                "api",
                "datasources",
                "simulators",
            },
        ),
        ("layouts", {"paho", "datasources", "simulators", "sqlalchemy"}),
        # Reports are made for the page, the API and the scheduler alike.
        (
            "reports",
            {
                "dash",
                "dash_bootstrap_components",
                "flask",
                "paho",
                "layouts",
                "callbacks",
                "api",
                "datasources",
                "simulators",
            },
        ),
    ],
)
def test_imports_run_one_way(package, forbidden):
    bad = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & forbidden)
        for p in (ROOT / package).rglob("*.py")
        if _imports(p) & forbidden
    }
    assert bad == {}


def _page_modules() -> list[str]:
    """Page modules with ids of their own (static pages have no callbacks to mirror)."""
    return sorted(
        p.stem
        for p in (ROOT / "layouts").glob("*.py")
        if not p.name.startswith("_") and "class Ids" in p.read_text(encoding="utf-8")
    )


def test_every_page_has_its_callbacks_module_and_it_is_imported():
    imported = _imports(ROOT / "callbacks" / "__init__.py")
    init = (ROOT / "callbacks" / "__init__.py").read_text(encoding="utf-8")
    for page in _page_modules():
        assert (ROOT / "callbacks" / f"{page}.py").exists(), (
            f"callbacks/{page}.py missing"
        )
        assert page in init, f"callbacks/__init__.py does not import {page}"
    assert "callbacks" in imported


def _every_role():
    from store.accounts import DOMAINS, ROLES, Principal

    return Principal(0, "t", "t", "user", frozenset(ROLES), frozenset(DOMAINS))


EVERY_ROLE = _every_role()


def _ids(component, found: set) -> None:
    cid = getattr(component, "id", None)
    if cid is not None:
        found.add(cid if isinstance(cid, str) else cid.get("type"))
    children = getattr(component, "children", None)
    if isinstance(children, (list, tuple)):
        for c in children:
            _ids(c, found)
    elif children is not None and hasattr(children, "to_plotly_json"):
        _ids(children, found)


def test_every_id_a_callback_names_exists_in_a_layout(sqlite_engine):
    import dash
    from dash._callback import GLOBAL_CALLBACK_LIST

    from store import runtime

    runtime.set_engine(sqlite_engine)
    app_module = importlib.import_module("app")
    found: set = set()
    with app_module.server.test_request_context("/"):
        from flask import g

        g.principal = EVERY_ROLE  # pages show their content, not the refusal
        _ids(app_module.shell(), found)
        for page in dash.page_registry.values():
            _ids(page["layout"](), found)
    named: set = set()
    patterns: set = set()
    for cb in GLOBAL_CALLBACK_LIST:
        deps = cb["inputs"] + cb.get("state", [])
        outs = cb["output"].split("...")
        ids = [d["id"] for d in deps] + [o.strip(".").rsplit(".", 1)[0] for o in outs]
        named |= {i for i in ids if not i.startswith("{")}
        patterns |= {json.loads(i)["type"] for i in ids if i.startswith("{")}
    runtime.set_engine(None)
    assert named - found == set()
    # Pattern-matched components (rows' buttons) are made by callbacks, so their type
    # must at least be one a page declares in its Ids.
    declared = set()
    for module in list(sys.modules.values()):
        if (getattr(module, "__name__", "") or "").startswith("layouts."):
            ids_class = getattr(module, "Ids", None)
            declared |= {
                v for v in vars(ids_class or object).values() if isinstance(v, str)
            }
    assert patterns - (found | declared) == set()


def test_the_registered_pages_are_the_catalogue(sqlite_engine):
    """The menu (Dash's page registry) and the page rules both come from the
    catalogue: a page registered by hand, or a catalogue entry nobody registers,
    fails here."""
    import dash

    import catalogue
    from security import policy
    from store import runtime

    runtime.set_engine(sqlite_engine)
    importlib.import_module("app")
    runtime.set_engine(None)
    registered = {
        p["path"]: (p["name"], p["order"], p.get("group"), p.get("icon"))
        for p in dash.page_registry.values()
    }
    assert registered == {
        p.path: (p.title_key, p.order, p.group, p.icon) for p in catalogue.PAGES
    }
    assert set(policy.PAGES) == set(registered)
    pending = {
        p["path"]
        for p in dash.page_registry.values()
        if p["module"].startswith("pending.")
    }
    assert pending == {p.path for p in catalogue.pending_pages()}


def test_the_domains_are_written_once():
    """The six domains are the catalogue's: a second copy of the list elsewhere in
    the app would drift from it."""
    needle = '"economy", "citizens"'
    copies = [
        str(p.relative_to(ROOT))
        for p in ROOT.rglob("*.py")
        if not ({".venv", "tests", "bench"} & set(p.relative_to(ROOT).parts))
        and p.name != "catalogue.py"
        and needle in p.read_text(encoding="utf-8").replace("\n    ", " ")
    ]
    assert copies == []


@pytest.mark.parametrize(
    "row, error",
    [
        ({"path": "/kinh-te"}, "path repeated"),
        ({"group": "elsewhere"}, "unknown group"),
        ({"readers": "nobody"}, "unknown readers"),
        ({"staff_domains": ("weather",)}, "unknown domains"),
        ({"path": "/cam-bien/"}, "path"),
    ],
)
def test_the_catalogue_refuses_a_contradiction(monkeypatch, row, error):
    from dataclasses import replace

    import catalogue

    pages = list(catalogue.PAGES)
    i = next(i for i, p in enumerate(pages) if p.key == "sensors")
    pages[i] = replace(pages[i], **row)
    monkeypatch.setattr(catalogue, "PAGES", tuple(pages))
    with pytest.raises(ValueError, match=error):
        catalogue.check()


def test_every_callback_output_has_an_owner_and_every_page_a_rule(sqlite_engine):
    """The server judges a Dash request by the page that owns the ids it writes to:
    an id nobody owns would be refused to everyone, a page without a rule too."""
    import dash
    from dash._callback import GLOBAL_CALLBACK_LIST

    from security import policy, web
    from store import runtime

    runtime.set_engine(sqlite_engine)
    importlib.import_module("app")
    owners = web.id_owners()
    orphans = set()
    for cb in GLOBAL_CALLBACK_LIST:
        for out in cb["output"].split("..."):
            oid = out.strip(".").rsplit(".", 1)[0]
            oid = json.loads(oid)["type"] if oid.startswith("{") else oid
            if oid not in owners:
                orphans.add(oid)
    runtime.set_engine(None)
    assert orphans == set()
    unruled = [
        p["path"]
        for p in dash.page_registry.values()
        if not policy.page_rule(p["path"])
    ]
    assert unruled == []


def test_integration_tests_live_in_their_area_folder():
    """tests/integration holds one folder per area (access, alerts, api, ingest,
    pages, sources, store, system, ...): a test file at its top has no area."""
    top = ROOT / "tests" / "integration"
    assert sorted(p.name for p in top.glob("test_*.py")) == []
