"""Every callbacks module, imported explicitly: a module nobody imports registers
nothing."""

from callbacks import (  # noqa: F401
    admin,
    alerts,
    data_sources,
    environment,
    overview,
    press,
    reports,
    sensors,
    shell,
)
