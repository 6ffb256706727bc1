"""Dash ``Patch`` operations applied to a figure dict the way the browser applies them,
so a test can replay a tick's patches onto what the browser holds."""

from __future__ import annotations


def _location(loc: list, target: object) -> list:
    """Negative list indices made positive, as dash-renderer's getLocationPath does."""
    out, node = [], target
    for key in loc:
        if isinstance(key, int) and key < 0:
            key = len(node) + key
        out.append(key)
        node = node[key] if isinstance(node, list) else node.get(key, {})
    return out


def apply(patch: object, figure: dict) -> None:
    """Dash's Patch operations used by the live charts (Assign, Extend, Delete),
    applied in place the way dash-renderer's patchHandlers apply them."""
    ops = patch.to_plotly_json()["operations"]
    for op in ops:
        loc = _location(op["location"], figure)
        *parents, last = loc
        node = figure
        for key in parents:
            node = node[key] if isinstance(node, list) else node.setdefault(key, {})
        name = op["operation"]
        if name == "Assign":
            node[last] = op["params"]["value"]
        elif name == "Extend":
            node[last] = list(node[last]) + list(op["params"]["value"])
        elif name == "Delete":
            del node[last]
        else:  # pragma: no cover - the live charts use no other operation
            raise AssertionError(f"unexpected Patch operation {name}")
