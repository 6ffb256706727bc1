"""Press and social-media monitoring from RSS 2.0 feeds."""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from sqlalchemy import Engine

from config import Config
from datasources.pollers import DEFAULT_DEADLINE_S, Poller, PollError, fetch_bounded
from datasources.sources import Setting, Source
from store.writes import now_ms, upsert_press_items

MAX_FEED_BYTES = 5_000_000
MIN_MS = 946_684_800_000  # 2000-01-01: older dates are feed errors
FUTURE_SLACK_MS = 86_400_000  # a clock a day ahead is still plausible
LINK_SCHEMES = ("http://", "https://")
LIMITS = {"title": 1000, "link": 2000, "summary": 4000, "category": 200, "source": 300}


class RssPoller(Poller):
    kind = "rss"
    max_bytes = MAX_FEED_BYTES

    def __init__(
        self,
        url: str,
        name: str | None = None,
        interval_s: float = 60.0,
        deadline_s: float = DEFAULT_DEADLINE_S,
    ) -> None:
        super().__init__()
        self.url = url
        self.name = name or f"rss:{url}"
        self.interval_s = interval_s
        self.deadline_s = deadline_s

    def fetch(self, client: httpx.Client, deadline: float) -> bytes:
        return fetch_bounded(client, self.url, self.max_bytes, deadline)

    def normalise(self, raw: Any) -> list[dict]:
        return parse_rss(raw, fallback_source=self.url)

    def write(self, engine: Engine, records: list[dict]) -> int:
        return upsert_press_items(engine, records)


class PressRssSource(Source):
    """One poller per feed of IOC_PRESS_FEEDS (the simulated feed when simulating)."""

    name = RssPoller.kind
    settings = (Setting("IOC_PRESS_FEEDS", "press_feeds", tuple),)
    simulated_path = "/press/rss.xml"

    @classmethod
    def build(cls, cfg: Config) -> list[Poller]:
        return [
            RssPoller(
                url,
                name=f"rss:{url}",
                interval_s=cls.interval_s,
                deadline_s=cfg.poll_deadline_s,
            )
            for url in cls.urls(cfg, cfg.press_feeds)
        ]


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def safe_link(link: str) -> str:
    """The link if it is an http(s) URL, else '' (a feed is untrusted: a
    ``javascript:`` or ``data:`` link must never reach a page as a link)."""
    return link if link.lower().startswith(LINK_SCHEMES) else ""


def parse_rss(data: bytes, fallback_source: str = "") -> list[dict]:
    """Items of an RSS 2.0 document as press_items records; PollError when it is not
    one."""
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, LookupError, ValueError) as exc:
        # LookupError: an encoding Python does not know, named in the declaration.
        raise PollError(f"not XML: {exc}") from exc
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise PollError(f"not an RSS 2.0 document (root <{root.tag}>)")
    source = _text(channel.find("title")) or fallback_source
    fetched = now_ms()
    out = []
    for item in channel.findall("item"):
        title = _text(item.find("title"))
        link = safe_link(_text(item.find("link")))
        if not title and not link:
            continue
        published = fetched
        pub = _text(item.find("pubDate"))
        if pub:
            try:
                published = int(parsedate_to_datetime(pub).timestamp() * 1000)
            except (TypeError, ValueError, OverflowError):
                published = fetched
            if not MIN_MS <= published <= fetched + FUTURE_SLACK_MS:
                published = fetched  # else it would stay on top of the list for years
        guid = (
            _text(item.find("guid"))
            or link
            or hashlib.sha256(f"{title}|{pub}".encode()).hexdigest()
        )
        out.append(
            {
                "guid": guid[:500],
                "source": source[: LIMITS["source"]],
                "title": title[: LIMITS["title"]],
                "link": link[: LIMITS["link"]],
                "summary": _text(item.find("description"))[: LIMITS["summary"]],
                "category": _text(item.find("category"))[: LIMITS["category"]],
                "published_ms": published,
                "fetched_ms": fetched,
            }
        )
    return out
