"""Every table exports what the user filtered: /api/v1/exports/<table>.<fmt> gives
the rows the page shows under its filters and the reader's scope, as CSV (UTF-8 with
a BOM) or a workbook (numbers and dates as such), audited, on both databases."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from store import alerting, audit, runtime, writes
from store.writes import Row, now_ms
from tests.helpers import dash_callbacks, dash_post, sensor_row, session_client

AIR = "aq-kinh-bac-01"
NOISE = "noise-tu-son-01"


@pytest.fixture
def store(engine):
    """An air station in alarm (an environment alert) and a noise meter over its
    limit (a living alert) in another region; a press item whose title would be a
    formula in Excel."""
    writes.sync_sensors(
        engine,
        [
            sensor_row(AIR, period_s=600),
            sensor_row(
                NOISE,
                kind="noise",
                name="Ồn Từ Sơn",
                name_en="Tu Son noise",
                area="dong-nguyen",
                region="tu-son",
                unit="dBA",
                metrics=["laeq"],
                thresholds={"laeq": {"warn": 70, "alarm": 80}},
                period_s=600,
            ),
        ],
    )
    now = now_ms()
    writes.write_batch(
        engine,
        [Row(AIR, "pm25", now - 1000, 180.0), Row(NOISE, "laeq", now - 1000, 95.0)],
    )
    alerting.evaluate(engine)
    writes.upsert_press_items(
        engine,
        [
            {
                "guid": "g1",
                "source": "Báo Bắc Ninh",
                "title": '=HYPERLINK("http://x")',
                "link": "https://baobacninh.vn/a",
                "summary": "",
                "category": "Thời sự",
                "published_ms": now - 60_000,
                "fetched_ms": now,
            }
        ],
    )
    runtime.set_engine(engine)
    import app  # noqa: F401 - registers the routes

    yield engine
    runtime.set_engine(None)


def _csv(resp) -> list[list[str]]:
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    body = resp.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_sensors_csv_holds_the_filtered_rows_in_vietnamese(store):
    client = session_client(store, ("duty_officer",))
    rows = _csv(client.get("/api/v1/exports/sensors.csv?kind=noise"))
    assert rows[0][:3] == ["Mã", "Tên", "Loại"]
    assert [r[0] for r in rows[1:]] == [NOISE]
    assert rows[1][1] == "Ồn Từ Sơn"
    every = _csv(client.get("/api/v1/exports/sensors.csv"))
    assert {r[0] for r in every[1:]} == {AIR, NOISE}
    english = _csv(client.get("/api/v1/exports/sensors.csv?kind=air&lang=en"))
    assert english[0][:3] == ["ID", "Name", "Kind"]


def test_alerts_workbook_has_numbers_and_dates(store):
    client = session_client(store, ("duty_officer",))
    resp = client.get("/api/v1/exports/alerts.xlsx?state=open")
    assert resp.status_code == 200
    assert 'filename="ioc-alerts.xlsx"' in resp.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.get_data())).active
    header = [c.value for c in ws[1]]
    assert header[:2] == ["Mã", "Mức độ"] and ws.freeze_panes == "A2"
    values = {row[3]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    air = values["Trạm Kinh Bắc"]
    assert isinstance(air[0], int | float) and air[6] == 180.0
    assert isinstance(air[9], datetime)  # raised, a real date
    assert len(values) == 2


def test_staff_export_only_their_domain_and_pages(store):
    env = session_client(store, ("staff",), ("environment",))
    rows = _csv(env.get("/api/v1/exports/alerts.csv"))
    assert [r[3] for r in rows[1:]] == ["Trạm Kinh Bắc"]
    sensors = _csv(env.get("/api/v1/exports/sensors.csv"))
    assert [r[0] for r in sensors[1:]] == [AIR]  # not the living domain's noise meter
    governance = session_client(store, ("staff",), ("governance",))
    assert governance.get("/api/v1/exports/sensors.csv").status_code == 403
    refused = audit.entries(store, action="access.denied")
    assert "reports.export" in set(refused["target"])


def test_an_area_scoped_reader_exports_its_area_only(store):
    client = session_client(
        store, ("staff",), ("environment", "living"), areas=("tu-son",)
    )
    rows = _csv(client.get("/api/v1/exports/sensors.csv"))
    assert [r[0] for r in rows[1:]] == [NOISE]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/exports/sensors.csv?kind=smell",
        "/api/v1/exports/alerts.csv?state=%3Cscript%3E",
        "/api/v1/exports/secrets.csv",
        "/api/v1/exports/sensors.pdf",
        "/api/v1/exports/sensors.csv?lang=fr",
    ],
)
def test_bad_tables_formats_and_filters_are_a_400(store, path):
    client = session_client(store, ("duty_officer",))
    resp = client.get(path)
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"]


def test_press_export_keeps_text_as_text_and_is_audited(store):
    client = session_client(store, ("leader",))
    rows = _csv(client.get("/api/v1/exports/press.csv"))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'  # never a formula
    trail = audit.entries(store, action="reports.export")
    assert "press" in set(trail["target"])
    assert set(trail["outcome"]) == {"ok"}


def test_the_download_links_follow_the_filters(store):
    client = session_client(store, ("duty_officer",))
    key = next(k for k in dash_callbacks() if "sensors-export-csv.href" in k)
    resp = dash_post(
        client,
        key,
        inputs=[
            {"id": "sensors-kind", "property": "value", "value": "noise"},
            {"id": "sensors-district", "property": "value", "value": "tu-son"},
            {"id": "sensors-state", "property": "value", "value": "bogus"},
        ],
        changed=["sensors-kind.value"],
    )
    assert resp.status_code == 200
    hrefs = resp.get_json()["response"]["sensors-export-csv"]["href"]
    assert hrefs == "/api/v1/exports/sensors.csv?kind=noise&district=tu-son&lang=vi"
