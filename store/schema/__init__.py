"""Tables of the store (SQLAlchemy 2.0 typed ORM).

Times are epoch milliseconds UTC in BIGINT columns: bucketing (ts - ts % step) is the
same integer arithmetic on SQLite and PostgreSQL, rows stay small, and the readings'
primary key (sensor_id, metric, ts) is the index every time-series query walks.

One module per area (readings, sources, press, feedback, alerts, accounts, audit,
reports),
all imported here so that ``Base.metadata`` holds every table and ``from store.schema
import X`` keeps working; a new area adds its module and its line below.
"""

from store.schema.accounts import ApiKey, LoginAttempt, User, WebSession
from store.schema.alerts import (
    ALERT_SUBJECT_KINDS,
    SUBJECT_KIND_CHECK,
    Alert,
    AlertRule,
)
from store.schema.audit import AuditEntry
from store.schema.base import Base
from store.schema.feedback import CitizenReport
from store.schema.press import PressItem
from store.schema.readings import (
    LatestValue,
    Reading,
    ReadingCorrection,
    Rollup1h,
    Rollup1m,
    Sensor,
)
from store.schema.reports import ReportFile, ReportRun, ReportSchedule
from store.schema.sources import DeadLetter, DeadLetterMinute, Lease, SourceHealth

__all__ = [
    "Base",
    "Sensor",
    "Reading",
    "Rollup1m",
    "Rollup1h",
    "LatestValue",
    "ReadingCorrection",
    "SourceHealth",
    "DeadLetter",
    "DeadLetterMinute",
    "Lease",
    "PressItem",
    "CitizenReport",
    "ALERT_SUBJECT_KINDS",
    "SUBJECT_KIND_CHECK",
    "AlertRule",
    "Alert",
    "User",
    "WebSession",
    "ApiKey",
    "LoginAttempt",
    "AuditEntry",
    "ReportRun",
    "ReportFile",
    "ReportSchedule",
]
