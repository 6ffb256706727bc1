"""Reports end to end on SQLite and PostgreSQL: the PDF read back (exact Vietnamese,
the dashboard's figures, pages that render with every glyph), the workbook (numbers
and dates as such), the CSV (UTF-8 with a BOM), the scheduled briefing made once by
two racing schedulers, and the scope rules of the API and the downloads."""

from __future__ import annotations

import csv
import io
import subprocess
import threading
from datetime import datetime, timedelta

import pytest
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from i18n import TZ, fmt_number
from reports import build, fonts, periods, scheduled
from store import alerting, audit, kpis, runtime, writes
from store import reports as store_reports
from store.db import make_engine
from store.reports import RunSpec
from store.schema import ReportRun
from store.writes import Row, now_ms
from tests.helpers import api_client, sensor_row

DAY_MS = 86_400_000
STATION = "aq-kinh-bac-01"


def _yesterday() -> periods.Period:
    return periods.make("day", periods.today(now_ms()) - timedelta(days=1))


@pytest.fixture
def filled(engine):
    """An air station with a reading every 10 minutes over the last 3 days, the
    last one over its alarm level (an open alert raised now)."""
    writes.sync_sensors(engine, [sensor_row(STATION, period_s=600)])
    now = now_ms()
    rows = [
        Row(STATION, "pm25", now - i * 600_000, 20.0 + (i % 37))
        for i in range(1, 3 * 144)
    ]
    rows.append(Row(STATION, "pm25", now - 1000, 180.0))
    writes.write_batch(engine, rows)
    alerting.evaluate(engine)
    runtime.set_engine(engine)
    yield engine
    runtime.set_engine(None)


def _files(engine, period: periods.Period, formats=("pdf", "xlsx", "csv"), lang="vi"):
    spec = RunSpec(
        ("environment", "living", "economy"),
        (),
        period.kind,
        period.start_ms,
        period.end_ms,
        lang,
        formats,
    )
    run_id = store_reports.create_run(engine, spec, "page", "Nguyễn Văn An")
    assert build.execute(engine, run_id) == "done"
    return {f: store_reports.file(engine, run_id, f)[1] for f in formats}


