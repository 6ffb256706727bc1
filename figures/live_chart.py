"""Live charts: a tick sends the browser only the points that changed, as Dash
``Patch`` operations, never the whole figure.

A live chart is one or more figures (``charts``, each with a number of x axes) whose
traces each draw one series of bucketed means: x the bucket starts (figures.time_axis
strings), y the means, as ``time_axis.series_xy`` draws them. The first draw sends every
series whole and keeps, per trace, its last ``tail`` buckets with their reading counts
(the *held tail*, small enough to ride in a dcc.Store with the window it was drawn
for). A tick then reads three small windows and patches: buckets that left the window
deleted, the first (partial) bucket and the held ones re-valued when their readings
changed, new buckets appended. The series go whole again every ``redraw_every_ms``
(which catches readings later than the held tail, an outage's backlog, and bounds any
drift), after a pause longer than ``max_gap_ms``, and when the traces (the state's
``key``) or the step change.

The module knows no store and no page. A page gives:
- ``read(traces, start, end, step_s)``: one frame of the traces' buckets in
  [start, end) with the ``key_columns`` (a trace's ``key`` is its values of them),
  ts (bucket start, epoch ms), mean and count (readings in the bucket);
- ``offset_ms``: how the reader aligns its buckets (ts + offset_ms is a multiple of
  the step; the store aligns to Vietnam days);
- groups of traces, each read at its own step (a chart judged per hour next to one
  drawn per quarter-hour).

The state a page keeps (``Update.state``, JSON): key, step (the first group's), start,
end, drawn (when the series were last sent whole) and held (per group, per trace, its
held tail [[bucket start, readings], ...] or None for an empty trace). The browser
sends it back, so every part of it is checked before it is trusted.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from dash import Patch

from figures.time_axis import local_x, series_xy, x_range


@dataclass(frozen=True)
class Trace:
    chart: str  # which figure
    index: int  # the trace's place in its figure's data
    key: tuple[Hashable, ...]  # the series, as the reader's key columns name it


Frames = dict[tuple, pd.DataFrame]
Reader = Callable[[Sequence[Trace], int, int, int], pd.DataFrame]
Group = tuple[Sequence[Trace], int]  # traces read at one step (seconds)
Buckets = dict[tuple, dict[int, tuple[float | None, int]]]


@dataclass
class Update:
    """What a refresh sends: ``patches`` per chart on a live tick (None on a first
    draw: the page builds its figures from ``frames``), ``frames`` the series read
    whole (empty on a tick patched point by point) and the ``state`` to keep."""

    patches: dict[str, Patch] | None
    frames: Frames
    state: dict = field(default_factory=dict)


@dataclass(frozen=True)
class LiveChart:
    charts: dict[str, int]  # figure name -> its number of x axes (xaxis, xaxis2, ...)
    key_columns: tuple[str, ...]
    offset_ms: int = 0
    tail: int = 4
    redraw_every_ms: int = 5 * 60_000
    max_gap_ms: int = 10 * 60_000

    def update(
        self,
        read: Reader,
        groups: Sequence[Group],
        sent: object,
        key: object,
        start: int,
        end: int,
        live: bool,
    ) -> Update:
        """The figures' next step: on a ``live`` tick, patches of what changed since
        ``sent`` (or the series whole, as patches, when ``sent`` does not fit);
        otherwise the frames of a first draw. Every chart's x axes then show
        [start, end]."""
        step = groups[0][1] if groups else 0
        frames: Frames = {}
        if live and self.fits(sent, key, step, start, end):
            patches = self.patches()
            held = []
            for i, (traces, group_step) in enumerate(groups):
                was = sent["held"][i] if len(sent["held"]) == len(groups) else None
                was = was if isinstance(was, list) else []  # forged: sent whole
                held.append(
                    self.tick(
                        read,
                        traces,
                        {**sent, "held": was},
                        start,
                        end,
                        group_step,
                        patches,
                    )
                )
            drawn = sent["drawn"]
        else:
            held = []
            for traces, group_step in groups:
                part = self.frames(read, traces, start, end, group_step)
                frames.update(part)
                held.append([self.held(part.get(tr.key)) for tr in traces])
            patches = (
                self.replace([tr for g, _s in groups for tr in g], frames)
                if live
                else None
            )
            drawn = end
        if patches is not None:
            for chart, axes in self.charts.items():
                shift(patches[chart], axes, start, end)
        state = {
            "key": key,
            "step": step,
            "start": start,
            "end": end,
            "drawn": drawn,
            "held": held,
        }
        return Update(patches, frames, state)

    def patches(self) -> dict[str, Patch]:
        return {chart: Patch() for chart in self.charts}

    def frames(
        self, read: Reader, traces: Sequence[Trace], start: int, end: int, step: int
    ) -> Frames:
        """{trace key: frame with ts, mean, count} of ``traces`` in one read."""
        if not traces:
            return {}
        df = read(traces, start, end, step)
        return {
            (k if isinstance(k, tuple) else (k,)): g
            for k, g in df.groupby(list(self.key_columns))
        }

    def buckets(
        self, read: Reader, traces: Sequence[Trace], start: int, end: int, step: int
    ) -> Buckets:
        """{trace key: {bucket start: (mean, readings)}} of ``traces`` over
        [start, end), in one read: the few buckets a tick looks at."""
        df = read(traces, start, end, step)
        out: Buckets = {}
        keys = zip(*(df[c] for c in self.key_columns), strict=True)
        for k, ts, mean, count in zip(
            keys, df["ts"], df["mean"], df["count"], strict=True
        ):
            out.setdefault(k, {})[int(ts)] = (_num(mean), int(count))
        return out

    def held(self, df: pd.DataFrame | None) -> list[list[int]] | None:
        """What a trace's last ``tail`` points are: [[bucket start, readings], ...],
        None if the trace is empty."""
        if df is None or df.empty:
            return None
        last = df.iloc[-self.tail :]
        return [
            [int(ts), int(n)] for ts, n in zip(last["ts"], last["count"], strict=True)
        ]

    def fits(self, sent: object, key: object, step: int, start: int, end: int) -> bool:
        """Whether the figures hold what ``sent`` says for these traces, recently
        enough to be patched point by point (else a tick sends the series whole)."""
        return (
            isinstance(sent, dict)
            and sent.get("key") == key
            and sent.get("step") == step
            and all(isinstance(sent.get(k), int) for k in ("start", "end", "drawn"))
            and sent["start"] <= start
            and sent["end"] <= end <= sent["end"] + self.max_gap_ms
            and end - sent["drawn"] < self.redraw_every_ms
            and isinstance(sent.get("held"), list)
        )

    def replace(
        self,
        traces: Sequence[Trace],
        frames: Frames,
        patches: dict[str, Patch] | None = None,
    ) -> dict[str, Patch]:
        """Patches that set every trace's series whole."""
        patches = self.patches() if patches is None else patches
        for tr in traces:
            x, y = series_xy(frames.get(tr.key))
            patches[tr.chart]["data"][tr.index]["x"] = x
            patches[tr.chart]["data"][tr.index]["y"] = y
        return patches

    def valid_tail(self, tail: object) -> bool:
        return (
            isinstance(tail, list)
            and 0 < len(tail) <= self.tail
            and all(
                isinstance(p, list)
                and len(p) == 2
                and all(isinstance(v, int) and not isinstance(v, bool) for v in p)
                for p in tail
            )
        )

    def tick(
        self,
        read: Reader,
        traces: Sequence[Trace],
        sent: dict,
        start: int,
        end: int,
        step: int,
        patches: dict[str, Patch] | None = None,
    ) -> list:
        """Add to ``patches`` (per chart) the operations that turn the series the
        figures hold (``sent``: the previous window and each trace's held tail) into
        the series of [start, end); return the traces' new held tails.

        Three small reads in all: the head of the old and of the new window, and the
        tail from the oldest held point. A trace that is nearly empty, or whose tail
        gained a bucket between held points, is sent whole. Readings later than the
        held tail show at the next whole send (``redraw_every_ms``)."""
        patches = self.patches() if patches is None else patches
        if not traces:
            return []
        step_ms = step * 1000
        head = start - (start + self.offset_ms) % step_ms  # the new first bucket
        prev_end = sent["end"]
        held = sent["held"]
        if len(held) != len(traces) or not all(
            h is None or self.valid_tail(h) for h in held
        ):
            frames = self.frames(read, traces, start, end, step)
            self.replace(traces, frames, patches)
            return [self.held(frames.get(tr.key)) for tr in traces]
        tail_from = min(
            [prev_end - (prev_end + self.offset_ms) % step_ms]
            + [h[0][0] for h in held if h]
        )
        old_head = self.buckets(read, traces, sent["start"], head + step_ms, step)
        new_head = self.buckets(read, traces, start, head + step_ms, step)
        tail = self.buckets(read, traces, tail_from, end, step)
        out: list = []
        whole: list[int] = []
        for i, (tr, last) in enumerate(zip(traces, held, strict=True)):
            recent = tail.get(tr.key, {})
            if not last or last[0][0] <= head + step_ms:
                whole.append(i)  # empty or nearly: the head and the tail would meet
                out.append(None)
                continue
            known = {ts for ts, _n in last}
            if any(last[0][0] < ts < last[-1][0] and ts not in known for ts in recent):
                whole.append(i)  # a late reading opened a bucket between held points
                out.append(None)
                continue
            trace = patches[tr.chart]["data"][tr.index]
            before = old_head.get(tr.key, {})
            drops = sum(1 for ts in before if ts < head)
            first = None
            if head in before:
                now = new_head.get(tr.key, {}).get(head)
                if now is None:
                    drops += 1
                elif now[1] != before[head][1]:
                    first = now[0]
            for _ in range(drops):
                del trace["x"][0]
                del trace["y"][0]
            if first is not None:
                trace["y"][0] = first
            kept = []
            for j, (ts, count) in enumerate(last):
                now = recent.get(ts)
                if now is not None and now[1] != count:
                    trace["y"][j - len(last)] = now[0]  # from the end: the head moved
                    count = now[1]
                kept.append([ts, count])
            new = sorted(ts for ts in recent if ts > last[-1][0])
            if new:
                trace["x"].extend(local_x(new))
                trace["y"].extend([recent[ts][0] for ts in new])
                kept += [[ts, recent[ts][1]] for ts in new]
            out.append(kept[-self.tail :])
        if whole:
            frames = self.frames(read, [traces[i] for i in whole], start, end, step)
            for i in whole:
                tr = traces[i]
                df = frames.get(tr.key)
                out[i] = self.held(df)
                if df is None and not held[i]:
                    continue  # empty and still empty
                x, y = series_xy(df)
                patches[tr.chart]["data"][tr.index]["x"] = x
                patches[tr.chart]["data"][tr.index]["y"] = y
        return out


def shift(patch: Patch, axes: int, start: int, end: int) -> None:
    """Move the window of ``axes`` x axes (xaxis, xaxis2, ...) to [start, end]."""
    window = x_range((start, end))
    for i in range(axes):
        patch["layout"][f"xaxis{i + 1 if i else ''}"]["range"] = window


def _num(v: object) -> float | None:
    return None if pd.isna(v) else float(v)
