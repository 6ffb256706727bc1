"""The developer docs name real places: every path written in backticks in docs/
exists (the worked example's new files are in italics, not backticks)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
PATH = re.compile(r"`([\w./-]+(?:\.py|\.md|/))`")


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_path_a_doc_names_exists(doc):
    named = set(PATH.findall(doc.read_text(encoding="utf-8")))
    assert named, "a doc without a single path is not a worked example"
    assert sorted(p for p in named if not (ROOT / p).exists()) == []


def test_the_readme_points_to_the_worked_example():
    assert "docs/adding-a-page.md" in (ROOT / "README.md").read_text(encoding="utf-8")
