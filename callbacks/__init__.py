"""Every callbacks module, imported explicitly: a module nobody imports registers
nothing."""

from callbacks import data_sources, overview, press, sensors, shell  # noqa: F401
