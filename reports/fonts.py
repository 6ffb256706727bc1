"""The fonts of the PDF and its charts: DejaVu Sans, which covers Vietnamese (Latin
Extended Additional), from the installed matplotlib package (requirements.txt), so
that every machine that runs the app has the very same files and nothing is fetched
or read from the system's fonts."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib

FAMILY = "DejaVu Sans"


@cache
def ttf(bold: bool = False) -> Path:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name
    if not path.is_file():  # a broken install: say which file, do not fall back
        raise FileNotFoundError(f"report font missing: {path}")
    return path
