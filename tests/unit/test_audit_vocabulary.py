"""One vocabulary for the policy and the audit trail: every action the code writes
to the trail is a policy action (security.policy.ACTIONS) or one of the events that
are not (security.policy.EVENTS: sign-in, sign-out, one's own password, refusals);
older names map to the new ones on display."""

from __future__ import annotations

import ast
from pathlib import Path

from i18n import T
from security import policy
from store import audit

ROOT = Path(__file__).resolve().parents[2]
SKIP = {"tests", "bench", ".venv", "tools"}


def _written_actions() -> set[tuple[str, str]]:
    """(file, action) of every literal action passed to an audit write: record(action,
    ...) in the web layer, audit.record(engine, actor, action, ...) and the use cases'
    record(engine, caller, action, ...)."""
    found: set[tuple[str, str]] = set()
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in SKIP:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            fn = node.func
            name = fn.attr if isinstance(fn, ast.Attribute) else getattr(fn, "id", "")
            owner = (
                fn.value.id
                if isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name)
                else ""
            )
            if name not in ("record", "_record"):
                continue
            literals = [
                a.value
                for a in node.args[:3]
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            if owner == "audit" and len(node.args) >= 3:
                literals = [literals[-1]] if literals else []
            for value in literals[:1]:
                found.add((str(rel), value))
    return found


def test_the_scan_finds_the_writes_it_is_meant_to_check():
    actions = {a for _f, a in _written_actions()}
    assert {"login", "logout", "feedback.submit", "users.create"} <= actions
    assert "reports.export" in actions and "access.denied" in actions


def test_every_audited_action_is_a_policy_action_or_a_listed_event():
    vocabulary = set(policy.ACTIONS) | policy.EVENTS
    stray = {(f, a) for f, a in _written_actions() if a not in vocabulary}
    assert stray == set()


def test_use_cases_audit_under_their_policy_action():
    source = (ROOT / "usecases" / "alerts.py").read_text(encoding="utf-8")
    assert "policy.ALERTS_ACK" in source and "policy.ALERTS_RULES" in source
    assert {policy.ALERTS_ACK, policy.ALERTS_RULES} <= set(policy.ACTIONS)


def test_old_audit_names_map_to_policy_actions_and_every_action_has_a_label():
    assert set(audit.RENAMED.values()) <= set(policy.ACTIONS)
    assert not set(audit.RENAMED) & (set(policy.ACTIONS) | policy.EVENTS)
    written = {audit.canonical(a) for _f, a in _written_actions()}
    unlabelled = {a for a in written if f"audit.action.{a}" not in T}
    assert unlabelled == set()
