"""The simulated press: an RSS 2.0 feed of local news set in the profile's wards, a
new item every five minutes, deterministic from the seed and the clock.

    GET /press/rss.xml                 RSS 2.0, the 20 latest items
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from simulators.systems.answer import Answer

if TYPE_CHECKING:
    from simulators.systems.server import SystemsServer

PRESS_EVERY_S = 300  # a new press item every five minutes
PRESS_ITEMS = 20
SIMULATED_NOTE = "Tin mô phỏng phục vụ thử nghiệm."

# (category, headline); {place} is a ward or commune, {Place} the same capitalised.
PRESS_TEMPLATES = (
    ("Thời sự", "{Place} hoàn thành nâng cấp tuyến đường trước kế hoạch"),
    ("Môi trường", "Chất lượng không khí tại {place} được cải thiện sau đợt ra quân"),
    ("Môi trường", "Ra quân thu gom rác thải, khơi thông cống rãnh tại {place}"),
    ("Kinh tế", "Doanh nghiệp FDI tại {place} mở rộng sản xuất, tuyển thêm lao động"),
    ("Kinh tế", "{Place} thu hút thêm dự án đầu tư vào cụm công nghiệp"),
    ("Xã hội", "{Place} tổ chức tiếp công dân định kỳ, giải quyết kiến nghị tồn đọng"),
    ("Giao thông", "Phân luồng giao thông khu vực {place} phục vụ thi công cầu vượt"),
    ("Giao thông", "Lắp đặt thêm camera giám sát giao thông tại {place}"),
    (
        "Chuyển đổi số",
        "{Place} đẩy mạnh thanh toán không dùng tiền mặt tại chợ truyền thống",
    ),
    ("Chuyển đổi số", "Người dân {place} làm thủ tục hành chính trực tuyến toàn trình"),
    ("Thời tiết", "Cảnh báo mưa lớn, nguy cơ ngập úng cục bộ tại {place}"),
    ("Y tế", "Trạm y tế {place} khám sức khỏe miễn phí cho người cao tuổi"),
    ("Giáo dục", "{Place} khánh thành trường mầm non mới đạt chuẩn quốc gia"),
    ("Văn hóa", "Lễ hội truyền thống tại {place} thu hút đông đảo du khách"),
    ("An ninh", "Công an {place} ra mắt mô hình camera an ninh khu dân cư"),
)


def place(name: str, first: bool) -> str:
    """'Phường Kinh Bắc' opens a sentence; mid-sentence Vietnamese writes 'phường'."""
    return name if first else name[:1].lower() + name[1:]


def rss(server: SystemsServer, now: float, count: int = PRESS_ITEMS) -> bytes:
    """The feed at ``now``: the ``count`` latest items, one per PRESS_EVERY_S slot."""
    last = int(now // PRESS_EVERY_S)
    items = []
    for n in range(last, last - count, -1):
        rng = random.Random(f"{server.seed}-press-{n}")
        category, template = rng.choice(PRESS_TEMPLATES)
        ward = rng.choice(server.wards)
        title = template.format(
            place=place(ward.name, False), Place=place(ward.name, True)
        )
        published = datetime.fromtimestamp(n * PRESS_EVERY_S, UTC)
        region = server.profile.areas.get(server.profile.region_of(ward.code))
        where = f"{ward.name}, {region.name}" if region else ward.name
        items.append(
            "<item>"
            f"<title>{escape(title)}</title>"
            f"<link>https://bao.example.vn/tin/{n}.html</link>"
            f'<guid isPermaLink="false">{escape(server.profile.code)}-press-{n}</guid>'
            f"<pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{escape(f'{title} ({where}). {SIMULATED_NOTE}')}"
            "</description>"
            f"<category>{escape(category)}</category>"
            "</item>"
        )
    built = format_datetime(datetime.fromtimestamp(last * PRESS_EVERY_S, UTC))
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0"><channel>'
        f"<title>{escape(f'Báo {server.profile.name} (mô phỏng)')}</title>"
        "<link>https://bao.example.vn/</link>"
        f"<description>{escape(f'Tin địa phương tỉnh {server.profile.name}')}"
        "</description>"
        "<language>vi</language>"
        f"<lastBuildDate>{built}</lastBuildDate>" + "".join(items) + "</channel></rss>"
    )
    return doc.encode("utf-8")


def feed(server: SystemsServer, now: float, query: dict[str, list[str]]) -> Answer:
    return Answer(200, "application/rss+xml; charset=utf-8", rss(server, now))


ROUTES = {"/press/rss.xml": feed}
