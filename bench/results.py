"""What a benchmark returns (``Result``), the machine it ran on, and the results table.

A ``Result`` is one figure beside its baseline measured in the same run; the ratio is
``value / baseline``. A target is checked from ``at_least`` / ``at_most`` (on the
value) and ``ratio_at_least`` (on the ratio); ``met`` may also be set by hand.
"""

from __future__ import annotations

import os
import platform
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass
class Result:
    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    note: str = ""
    at_least: float | None = None
    at_most: float | None = None
    ratio_at_least: float | None = None
    met: bool | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline

    def target_text(self) -> str:
        if self.target:
            return self.target
        parts = []
        if self.at_least is not None:
            parts.append(f">= {_num(self.at_least)}")
        if self.at_most is not None:
            parts.append(f"<= {_num(self.at_most)}")
        if self.ratio_at_least is not None:
            parts.append(f"ratio >= {self.ratio_at_least:g}")
        return "; ".join(parts)

    def is_met(self) -> bool | None:
        """Whether every target given is met; None when there is none."""
        if self.met is not None:
            return self.met
        checks = []
        if self.at_least is not None:
            checks.append(self.value >= self.at_least)
        if self.at_most is not None:
            checks.append(self.value <= self.at_most)
        if self.ratio_at_least is not None:
            ratio = self.ratio
            checks.append(ratio is not None and ratio >= self.ratio_at_least)
        return all(checks) if checks else None


def failed(name: str, error: BaseException) -> Result:
    """The row of a benchmark that raised: the table still comes out."""
    return Result(name, float("nan"), "", met=False, note=f"FAILED: {error!r}"[:300])


def _num(x: float) -> str:
    if x != x:  # NaN
        return "-"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 1:
        return f"{x:,.2f}"
    return f"{x:.3g}"


def _version(cmd: list[str], pattern: str) -> str:
    exe = shutil.which(cmd[0]) or (f"/usr/sbin/{cmd[0]}")
    try:
        out = subprocess.run([exe, *cmd[1:]], capture_output=True, text=True, timeout=5)
    except OSError:
        return "?"
    m = re.search(pattern, out.stdout + out.stderr)
    return m.group(1) if m else "?"


def machine() -> str:
    """CPU model, cores, RAM, OS, Python and the servers' versions, on one line."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    ram = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        ram = f", {kb / 1024**2:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    os_name = platform.platform(terse=True)
    try:
        info = platform.freedesktop_os_release()
        os_name = f"{info.get('PRETTY_NAME', os_name)}, Linux {platform.release()}"
    except OSError:
        pass
    mosq = _version(["mosquitto", "-h"], r"mosquitto version (\S+)")
    pg = _version(["psql", "--version"], r"(\d+(?:\.\d+)+)")
    return (
        f"{cpu}, {os.cpu_count()} cores{ram}; {os_name}; "
        f"Python {platform.python_version()}; Mosquitto {mosq}; "
        f"PostgreSQL {pg} (client); SQLite {sqlite3.sqlite_version}"
    )


def table(results: list[Result], title: str, command: str) -> str:
    """The markdown table of ``results`` with the machine and date above it and the
    notes below."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# {title}",
        "",
        f"- Machine: {machine()}",
        f"- Date: {now}",
        f"- Command: `{command}`",
        "",
        "| figure | value | unit | baseline | baseline value | ratio | target | met? |",
        "|---|---:|---|---|---:|---:|---|---|",
    ]
    for r in results:
        ratio = r.ratio
        met = {True: "yes", False: "**no**", None: ""}[r.is_met()]
        lines.append(
            "| "
            + " | ".join(
                [
                    r.name,
                    _num(r.value),
                    r.unit,
                    r.baseline_name,
                    "" if r.baseline is None else _num(r.baseline),
                    "" if ratio is None else f"{ratio:.2f}",
                    r.target_text(),
                    met,
                ]
            )
            + " |"
        )
    notes = [f"- {r.name}: {r.note}" for r in results if r.note]
    if notes:
        lines += ["", "Notes:", "", *notes]
    return "\n".join(lines) + "\n"
