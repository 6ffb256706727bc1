"""Parse one syslog line as firewalls and IDS send it: RFC 5424, or RFC 3164 (BSD).

A pure function, no I/O: ``parse_syslog`` returns a frozen ``SyslogMessage`` or raises
``SyslogError`` with a reason code, never anything else, whatever the bytes.

- RFC 5424: ``<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]``, each header
  field ``-`` or printable US-ASCII within the RFC's length; structured data with the
  escapes of section 6.3.3 (``\\"``, ``\\\\``, ``\\]``; any other backslash is kept as
  it is); a BOM before MSG means UTF-8, which must then be valid.
- RFC 3164: ``<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: CONTENT``. The timestamp has no
  year and no zone: it is read in ``tz`` (Asia/Ho_Chi_Minh unless told) and given the
  latest year that puts it no more than a day after ``now``. ``Mmm dd yyyy hh:mm:ss``
  and an RFC 3339 timestamp after the PRI (rsyslog's forwarding format) are accepted
  as well. Without a valid timestamp the rest is the message, as section 4.3.2 says a
  relay reads it.
  A host token ending in ``:`` or holding ``[`` is a tag: the device sent no host.
- A line longer than 8 KiB is refused (RFC 5424 asks receivers for 2 KiB at least);
  one trailing LF or CRLF (line framing) is dropped. A PRI is required: the RFC 3164
  relay's default ``<13>`` would hide a sender's fault. Message text that is not
  UTF-8 and carries no BOM is decoded with U+FFFD for the bad bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

MAX_LENGTH = 8192
MAX_HOSTNAME = 255
MAX_APP_NAME = 48
MAX_PROCID = 128
MAX_MSGID = 32
MAX_SD_NAME = 32
BOM = b"\xef\xbb\xbf"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
FUTURE_SLACK = timedelta(days=1)

FACILITIES = (
    "kern",
    "user",
    "mail",
    "daemon",
    "auth",
    "syslog",
    "lpr",
    "news",
    "uucp",
    "cron",
    "authpriv",
    "ftp",
    "ntp",
    "security",
    "console",
    "solaris-cron",
) + tuple(f"local{i}" for i in range(8))
SEVERITIES = ("emerg", "alert", "crit", "err", "warning", "notice", "info", "debug")

CODES = frozenset(
    {
        "empty",
        "too_long",
        "bad_encoding",
        "bad_pri",
        "bad_version",
        "bad_timestamp",
        "bad_header",
        "field_too_long",
        "bad_structured_data",
        "duplicate_sd_id",
        "bad_utf8",
    }
)

_PRI = re.compile(rb"<([0-9]{1,3})>")
_VERSION = re.compile(rb"([1-9][0-9]{0,2}) ")
_RFC3339 = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.([0-9]{1,6}))?(Z|[+-][0-9]{2}:[0-9]{2})"
)
_MONTHS = ("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec").split()
_BSD_TS = re.compile(
    r"(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ 0-9]?[0-9]) "
    r"(?:([0-9]{4}) )?([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,6}))?(?= |$)"
)
# A tag: printable ASCII up to ':' or '[', then an optional [pid], then ':'.
_TAG = re.compile(
    r"([!-9;-Z\\^-~]{1,%d})(?:\[([!-Z\\^-~]{1,%d})\])?:(?: |$)"
    % (MAX_APP_NAME, MAX_PROCID)
)


class SyslogError(ValueError):
    """A line that is not syslog: ``code`` (one of ``CODES``) and a short detail."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class SDElement:
    """One structured-data element: its SD-ID and its parameters in order (a name may
    repeat, RFC 5424 section 6.3.3)."""

    id: str
    params: tuple[tuple[str, str], ...] = ()

    def get(self, name: str, default: str | None = None) -> str | None:
        return next((v for k, v in self.params if k == name), default)


@dataclass(frozen=True)
class SyslogMessage:
    format: str  # "rfc5424" or "rfc3164"
    facility: int
    severity: int
    timestamp: datetime | None  # aware; None for "-" or a BSD line without one
    hostname: str | None
    app_name: str | None
    procid: str | None
    msgid: str | None
    structured_data: tuple[SDElement, ...]
    message: str

    @property
    def facility_name(self) -> str:
        return FACILITIES[self.facility]

    @property
    def severity_name(self) -> str:
        return SEVERITIES[self.severity]

    def sd(self, sd_id: str) -> SDElement | None:
        return next((e for e in self.structured_data if e.id == sd_id), None)


