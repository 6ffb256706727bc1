"""What a source declares, Superset ``db_engine_specs`` style: one small class per
source kind (in the source's own module) says which settings it reads, which URL it
uses when simulating and how its pollers are built from the Config.
``datasources.registry`` lists them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import config
from config import Config
from datasources.pollers import Poller


@dataclass(frozen=True)
class Setting:
    """A setting a source reads: ``env`` is its variable, ``attr`` the Config field
    that holds it once checked, ``type`` that field's Python type (a tuple:
    comma-separated values). Its default and help are config.py's (``config.SETTINGS``,
    from which the README's table is made), never a second copy."""

    env: str
    attr: str
    type: type

    @property
    def declared(self) -> config.Setting:
        return next(s for s in config.SETTINGS if s.name == self.env)

    @property
    def default(self) -> str:
        return self.declared.default

    @property
    def help(self) -> str:
        return self.declared.help


class Source(ABC):
    """A source kind. Subclasses set ``name`` (the kind, as pollers record it in
    their health), ``settings`` and, when the simulated external systems stand in for
    it, ``simulated_path`` (its path on ``simulators.systems``)."""

    name: ClassVar[str]
    settings: ClassVar[tuple[Setting, ...]] = ()
    simulated_path: ClassVar[str] = ""
    interval_s: ClassVar[float] = 60.0

    @classmethod
    def simulated_url(cls, cfg: Config) -> str:
        """Where the simulated system answers for this source ('' if none does)."""
        if not cls.simulated_path:
            return ""
        return f"http://127.0.0.1:{cfg.sim_http_port}{cls.simulated_path}"

    @classmethod
    def urls(cls, cfg: Config, configured: Sequence[str]) -> list[str]:
        """The configured URLs; when there are none and the system simulates, the
        simulated one (real sources only when IOC_SIMULATE=0)."""
        urls = [u for u in configured if u]
        if not urls and cfg.simulate and cls.simulated_url(cfg):
            urls = [cls.simulated_url(cfg)]
        return urls

    @classmethod
    @abstractmethod
    def build(cls, cfg: Config) -> list[Poller]:
        """This source's pollers under ``cfg`` (none when it is not configured)."""
