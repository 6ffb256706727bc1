"""Parsing syslog lines: RFC 5424 and RFC 3164 (BSD), as firewalls and IDS send them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from datasources.syslog import (
    BOM,
    CODES,
    LOCAL_TZ,
    MAX_APP_NAME,
    MAX_HOSTNAME,
    MAX_LENGTH,
    MAX_MSGID,
    MAX_PROCID,
    MAX_SD_NAME,
    SDElement,
    SyslogError,
    SyslogMessage,
    parse_syslog,
)

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)  # 14:00 in Bắc Ninh
ICT = timezone(timedelta(hours=7))


def code_of(line: bytes | str, **kwargs) -> str:
    with pytest.raises(SyslogError) as err:
        parse_syslog(line, now=NOW, **kwargs)
    assert err.value.code in CODES
    assert str(err.value).startswith(err.value.code + ": ")
    return err.value.code


# --- RFC 5424 section 6.5, the examples as the RFC prints them ------------------------

EVENT_SD = b'[exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"]'


def test_rfc5424_example_1_no_structured_data_and_a_bom():
    m = parse_syslog(
        b"<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - "
        + BOM
        + b"'su root' failed for lonvick on /dev/pts/8"
    )
    assert m == SyslogMessage(
        format="rfc5424",
        facility=4,
        severity=2,
        timestamp=datetime(2003, 10, 11, 22, 14, 15, 3000, tzinfo=UTC),
        hostname="mymachine.example.com",
        app_name="su",
        procid=None,
        msgid="ID47",
        structured_data=(),
        message="'su root' failed for lonvick on /dev/pts/8",
    )
    assert (m.facility_name, m.severity_name) == ("auth", "crit")


def test_rfc5424_example_2_microseconds_an_offset_and_no_bom():
    m = parse_syslog(
        b"<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - "
        b"%% It's time to make the do-nuts."
    )
    assert (m.facility, m.severity) == (20, 5)
    assert (m.facility_name, m.severity_name) == ("local4", "notice")
    assert m.timestamp == datetime(
        2003, 8, 24, 5, 14, 15, 3, tzinfo=timezone(-timedelta(hours=7))
    )
    assert m.timestamp.utcoffset() == -timedelta(hours=7)
    assert (m.hostname, m.app_name, m.procid, m.msgid) == (
        "192.0.2.1",
        "myproc",
        "8710",
        None,
    )
    assert m.structured_data == ()
    assert m.message == "%% It's time to make the do-nuts."


def test_rfc5424_example_3_structured_data_then_a_message():
    m = parse_syslog(
        b"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        + EVENT_SD
        + b" "
        + BOM
        + b"An application event log entry..."
    )
    assert (m.app_name, m.procid, m.msgid) == ("evntslog", None, "ID47")
    assert m.structured_data == (
        SDElement(
            "exampleSDID@32473",
            (("iut", "3"), ("eventSource", "Application"), ("eventID", "1011")),
        ),
    )
    assert m.sd("exampleSDID@32473").get("eventID") == "1011"
    assert m.message == "An application event log entry..."


def test_rfc5424_example_4_structured_data_only():
    m = parse_syslog(
        b"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        + EVENT_SD
        + b'[examplePriority@32473 class="high"]'
    )
    assert [e.id for e in m.structured_data] == [
        "exampleSDID@32473",
        "examplePriority@32473",
    ]
    assert m.sd("examplePriority@32473").params == (("class", "high"),)
    assert m.message == ""


HEAD = b"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "


@pytest.mark.parametrize(
    "ts, expected",
    [  # section 6.2.3.1, examples 1 to 4
        (b"1985-04-12T23:20:50.52Z", datetime(1985, 4, 12, 23, 20, 50, 520000, UTC)),
        (
            b"1985-04-12T19:20:50.52-04:00",
            datetime(1985, 4, 12, 23, 20, 50, 520000, UTC),
        ),
        (b"2003-10-11T22:14:15.003Z", datetime(2003, 10, 11, 22, 14, 15, 3000, UTC)),
        (
            b"2003-08-24T05:14:15.000003-07:00",
            datetime(2003, 8, 24, 12, 14, 15, 3, UTC),
        ),
        (b"-", None),
    ],
)
def test_rfc5424_valid_timestamps(ts, expected):
    m = parse_syslog(b"<14>1 " + ts + b" - - - - -")
    assert m.timestamp == expected


@pytest.mark.parametrize(
    "ts",
    [
        b"2003-08-24T05:14:15.000000003-07:00",  # example 5: nanoseconds
        b"2003-10-11t22:14:15.003Z",  # T and Z must be upper case
        b"2003-10-11T22:14:15.003z",
        b"2003-10-11T22:14:15",  # no offset
        b"1990-12-31T23:59:60Z",  # no leap seconds
        b"2003-02-29T00:00:00Z",
        b"2003-10-11T22:14:15+24:00",
        b"Oct 11 22:14:15",
    ],
)
def test_rfc5424_invalid_timestamps(ts):
    assert code_of(b"<14>1 " + ts + b" - - - - -") in {"bad_timestamp", "bad_header"}


def test_rfc5424_param_value_escapes_per_section_6_3_3():
    """\\" \\\\ and \\] are escapes; a backslash before anything else stays, with the
    character after it."""
    m = parse_syslog(
        HEAD + rb'[x@1 v="a\"b\\c\]d\xe\\\"" w="]" u="' + "việt".encode() + b'"]'
    )
    assert m.sd("x@1").params == (
        ("v", 'a"b\\c]d\\xe\\"'),
        ("w", "]"),
        ("u", "việt"),
    )


def test_rfc5424_a_param_name_may_repeat_but_an_sd_id_may_not():
    m = parse_syslog(HEAD + b'[origin ip="192.0.2.1" ip="192.0.2.129"]')
    assert m.sd("origin").params == (("ip", "192.0.2.1"), ("ip", "192.0.2.129"))
    assert code_of(HEAD + b'[a@1 x="1"][a@1 y="2"]') == "duplicate_sd_id"


@pytest.mark.parametrize(
    "sd, code",
    [  # section 6.3.5, the invalid examples, and other faults
        (b'[ exampleSDID@32473 iut="3"]', "bad_structured_data"),
        (b'[exampleSDID@32473 iut="3" ]', "bad_structured_data"),
        (b"[exampleSDID@32473 iut=3]", "bad_structured_data"),
        (b'[exampleSDID@32473 iut="3"', "bad_structured_data"),
        (b'[x@1 v="open]', "bad_structured_data"),
        (b"[]", "bad_structured_data"),
        (b"x", "bad_structured_data"),
        (b"-x", "bad_structured_data"),
        (b'[x@1 v="1"]x', "bad_structured_data"),
        (b'[x@1 v="\xff"]', "bad_utf8"),
        (b"[" + b"a" * (MAX_SD_NAME + 1) + b"]", "field_too_long"),
    ],
)
def test_rfc5424_bad_structured_data_has_its_code(sd, code):
    assert code_of(HEAD + sd) == code


def test_rfc5424_a_space_between_elements_makes_the_rest_the_message():
    """Section 6.3.5's third example is not structured data: what follows the first
    element and a space is MSG."""
    m = parse_syslog(HEAD + EVENT_SD + b' [examplePriority@32473 class="high"]')
    assert [e.id for e in m.structured_data] == ["exampleSDID@32473"]
    assert m.message == '[examplePriority@32473 class="high"]'


@pytest.mark.parametrize(
    "line, code",
    [
        (b"", "empty"),
        (b"\n", "empty"),
        (b"hello", "bad_pri"),
        (b"<>1 - - - - - -", "bad_pri"),
        (b"<192>1 - - - - - -", "bad_pri"),
        (b"<1234>1 - - - - - -", "bad_pri"),
        (b"<14>2 - - - - - -", "bad_version"),
        (b"<14>1 - - - - -", "bad_header"),
        (b"<14>1 -  - - - - -", "bad_header"),
        (b"<14>1 - h\xc3\xa9 - - - -", "bad_header"),
        (b"<14>1 - " + b"h" * (MAX_HOSTNAME + 1) + b" - - - -", "field_too_long"),
        (b"<14>1 - - " + b"a" * (MAX_APP_NAME + 1) + b" - - -", "field_too_long"),
        (b"<14>1 - - - " + b"p" * (MAX_PROCID + 1) + b" - -", "field_too_long"),
        (b"<14>1 - - - - " + b"m" * (MAX_MSGID + 1) + b" -", "field_too_long"),
        (b"<14>1 - - - - - - " + BOM + b"\xff", "bad_utf8"),
        ("<14>1 - - - - - - \ud800", "bad_encoding"),
    ],
)
def test_each_fault_has_its_code(line, code):
    assert code_of(line) == code


def test_field_limits_are_inclusive():
    line = b"<14>1 - %s %s %s %s -" % (
        b"h" * MAX_HOSTNAME,
        b"a" * MAX_APP_NAME,
        b"p" * MAX_PROCID,
        b"m" * MAX_MSGID,
    )
    m = parse_syslog(line)
    assert len(m.hostname) == MAX_HOSTNAME and len(m.msgid) == MAX_MSGID


def test_length_limit_is_8_kib_and_a_trailing_newline_is_framing():
    head = b"<14>1 - - - - - - "
    exact = head + b"x" * (MAX_LENGTH - len(head))
    assert len(parse_syslog(exact).message) == MAX_LENGTH - len(head)
    assert parse_syslog(exact + b"\r\n").message == parse_syslog(exact).message
    assert code_of(exact + b"x") == "too_long"
    assert code_of(exact + b"x\n") == "too_long"
    assert parse_syslog(head + b"a\n").message == "a"
    assert parse_syslog(head.decode() + "tiếng Việt").message == "tiếng Việt"


def test_message_without_bom_that_is_not_utf8_keeps_the_rest():
    assert parse_syslog(b"<14>1 - - - - - - caf\xe9 ok").message == "caf\ufffd ok"


# --- RFC 3164 section 5.4, the examples as the RFC prints them ------------------------


def test_rfc3164_example_1_tag_and_content_in_local_time():
    m = parse_syslog(
        b"<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
        now=NOW,
    )
    assert m == SyslogMessage(
        format="rfc3164",
        facility=4,
        severity=2,
        timestamp=datetime(2026, 10, 11, 22, 14, 15, tzinfo=LOCAL_TZ),
        hostname="mymachine",
        app_name="su",
        procid=None,
        msgid=None,
        structured_data=(),
        message="'su root' failed for lonvick on /dev/pts/8",
    )
    assert m.timestamp.utcoffset() == timedelta(hours=7)
    assert m.timestamp == datetime(2026, 10, 11, 15, 14, 15, tzinfo=UTC)


def test_rfc3164_example_2_space_padded_day_and_no_tag():
    m = parse_syslog(b"<13>Feb  5 17:32:18 10.0.0.99 Use the BFG!", now=NOW)
    assert (m.facility_name, m.severity_name) == ("user", "notice")
    assert m.timestamp == datetime(2026, 2, 5, 17, 32, 18, tzinfo=ICT)
    assert (m.hostname, m.app_name, m.message) == ("10.0.0.99", None, "Use the BFG!")


def test_rfc3164_example_3_a_zone_after_the_time_is_read_as_the_host():
    """Section 5.4: a relay takes 'CST' for the HOSTNAME and the rest for MSG."""
    content = (
        b"1987 mymachine myproc[10]: %% It's time to make the do-nuts.  %%  "
        b"Ingredients: Mix=OK, Jelly=OK # Devices: Mixer=OK, Jelly_Injector=OK, "
        b"Frier=OK # Transport: Conveyer1=OK, Conveyer2=OK # %%"
    )
    m = parse_syslog(b"<165>Aug 24 05:34:00 CST " + content, now=NOW)
    assert (m.facility, m.severity) == (20, 5)
    assert m.timestamp == datetime(2026, 8, 24, 5, 34, tzinfo=ICT)
    assert (m.hostname, m.app_name) == ("CST", None)
    assert m.message == content.decode()


def test_rfc3164_example_4_without_a_valid_timestamp_all_is_message():
    m = parse_syslog(
        b"<0>1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 "
        b"sched[0]: That's All Folks!",
        now=NOW,
    )
    assert (m.facility_name, m.severity_name) == ("kern", "emerg")
    assert (m.timestamp, m.hostname, m.app_name) == (None, None, None)
    assert m.message == (
        "1990 Oct 22 10:52:01 TZ-6 scapegoat.dmz.example.org 10.1.2.3 "
        "sched[0]: That's All Folks!"
    )


@pytest.mark.parametrize(
    "line, host, app, pid, message",
    [
        (  # Suricata on an IDS box
            b"<172>Nov 25 14:05:01 ids01 suricata[2144]: [1:2019401:3] ET POLICY "
            b"Vulnerable Java Version {TCP} 10.1.2.3:49152 -> 203.0.113.5:80",
            "ids01",
            "suricata",
            "2144",
            "[1:2019401:3] ET POLICY Vulnerable Java Version {TCP} "
            "10.1.2.3:49152 -> 203.0.113.5:80",
        ),
        (  # pfSense sends no host name
            b"<134>Nov 25 14:05:01 filterlog[123]: 5,,,1000000103,igb0,match,block",
            None,
            "filterlog",
            "123",
            "5,,,1000000103,igb0,match,block",
        ),
        (
            b"<86>Nov 25 14:05:01 fw sshd: Failed password for root",
            "fw",
            "sshd",
            None,
            "Failed password for root",
        ),
        (
            b"<86>Nov 25 14:05:01 fw postfix/smtpd[7]:",
            "fw",
            "postfix/smtpd",
            "7",
            "",
        ),
    ],
)
def test_rfc3164_lines_of_security_devices(line, host, app, pid, message):
    m = parse_syslog(line, now=NOW)
    assert m.timestamp == datetime(2026, 11, 25, 14, 5, 1, tzinfo=ICT)
    assert (m.hostname, m.app_name, m.procid, m.message) == (host, app, pid, message)


def test_rfc3164_variants_with_a_year_a_fraction_or_an_rfc3339_time():
    cisco = parse_syslog(b"<166>Nov 25 2024 14:05:01 asa01 : %ASA-6-302013: x", now=NOW)
    assert cisco.timestamp == datetime(2024, 11, 25, 14, 5, 1, tzinfo=ICT)
    assert (cisco.hostname, cisco.message) == ("asa01", ": %ASA-6-302013: x")
    frac = parse_syslog(b"<14>Nov 25 14:05:01.250 h a: b", now=NOW)
    assert frac.timestamp.microsecond == 250_000
    fwd = parse_syslog(b"<14>2026-11-25T07:05:01.5Z h a[1]: b", now=NOW)
    assert fwd.format == "rfc3164"
    assert fwd.timestamp == datetime(2026, 11, 25, 7, 5, 1, 500000, tzinfo=UTC)
    assert (fwd.hostname, fwd.app_name, fwd.procid, fwd.message) == ("h", "a", "1", "b")


@pytest.mark.parametrize(
    "now, line, expected",
    [
        # Just after midnight on New Year's Day, a line from New Year's Eve.
        (
            datetime(2026, 1, 1, 0, 0, 30, tzinfo=ICT),
            b"<14>Dec 31 23:59:59 h m",
            datetime(2025, 12, 31, 23, 59, 59, tzinfo=ICT),
        ),
        # A device clock a little ahead at New Year.
        (
            datetime(2026, 12, 31, 23, 59, tzinfo=ICT),
            b"<14>Jan  1 00:00:05 h m",
            datetime(2027, 1, 1, 0, 0, 5, tzinfo=ICT),
        ),
        # 29 February in the only year of three that has one.
        (
            datetime(2028, 3, 1, tzinfo=ICT),
            b"<14>Feb 29 12:00:00 h m",
            datetime(2028, 2, 29, 12, tzinfo=ICT),
        ),
    ],
)
def test_rfc3164_year_is_the_latest_not_after_now(now, line, expected):
    assert parse_syslog(line, now=now).timestamp == expected


def test_rfc3164_29_february_is_the_last_one_before_now():
    m = parse_syslog(b"<14>Feb 29 12:00:00 h m", now=NOW)
    assert m.timestamp == datetime(2024, 2, 29, 12, tzinfo=ICT)


def test_rfc3164_time_zone_is_bac_ninh_unless_told():
    m = parse_syslog(b"<14>Nov 25 14:00:00 h m", now=NOW)
    assert m.timestamp == NOW
    utc = parse_syslog(b"<14>Nov 25 07:00:00 h m", now=NOW, tz=UTC)
    assert utc.timestamp == NOW


@pytest.mark.parametrize(
    "line",
    [
        b"<14>Feb 30 12:00:00 h m",
        b"<14>Nov 25 24:00:00 h m",
        b"<14>Nov 25 23:60:00 h m",
        b"<14>Nov 25 2024 23:59:60 h m",
        b"<14>Nov 25 0000 12:00:00 h m",
    ],
)
def test_rfc3164_impossible_times_are_refused(line):
    assert code_of(line) == "bad_timestamp"


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="aware"):
        parse_syslog(b"<14>Nov 25 14:00:00 h m", now=datetime(2026, 11, 25))


# --- fuzzing --------------------------------------------------------------------------


def assert_sane(m: SyslogMessage) -> None:
    assert m.format in {"rfc5424", "rfc3164"}
    assert 0 <= m.facility <= 23 and 0 <= m.severity <= 7
    assert m.timestamp is None or m.timestamp.utcoffset() is not None
    for value, limit in (
        (m.hostname, MAX_HOSTNAME),
        (m.app_name, MAX_APP_NAME),
        (m.procid, MAX_PROCID),
        (m.msgid, MAX_MSGID),
    ):
        assert value is None or (
            0 < len(value) <= limit and all(33 <= ord(c) <= 126 for c in value)
        )
    ids = [e.id for e in m.structured_data]
    assert len(ids) == len(set(ids))
    assert all(0 < len(i) <= MAX_SD_NAME for i in ids)
    assert isinstance(m.message, str)
    hash(m)  # frozen all the way down


def parse_or_error(line: bytes) -> None:
    try:
        m = parse_syslog(line, now=NOW)
    except SyslogError as exc:
        assert exc.code in CODES
        return
    assert_sane(m)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_give_a_message_or_a_syslog_error(data):
    parse_or_error(data)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from(
        [
            b"<34>1 ",
            b"<165>1 2003-10-11T22:14:15.003Z host app 1 ID47 ",
            b"<165>1 - - - - - [",
            b'<165>1 - - - - - [x@1 v="',
            b"<13>Oct 11 22:14:15 ",
            b"<13>Feb 29 22:14:15 host ",
            b"<13>2026-11-25T07:05:01Z ",
            b"<191>",
            b"<0>",
        ]
    ),
    st.binary(max_size=300),
)
def test_arbitrary_bytes_after_a_valid_start_give_a_message_or_an_error(head, data):
    parse_or_error(head + data)


sd_tokens = st.sampled_from(
    ["[", "]", '"', "\\", "=", " ", "x@1", "origin", "ip", "a", "é", "-", '="', "\n"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(sd_tokens, max_size=30), st.booleans())
def test_structured_data_shaped_garbage_gives_a_message_or_an_error(tokens, bom):
    sd = "".join(tokens).encode()
    parse_or_error(b"<14>1 - - - - - " + (BOM if bom else b"") + sd)


# --- round trips ----------------------------------------------------------------------

printable = st.characters(min_codepoint=33, max_codepoint=126)
sd_name = st.text(
    st.characters(min_codepoint=33, max_codepoint=126, exclude_characters='=]"'),
    min_size=1,
    max_size=MAX_SD_NAME,
)
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)


def nil_or(limit: int):
    return st.none() | st.text(printable, min_size=1, max_size=limit).filter(
        lambda s: s != "-"
    )


timestamps = st.none() | st.builds(
    lambda dt, minutes: dt.replace(tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 30)),
    st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59),
)


def rfc3339(ts: datetime) -> str:
    offset = ts.utcoffset()
    minutes = int(offset.total_seconds() // 60)
    zone = (
        "Z"
        if minutes == 0
        else "%s%02d:%02d" % ("-+"[minutes > 0], *divmod(abs(minutes), 60))
    )
    frac = f".{ts.microsecond:06d}" if ts.microsecond else ""
    return ts.strftime("%Y-%m-%dT%H:%M:%S").rjust(19, "0") + frac + zone


def escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=191),
    timestamps,
    nil_or(MAX_HOSTNAME),
    nil_or(MAX_APP_NAME),
    nil_or(MAX_PROCID),
    nil_or(MAX_MSGID),
    st.lists(
        st.tuples(sd_name, st.lists(st.tuples(sd_name, any_text), max_size=3)),
        max_size=3,
        unique_by=lambda e: e[0],
    ),
    any_text,
    st.booleans(),
)
def test_valid_rfc5424_messages_round_trip(
    pri, ts, host, app, procid, msgid, sd, message, bom
):
    assume(not message.endswith("\n"))
    assume(bom or not message.startswith("\ufeff"))

    def nil(x):
        return "-" if x is None else x

    sd_text = "".join(
        "[" + i + "".join(f' {k}="{escape(v)}"' for k, v in ps) + "]" for i, ps in sd
    )
    head = f"<{pri}>1 {nil(ts and rfc3339(ts))} {nil(host)} {nil(app)} "
    head += f"{nil(procid)} {nil(msgid)} {sd_text or '-'}"
    line = head.encode()
    if message or bom:
        line += b" " + (BOM if bom else b"") + message.encode()
    assume(len(line) <= MAX_LENGTH)
    m = parse_syslog(line)
    assert (m.facility, m.severity) == divmod(pri, 8)
    assert m.timestamp == ts
    if ts is not None:
        assert m.timestamp.utcoffset() == ts.utcoffset()
    assert (m.hostname, m.app_name, m.procid, m.msgid) == (host, app, procid, msgid)
    assert m.structured_data == tuple(SDElement(i, tuple(ps)) for i, ps in sd)
    assert m.message == message


months = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
tag_chars = st.characters(min_codepoint=33, max_codepoint=126, exclude_characters=":[]")


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=0, max_value=191),
    st.datetimes(min_value=datetime(2026, 1, 2), max_value=datetime(2026, 12, 31)),
    st.text(printable, min_size=1, max_size=40).filter(
        lambda h: not h.endswith(":") and "[" not in h
    ),
    st.text(tag_chars, min_size=1, max_size=MAX_APP_NAME),
    st.none() | st.text(st.characters(min_codepoint=48, max_codepoint=57), min_size=1),
    any_text,
)
def test_valid_rfc3164_messages_round_trip(pri, when, host, tag, pid, content):
    assume(not content.endswith("\n") and not content.startswith("\ufeff"))
    when = when.replace(microsecond=0)
    stamp = f"{months[when.month - 1]} {when.day:2d} {when:%H:%M:%S}"
    pid_text = "" if pid is None else f"[{pid}]"
    line = f"<{pri}>{stamp} {host} {tag}{pid_text}: {content}"
    now = datetime(2026, 12, 31, 23, 59, 59, tzinfo=LOCAL_TZ)
    m = parse_syslog(line, now=now)
    assert (m.facility, m.severity) == divmod(pri, 8)
    assert m.timestamp == when.replace(tzinfo=LOCAL_TZ)
    assert (m.hostname, m.app_name, m.procid, m.message) == (host, tag, pid, content)