def parse_syslog(
    line: bytes | str, now: datetime | None = None, tz: tzinfo = LOCAL_TZ
) -> SyslogMessage:
    """Parse one syslog line (one datagram or one framed message).

    ``now`` (aware; default the current time) and ``tz`` only serve RFC 3164's
    timestamps, which lack a year and a zone."""
    if now is not None and now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    data = _as_bytes(line)
    if len(data) > MAX_LENGTH + 2:
        raise SyslogError("too_long", f"{len(data)} bytes, at most {MAX_LENGTH}")
    if data.endswith(b"\r\n"):
        data = data[:-2]
    elif data.endswith(b"\n"):
        data = data[:-1]
    if not data:
        raise SyslogError("empty", "no bytes")
    if len(data) > MAX_LENGTH:
        raise SyslogError("too_long", f"{len(data)} bytes, at most {MAX_LENGTH}")
    m = _PRI.match(data)
    if not m:
        raise SyslogError("bad_pri", f"no <PRI> at the start: {_show(data[:12])}")
    pri = int(m.group(1))
    if pri > 191:
        raise SyslogError("bad_pri", f"PRI {pri} above 191")
    facility, severity = divmod(pri, 8)
    rest = data[m.end() :]
    v = _VERSION.match(rest)
    if v:
        if v.group(1) != b"1":
            raise SyslogError("bad_version", f"version {v.group(1).decode()}")
        return _parse_5424(facility, severity, rest[v.end() :])
    return _parse_3164(facility, severity, rest, now, tz)


# -- RFC 5424 --------------------------------------------------------------------------


def _parse_5424(facility: int, severity: int, data: bytes) -> SyslogMessage:
    fields = data.split(b" ", 5)
    if len(fields) < 6:
        raise SyslogError("bad_header", "fewer than six header fields after VERSION")
    ts_raw, host, app, procid, msgid, rest = fields
    timestamp = None if ts_raw == b"-" else _rfc3339(_ascii(ts_raw, "TIMESTAMP"))
    hostname = _field(host, "HOSTNAME", MAX_HOSTNAME)
    app_name = _field(app, "APP-NAME", MAX_APP_NAME)
    proc = _field(procid, "PROCID", MAX_PROCID)
    msg_id = _field(msgid, "MSGID", MAX_MSGID)
    sd, pos = _structured_data(rest)
    if pos == len(rest):
        message = ""
    elif rest[pos : pos + 1] == b" ":
        message = _message(rest[pos + 1 :])
    else:
        raise SyslogError(
            "bad_structured_data", f"no space after it: {_show(rest[pos:])}"
        )
    return SyslogMessage(
        "rfc5424",
        facility,
        severity,
        timestamp,
        hostname,
        app_name,
        proc,
        msg_id,
        sd,
        message,
    )


def _field(raw: bytes, name: str, limit: int) -> str | None:
    if raw == b"-":
        return None
    text = _ascii(raw, name)
    if len(text) > limit:
        raise SyslogError("field_too_long", f"{name} of {len(text)} > {limit}")
    return text


def _ascii(raw: bytes, name: str) -> str:
    """A header field: one or more printable US-ASCII characters (33..126)."""
    if not raw or any(b < 33 or b > 126 for b in raw):
        raise SyslogError("bad_header", f"{name} {_show(raw)} is not printable ASCII")
    return raw.decode("ascii")


def _rfc3339(text: str) -> datetime:
    """An RFC 5424 TIMESTAMP: RFC 3339 with upper-case T and Z, at most six digits
    of fraction, no leap second (section 6.2.3)."""
    m = _RFC3339.fullmatch(text)
    if not m:
        raise SyslogError("bad_timestamp", f"not RFC 3339: {text[:40]!r}")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    frac, offset = m.group(7), m.group(8)
    if offset == "Z":
        zone: tzinfo = UTC
    else:
        oh, om = int(offset[1:3]), int(offset[4:6])
        if oh > 23 or om > 59:
            raise SyslogError("bad_timestamp", f"offset {offset}")
        delta = timedelta(hours=oh, minutes=om)
        zone = timezone(-delta if offset[0] == "-" else delta)
    micro = int((frac or "0").ljust(6, "0"))
    try:
        return datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
    except ValueError as exc:  # month 13, 31 April, second 60 ...
        raise SyslogError("bad_timestamp", f"{text[:40]!r}: {exc}") from None


def _structured_data(data: bytes) -> tuple[tuple[SDElement, ...], int]:
    """The STRUCTURED-DATA at the start of ``data``, and where it ends."""
    if data.startswith(b"-"):
        return (), 1
    if not data.startswith(b"["):
        raise SyslogError("bad_structured_data", f"neither - nor [: {_show(data)}")
    elements: list[SDElement] = []
    seen: set[str] = set()
    pos = 0
    while data[pos : pos + 1] == b"[":
        sd_id, pos = _sd_name(data, pos + 1, "SD-ID")
        params: list[tuple[str, str]] = []
        while True:
            c = data[pos : pos + 1]
            if c == b"]":
                pos += 1
                break
            if c != b" ":
                raise SyslogError(
                    "bad_structured_data", f"in [{sd_id}: {_show(data[pos:])}"
                )
            name, pos = _sd_name(data, pos + 1, "PARAM-NAME")
            if data[pos : pos + 2] != b'="':
                raise SyslogError("bad_structured_data", f'{sd_id} {name}: no ="value"')
            value, pos = _param_value(data, pos + 2, sd_id, name)
            params.append((name, value))
        if sd_id in seen:
            raise SyslogError("duplicate_sd_id", f"{sd_id} twice")
        seen.add(sd_id)
        elements.append(SDElement(sd_id, tuple(params)))
    return tuple(elements), pos


