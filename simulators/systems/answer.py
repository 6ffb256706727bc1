"""What a route of the simulated systems answers."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes

    @classmethod
    def json(cls, status: int, obj: object) -> Answer:
        body = json.dumps(obj, ensure_ascii=False).encode()
        return cls(status, "application/json; charset=utf-8", body)
