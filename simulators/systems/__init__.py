"""Simulated external systems over HTTP, speaking the real formats: an RSS 2.0 press
feed (``press``) and an Open311 GeoReport v2 endpoint of citizens' reports
(``open311``), set in the profile's wards. New items appear over time,
deterministically from the seed and the clock. Each system is one module with its
routes; ``ROUTES`` is the server's table of them all.

``server.faults`` makes a path misbehave for fault tests: ``{"/press": "timeout"}``
(answers after ``server.timeout_s``), ``"500"`` or ``"garbage"``, by path prefix.

    python -m simulators.systems --port 8061
"""

from __future__ import annotations

import argparse
import logging
import threading
from pathlib import Path

import province
from simulators.systems import open311, press
from simulators.systems.open311 import requests_json, services_json
from simulators.systems.press import rss
from simulators.systems.server import FAULTS, Route, SystemsServer
from simulators.systems.server import start_systems_server as _start

__all__ = [
    "FAULTS",
    "ROUTES",
    "SystemsServer",
    "main",
    "requests_json",
    "rss",
    "services_json",
    "start_systems_server",
]
DEFAULT_PROFILE = Path(__file__).resolve().parents[2] / "profiles" / "bac-ninh.json"

ROUTES: dict[str, Route] = {**press.ROUTES, **open311.ROUTES}


def start_systems_server(
    host: str, port: int, profile: province.Profile, seed: int
) -> tuple[SystemsServer, threading.Thread]:
    """Serve every system of ``ROUTES`` in a daemon thread; port 0 picks a free port
    (read it from ``server.server_address``). ``server.shutdown()`` stops and closes
    it."""
    return _start(host, port, profile, seed, ROUTES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Simulated RSS and Open311 systems")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8061)
    parser.add_argument("--profile", default=str(DEFAULT_PROFILE))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    profile = province.load_profile(args.profile)
    server, thread = start_systems_server(args.host, args.port, profile, args.seed)
    try:
        thread.join()
    except KeyboardInterrupt:
        server.shutdown()
    return 0