def _sd_name(data: bytes, pos: int, what: str) -> tuple[str, int]:
    """An SD-NAME: 1 to 32 printable US-ASCII except '=', space, ']' and '"'."""
    end = pos
    while end < len(data) and 33 <= data[end] <= 126 and data[end] not in b'=]"':
        end += 1
    name = data[pos:end]
    if not name:
        raise SyslogError("bad_structured_data", f"empty {what}: {_show(data[pos:])}")
    if len(name) > MAX_SD_NAME:
        raise SyslogError("field_too_long", f"{what} of {len(name)} > {MAX_SD_NAME}")
    return name.decode("ascii"), end


def _param_value(data: bytes, pos: int, sd_id: str, name: str) -> tuple[str, int]:
    """A PARAM-VALUE up to its closing quote, unescaped (section 6.3.3)."""
    out = bytearray()
    n = len(data)
    while pos < n:
        c = data[pos]
        if c == 0x22:  # '"'
            try:
                return out.decode("utf-8"), pos + 1
            except UnicodeDecodeError as exc:
                raise SyslogError("bad_utf8", f"{sd_id} {name}: {exc}") from None
        if c == 0x5C and pos + 1 < n and data[pos + 1] in b'"\\]':
            out.append(data[pos + 1])
            pos += 2
            continue
        out.append(c)  # any other backslash stays, and so does what follows it
        pos += 1
    raise SyslogError("bad_structured_data", f"{sd_id} {name}: value not closed")


def _message(raw: bytes) -> str:
    if raw.startswith(BOM):
        try:
            return raw[len(BOM) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SyslogError("bad_utf8", f"MSG after a BOM: {exc}") from None
    return raw.decode("utf-8", errors="replace")


# -- RFC 3164 --------------------------------------------------------------------------


def _parse_3164(
    facility: int, severity: int, data: bytes, now: datetime | None, tz: tzinfo
) -> SyslogMessage:
    text = _message(data)
    timestamp: datetime | None = None
    hostname: str | None = None
    end = 0
    m = _BSD_TS.match(text)
    head = text.split(" ", 1)[0]
    if m:
        timestamp, end = _bsd_time(m, now or datetime.now(UTC), tz), m.end()
    elif _RFC3339.fullmatch(head):
        timestamp, end = _rfc3339(head), len(head)
    if timestamp is not None:
        text = text[end + 1 :]
        host, _sep, after = text.partition(" ")
        # No host but a tag ("su:", "sshd[42]:"), or no host name at all.
        if _is_hostname(host) and not host.endswith(":") and "[" not in host:
            hostname, text = host, after
    app_name = procid = None
    tag = _TAG.match(text)
    if tag:
        app_name, procid = tag.group(1), tag.group(2)
        text = text[tag.end() :]
    if text.startswith("\ufeff"):
        text = text[1:]
    return SyslogMessage(
        "rfc3164",
        facility,
        severity,
        timestamp,
        hostname,
        app_name,
        procid,
        None,
        (),
        text,
    )


def _is_hostname(token: str) -> bool:
    return 0 < len(token) <= MAX_HOSTNAME and all(33 <= ord(c) <= 126 for c in token)


def _bsd_time(m: re.Match[str], now: datetime, tz: tzinfo) -> datetime:
    month = _MONTHS.index(m.group(1)) + 1
    day, hour, minute, second = (int(m.group(2)), *(int(g) for g in m.group(4, 5, 6)))
    micro = int((m.group(7) or "0").ljust(6, "0"))
    if hour > 23 or minute > 59 or second > 59:
        raise SyslogError("bad_timestamp", f"time {m.group(0)!r}")
    if m.group(3):
        year = int(m.group(3))
        try:
            return datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
        except ValueError as exc:
            raise SyslogError("bad_timestamp", f"{m.group(0)!r}: {exc}") from None
    # Logs tell of the past: the latest year that does not put the time in the
    # future, give or take a sender's clock running a little ahead. Eight years back
    # reach the last 29 February even across a century that is not a leap year.
    local_year = now.astimezone(tz).year
    for year in range(local_year + 1, local_year - 9, -1):
        try:
            t = datetime(year, month, day, hour, minute, second, micro, tzinfo=tz)
        except ValueError:  # 29 February of a common year, 31 April ...
            continue
        if t <= now + FUTURE_SLACK:
            return t
    raise SyslogError("bad_timestamp", f"no such day: {m.group(0)!r}")


# -- helpers ---------------------------------------------------------------------------


def _as_bytes(line: bytes | str) -> bytes:
    if isinstance(line, bytes | bytearray | memoryview):
        return bytes(line)
    if isinstance(line, str):
        try:
            return line.encode("utf-8")
        except UnicodeEncodeError as exc:  # lone surrogates
            raise SyslogError("bad_encoding", str(exc)) from None
    raise TypeError(f"a syslog line is bytes or str, not {type(line).__name__}")


def _show(raw: bytes) -> str:
    return repr(raw[:40])[2:-1]
