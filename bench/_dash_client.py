"""A small stand-in for Dash's renderer: the callback requests a browser sends.

Bodies are built from the app's own ``/_dash-dependencies`` and the component tree
the server sends (``/_dash-layout`` for the shell, the router's answer for a page),
the way dash-renderer builds them: ``output``, ``outputs`` (lists for ALL
wildcards), ``inputs`` and ``state`` with the values the components hold (a property
the layout leaves unset is sent without ``value``, as the browser's JSON does), and
``changedPropIds``. A page's first load is the router callback, then every
server-side callback that is not ``prevent_initial_call`` and has an input on the
page, in dependency order (a callback waits for the ones whose outputs it reads, as
``refresh`` waits for ``pick_lists`` on the environment page), then the callbacks
those answers trigger. Answers are applied to the component values, so later
requests carry what a browser would hold (the alerts page's signature, the sensor
grid's rows).

Not modelled: clientside callbacks (they run in the browser; the page table says
what they would send, e.g. the sensor grid's visible rows), ``Patch`` answers (a
patched property keeps its old value here) and callbacks re-fired because a
redrawn table added wildcard components (the alerts page's buttons: those answer
``PreventUpdate`` at once).

Protocol: ``first_load`` and ``live`` are generators that yield (label, body) and
receive the decoded JSON answer (None for 204), so one renderer serves the
synchronous bench and the asyncio users.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

ROUTER = ("_pages_content", "children")
LOCATION = "_pages_location"

Key = str  # a component id as a string: plain, or sorted-key JSON of a dict id
Step = Generator[tuple[str, dict], dict | None, None]


def key_of(cid: object) -> Key:
    if isinstance(cid, dict):
        return json.dumps(cid, sort_keys=True, separators=(",", ":"))
    return str(cid)


def _split(spec: str) -> tuple[str, str]:
    cid, prop = spec.rsplit(".", 1)
    return cid, prop.split("@", 1)[0]


@dataclass
class Callback:
    output: str
    outputs: list[tuple[str, str]]
    multi: bool
    inputs: list[tuple[str, str]]
    state: list[tuple[str, str]]
    clientside: bool
    prevent_initial: bool

    @property
    def label(self) -> str:
        cid, prop = self.outputs[0]
        if cid.startswith("{"):
            cid = json.loads(cid)["type"] + "[ALL]"
        return f"{cid}.{prop}"

    @classmethod
    def from_dependency(cls, d: dict) -> Callback:
        out = d["output"]
        multi = out.startswith("..")
        specs = out[2:-2].split("...") if multi else [out]
        return cls(
            out,
            [_split(s) for s in specs],
            multi,
            [(i["id"], i["property"]) for i in d["inputs"]],
            [(s["id"], s["property"]) for s in d.get("state", [])],
            bool(d.get("clientside_function")),
            bool(d.get("prevent_initial_call")),
        )


@dataclass
class Renderer:
    """Component values of one browser tab and the app's callbacks."""

    callbacks: list[Callback]
    shell: dict[Key, dict]
    ids: dict[Key, object] = field(default_factory=dict)
    props: dict[Key, dict] = field(default_factory=dict)
    shell_ids: dict[Key, object] = field(default_factory=dict)

    @classmethod
    def from_app(cls, dependencies: list[dict], layout: dict) -> Renderer:
        r = cls([Callback.from_dependency(d) for d in dependencies], {})
        r._walk(layout)
        r.shell = copy.deepcopy(r.props)
        r.shell_ids = dict(r.ids)
        return r

    def reset(self) -> None:
        """A fresh tab: the shell's values only."""
        self.props = copy.deepcopy(self.shell)
        self.ids = dict(self.shell_ids)

    # --- the component tree ------------------------------------------------------

    def _walk(self, node: object, found: set[Key] | None = None) -> set[Key]:
        found = set() if found is None else found
        if isinstance(node, list):
            for n in node:
                self._walk(n, found)
        elif isinstance(node, dict):
            props = node.get("props")
            if "type" in node and isinstance(props, dict):
                if "id" in props:
                    k = key_of(props["id"])
                    self.ids[k] = props["id"]
                    self.props[k] = {p: v for p, v in props.items() if not _is_tree(v)}
                    found.add(k)
                for v in props.values():
                    if _is_tree(v):
                        self._walk(v, found)
        return found

    def _matches(self, spec: str) -> list[Key]:
        """Ids a dependency's id names: itself, or every id an ALL pattern fits."""
        if not spec.startswith("{"):
            return [spec] if spec in self.props else []
        pattern = json.loads(spec)
        out = []
        for k, cid in self.ids.items():
            if not isinstance(cid, dict) or set(cid) != set(pattern):
                continue
            if all(v == ["ALL"] or cid[f] == v for f, v in pattern.items()):
                out.append(k)
        return sorted(out)

    def set(self, cid: str, prop: str, value: object) -> None:
        self.props.setdefault(cid, {})[prop] = value
        self.ids.setdefault(cid, cid)

    def get(self, cid: str, prop: str, default: object = None) -> object:
        return self.props.get(cid, {}).get(prop, default)

    # --- bodies and answers ------------------------------------------------------

    def _item(self, k: Key, prop: str, with_value: bool) -> dict:
        item = {"id": self.ids[k], "property": prop}
        if with_value and prop in self.props.get(k, {}):
            item["value"] = self.props[k][prop]
        return item

    def _items(self, specs: list[tuple[str, str]], with_value: bool) -> list:
        out: list = []
        for spec, prop in specs:
            keys = self._matches(spec)
            if spec.startswith("{"):
                out.append([self._item(k, prop, with_value) for k in keys])
            else:
                out.append(
                    self._item(keys[0], prop, with_value)
                    if keys
                    else {"id": spec, "property": prop}
                )
        return out

    def body(self, cb: Callback, changed: list[str]) -> dict:
        outputs = self._items(cb.outputs, with_value=False)
        return {
            "output": cb.output,
            "outputs": outputs if cb.multi else outputs[0],
            "inputs": self._items(cb.inputs, with_value=True),
            "changedPropIds": changed,
            "state": self._items(cb.state, with_value=True),
        }

    def apply(self, answer: dict | None) -> tuple[list[str], set[Key]]:
        """Put an answer's values into the components; returns the 'id.prop' that
        changed and the ids of components it added."""
        if not answer:
            return [], set()
        changed, added = [], set()
        for cid, values in answer.get("response", {}).items():
            cid_obj = json.loads(cid) if cid.startswith("{") else cid
            k = key_of(cid_obj)
            self.ids.setdefault(k, cid_obj)
            for prop, value in values.items():
                if isinstance(value, dict) and "__dash_patch_update" in value:
                    continue
                self.props.setdefault(k, {})[prop] = value
                changed.append(f"{k}.{prop}")
                if _is_tree(value):
                    added |= self._walk(value)
        return changed, added

    def server_callbacks(self) -> list[Callback]:
        return [c for c in self.callbacks if not c.clientside]

    def _reads(self, cb: Callback, changed: set[str]) -> bool:
        return any(
            f"{k}.{prop}" in changed
            for spec, prop in cb.inputs
            for k in self._matches(spec)
        )

    def _ready(self, cb: Callback) -> bool:
        return any(self._matches(spec) for spec, _p in cb.outputs)

    # --- what a browser does -----------------------------------------------------

    def first_load(self, path: str, search: str = "") -> Step:
        """Open ``path``: the router, then the page's initial callbacks."""
        self.reset()
        self.set(LOCATION, "pathname", path)
        self.set(LOCATION, "search", search)
        router = next(c for c in self.callbacks if c.outputs[0] == ROUTER)
        changed = [f"{LOCATION}.pathname", f"{LOCATION}.search"]
        answer = yield "router", self.body(router, changed)
        _changed, page = self.apply(answer)
        pending = [
            c
            for c in self.server_callbacks()
            if not c.prevent_initial
            and self._ready(c)
            and any(k in page for spec, _p in c.inputs for k in self._matches(spec))
        ]
        done: set[int] = set()
        while pending:
            outputs = {
                f"{k}.{prop}"
                for c in pending
                for spec, prop in c.outputs
                for k in self._matches(spec)
            }
            ready = [c for c in pending if not self._reads(c, outputs)] or pending[:1]
            for cb in ready:
                pending.remove(cb)
                done.add(id(cb))
                answer = yield cb.label, self.body(cb, [])
                changed, _added = self.apply(answer)
                for c in self.server_callbacks():
                    if (
                        id(c) not in done
                        and c not in pending
                        and self._ready(c)
                        and self._reads(c, set(changed))
                    ):
                        pending.append(c)

    def live(self, trigger: tuple[str, str], value: object) -> Step:
        """``trigger`` takes ``value`` (an interval's tick, a clientside callback's
        output): every server callback reading it is called."""
        cid, prop = trigger
        self.set(cid, prop, value)
        for cb in self.server_callbacks():
            if (cid, prop) in cb.inputs:
                answer = yield cb.label, self.body(cb, [f"{cid}.{prop}"])
                self.apply(answer)


def _is_tree(v: object) -> bool:
    """A component or a list holding one (children and the like)."""
    if isinstance(v, dict):
        return "type" in v and "props" in v
    if isinstance(v, list):
        return any(_is_tree(x) for x in v)
    return False


def drive(step: Step, send: Callable[[str, dict], dict | None]) -> None:
    """Run a renderer generator with a synchronous ``send(label, body)``."""
    try:
        label, body = next(step)
        while True:
            label, body = step.send(send(label, body))
    except StopIteration:
        pass