def test_pdf_has_the_vietnamese_text_exactly_and_the_dashboards_figure(filled):
    day = _yesterday()
    pdf = _files(filled, day, ("pdf",))["pdf"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    for phrase in (
        "Báo cáo tổng hợp",
        "Trung tâm Điều hành thông minh (IOC)",
        "Môi trường thông minh",
        "Cuộc sống thông minh",
        "Bụi mịn PM2.5 trung bình",
        "Chưa kết nối nguồn dữ liệu",
        f"Ngày {day.first:%d/%m/%Y}",
        "Nguyễn Văn An",
        "Trang 1/",
    ):
        assert phrase in text, phrase
    # The overview tile's 7-day trend has yesterday's daily mean: the same figure.
    trend = kpis.kpi(filled, "environment").trend
    point = trend[trend["ts"] == day.start_ms]["value"]
    assert len(point) == 1
    assert f"{fmt_number(float(point.iloc[0]), 'vi', 1)} µg/m³" in text


def test_pdf_pages_render_and_the_embedded_font_has_every_character(filled, tmp_path):
    pdf = _files(filled, periods.make("day", periods.today(now_ms())), ("pdf",))["pdf"]
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(path), str(tmp_path / "page")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == len(reader.pages) >= 3
    assert all(p.stat().st_size > 1000 for p in pngs)
    fonts_used = {
        str(f["/BaseFont"])
        for page in reader.pages
        for f in page["/Resources"]["/Font"].get_object().values()
        for f in [f.get_object()]
    }
    assert fonts_used and all("DejaVu" in f for f in fonts_used), fonts_used
    cmap = set(TTFont(fonts.ttf()).getBestCmap()) & set(
        TTFont(fonts.ttf(bold=True)).getBestCmap()
    )
    text = "".join(p.extract_text() for p in reader.pages)
    missing = {c for c in text if not c.isspace() and ord(c) not in cmap}
    assert missing == set()
    assert "Trạm Kinh Bắc" in text  # the alert raised today, in its table


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_workbook_has_numbers_as_numbers_and_dates_as_dates(filled):
    xlsx = _files(filled, periods.make("week", periods.today(now_ms())), ("xlsx",))
    wb = load_workbook(io.BytesIO(xlsx["xlsx"]))
    assert wb.sheetnames[:2] == ["Tổng hợp chỉ số", "Môi trường thông minh"]
    summary = wb["Tổng hợp chỉ số"]
    assert summary["A1"].value == "Lĩnh vực" and summary["A1"].font.b
    assert summary.freeze_panes == "A2"
    # A number, not text (a whole mean such as 38.0 reads back as the int 38).
    assert _number(summary["D2"].value)
    assert isinstance(summary["J2"].value, datetime)
    env = wb["Môi trường thông minh"]
    assert env.freeze_panes == "A2"
    assert (
        isinstance(env["A2"].value, datetime)
        and env["A2"].number_format == "DD/MM/YYYY"
    )
    assert _number(env["B2"].value)
    assert isinstance(env["E2"].value, datetime)  # the alert raised today
    # Excel keeps one kind of number: 180.0 reads back as 180, a number either way.
    assert isinstance(env["J2"].value, int | float) and env["J2"].value == 180.0
    assert env.column_dimensions["G"].width >= len("Trạm Kinh Bắc")


def test_csv_is_utf8_with_a_byte_order_mark(filled):
    data = _files(filled, _yesterday(), ("csv",))["csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Lĩnh vực", "Mục", "Thời gian"]
    kpi = next(
        r for r in rows if r[1] == "Chỉ số kỳ này" and r[0] == "Môi trường thông minh"
    )
    assert float(kpi[4]) > 0 and kpi[5] == "µg/m³"


def test_a_scheduled_briefing_lands_in_the_archive_once_with_two_schedulers(filled):
    today = periods.today(now_ms())
    seven = int(
        datetime(today.year, today.month, today.day, 7, 5, tzinfo=TZ).timestamp() * 1000
    )
    url = filled.url.render_as_string(hide_password=False)
    engines = [make_engine(url), make_engine(url)]
    barrier = threading.Barrier(2)
    claimed: list[list[int]] = []

    def scheduler(engine):
        barrier.wait()
        claimed.append(scheduled.run_due(engine, seven, make=build.execute))

    threads = [threading.Thread(target=scheduler, args=(e,)) for e in engines]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert sorted(len(c) for c in claimed) == [0, 1]  # the daily slot, once
    again = scheduled.run_due(filled, seven + 60_000, make=build.execute)
    assert again == []
    c = ReportRun.__table__.c
    with filled.connect() as conn:
        rows = conn.execute(select(c.schedule_key, c.state, c.period)).all()
    assert rows == [(f"daily:{today.isoformat()}", "done", "day")]
    for e in engines:
        e.dispose()


def test_the_weekly_slot_is_monday_and_covers_the_week_before():
    sched = {"key": "weekly", "hour": 7, "minute": 30, "weekday": 0}
    monday = datetime(2026, 11, 30, 8, 0, tzinfo=TZ)  # a Monday
    key, period = scheduled.due_slot(sched, int(monday.timestamp() * 1000))
    assert key == "weekly:2026-11-30"
    assert (period.first.isoformat(), period.last.isoformat()) == (
        "2026-11-23",
        "2026-11-29",
    )
    early = datetime(2026, 11, 30, 7, 0, tzinfo=TZ)
    assert (
        scheduled.due_slot(sched, int(early.timestamp() * 1000)) is None
    )  # last week's is too late


def test_api_briefing_gives_the_three_formats_and_audits_each(filled):
    client = api_client(filled, roles=("leader",))
    for fmt, media in (
        ("pdf", "application/pdf"),
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats"),
    ):
        r = client.get(
            f"/api/v1/reports/briefing.{fmt}?period=day&lang=en&domains=environment"
        )
        assert r.status_code == 200, r.get_data(as_text=True)
        assert r.headers["Content-Type"].startswith(media)
        disposition = r.headers["Content-Disposition"]
        assert disposition.startswith('attachment; filename="bao-cao-day-')
        assert disposition.endswith(f'.{fmt}"')
    assert r.get_data()[:2] == b"PK"
    downloads = [
        e
        for e in audit.entries(filled).to_dict("records")
        if e["action"] == "reports.export"
        and (e["detail"] or {}).get("what") == "download"
    ]
    assert len(downloads) == 3 and all(e["outcome"] == "ok" for e in downloads)


@pytest.mark.parametrize(
    "query",
    [
        "period=year",
        "period=custom&from=2026-01-01&to=2026-12-31",
        "from=25/11/2026",
        "domains=environment,nowhere",
        "lang=fr",
        "areas=../../etc",
    ],
)
def test_bad_briefing_parameters_are_a_400(filled, query):
    r = api_client(filled).get(f"/api/v1/reports/briefing.pdf?{query}")
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "bad_parameter"


def test_staff_of_one_domain_cannot_get_another_domains_report(filled):
    env = api_client(filled, roles=("staff",), domains=("environment",))
    living = api_client(filled, roles=("staff",), domains=("living",))
    r = env.get("/api/v1/reports/briefing.pdf?period=day")
    assert r.status_code == 200
    run_id = env.get("/api/v1/reports").get_json()["reports"][0]["id"]
    assert env.get(f"/api/v1/reports/{run_id}/pdf").status_code == 200
    # Another domain's staff: neither asking for it nor fetching the one made.
    assert (
        living.get("/api/v1/reports/briefing.pdf?domains=environment").status_code
        == 400
    )
    assert living.get(f"/api/v1/reports/{run_id}/pdf").status_code == 404
    assert living.get("/api/v1/reports").get_json()["count"] == 0
    # Nor a path or name of its own making.
    assert living.get(f"/api/v1/reports/{run_id}/..%2f..%2fetc").status_code == 404
    assert env.get(f"/api/v1/reports/{run_id}/exe").status_code == 400
    # A scheduled briefing of every domain is not a staff member's to read.
    today = periods.today(now_ms())
    seven = int(
        datetime(today.year, today.month, today.day, 7, 5, tzinfo=TZ).timestamp() * 1000
    )
    (sched_id,) = scheduled.run_due(filled, seven, make=build.execute)
    assert env.get(f"/api/v1/reports/{sched_id}/pdf").status_code == 404
    leader = api_client(filled, roles=("leader",))
    assert leader.get(f"/api/v1/reports/{sched_id}/pdf").status_code == 200
    refused = [
        e
        for e in audit.entries(filled).to_dict("records")
        if e["action"] == "reports.export" and e["outcome"] == "refused"
    ]
    assert len(refused) >= 3


@pytest.mark.parametrize(
    "path",
    ["/api/v1/reports/1/../../etc", "/api/v1/sensors/a/b/c", "/api/v1/reports/1/x/y"],
)
def test_an_api_path_no_route_has_is_a_json_404_not_the_apps_shell(filled, path):
    r = api_client(filled).get(path)
    assert r.status_code == 404
    assert r.get_json()["error"]["code"] == "not_found"


def test_only_admins_change_a_schedule_and_the_change_is_audited(engine):
    from store.accounts import Principal
    from usecases import Caller, UseCaseError
    from usecases import reports as report_usecases

    admin = Principal(1, "root", "Quản trị", "user", frozenset({"admin"}), frozenset())
    staff = Principal(
        2, "an", "An", "user", frozenset({"staff"}), frozenset({"environment"})
    )
    with pytest.raises(UseCaseError) as refused:
        report_usecases.update_schedule(engine, Caller(staff), "daily", {"hour": 6})
    assert refused.value.reason == "forbidden"
    with pytest.raises(UseCaseError) as bad:
        report_usecases.update_schedule(engine, Caller(admin), "daily", {"hour": 24})
    assert bad.value.reason == "invalid"
    report_usecases.update_schedule(
        engine, Caller(admin), "daily", {"hour": 6, "minute": 30, "enabled": False}
    )
    daily = next(s for s in store_reports.schedules(engine) if s["key"] == "daily")
    assert (daily["hour"], daily["minute"], daily["enabled"]) == (6, 30, False)
    assert daily["updated_by"] == "Quản trị"
    # A schedule turned off makes nothing when its time comes.
    today = periods.today(now_ms())
    at = int(datetime(today.year, today.month, today.day, 7, 0, tzinfo=TZ).timestamp())
    assert [
        r
        for r in scheduled.run_due(engine, at * 1000, make=lambda e, i: None)
        if store_reports.run(engine, r)["schedule_key"].startswith("daily")
    ] == []
    actions = audit.entries(engine, action="reports.schedule").to_dict("records")
    assert [a["outcome"] for a in actions] == ["ok"]
