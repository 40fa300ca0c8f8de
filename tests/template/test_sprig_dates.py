"""sprig's date functions with Go reference-time layouts. The process time zone is pinned per
test (Go's and kancli's Local both follow TZ); expected values come from sprig v2.22 on Go 1.26
run with the same TZ."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from kancli.template.gofmt import format_value
from kancli.template.sprig import FUNCS
from kancli.template.sprig.gotime import GoTime
from kancli.template.values import GoInt64

RFC3339_NANO = "2006-01-02T15:04:05.999999999Z07:00"
KANISTER_TIME = "2026-08-21T10:11:12.123456789Z"


def call(name: str, *args: Any) -> Any:
    return FUNCS[name].fn(*args)


@pytest.fixture
def local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set the process time zone (what Go calls Local) for one test."""

    def use(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    use("America/New_York")
    yield use
    monkeypatch.undo()
    time.tzset()


def kanister_time() -> datetime:
    return call("toDate", RFC3339_NANO, KANISTER_TIME)


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        # the layouts Blueprints use (blueprint-corpus.md §3.3), applied to toDate(.Time)
        pytest.param("2006-01-02T15-04-05", "2026-08-21T06-11-12", id="corpus-dashes"),
        pytest.param("2006-01-02t15-04-05", "2026-08-21t06-11-12", id="corpus-lower-t"),
        pytest.param("2006-01-02T15:04:05Z07:00", "2026-08-21T06:11:12-04:00", id="corpus-rfc3339"),
        pytest.param("2006-01-02 15:04:05 GMT", "2026-08-21 06:11:12 GMT", id="corpus-literal-gmt"),
        pytest.param("Mon Jan _2 15:04:05 MST 2006", "Fri Aug 21 06:11:12 EDT 2026", id="unixdate"),
        pytest.param("Monday, 02-Jan-06 3:04PM", "Friday, 21-Aug-26 6:11AM", id="rfc850-kitchen"),
        pytest.param(".000|.999999999|,9|.00000", ".123|.123456789|,1|.12345", id="fractions"),
        pytest.param("002 __2 Z07 Z0700 -07:00:00", "233 233 -04 -0400 -04:00:00", id="yday-zones"),
        pytest.param("January Janu Month", "August Janu Month", id="month-words"),
        pytest.param("pm PM 03", "am AM 06", id="am-pm"),
    ],
)
def test_date_formats_to_date_of_time_with_go_layouts_in_local_time(
    local_zone: Any, layout: str, expected: str
) -> None:
    assert call("date", layout, kanister_time()) == expected


def test_to_date_keeps_nanoseconds_and_the_utc_zone(local_zone: Any) -> None:
    t = kanister_time()
    assert format_value(t) == "2026-08-21 10:11:12.123456789 +0000 UTC"
    assert call("unixEpoch", t) == "1787307072"


@pytest.mark.parametrize(
    ("layout", "value", "expected"),
    [
        pytest.param("2006-01-02", "2017-12-31", "2017-12-31 00:00:00 -0500 EST", id="local"),
        pytest.param(
            "2006-01-02T15:04:05Z07:00",
            "2020-01-02T03:04:05+05:30",
            "2020-01-02 03:04:05 +0530 +0530",
            id="foreign-offset",
        ),
        pytest.param(
            "2006-01-02T15:04:05Z07:00",
            "2020-07-02T03:04:05-04:00",
            "2020-07-02 03:04:05 -0400 EDT",
            id="offset-of-local-zone",
        ),
        pytest.param(
            "2006-01-02 15:04:05 MST",
            "2020-07-02 03:04:05 EDT",
            "2020-07-02 03:04:05 -0400 EDT",
            id="local-abbreviation",
        ),
        pytest.param(
            "2006-01-02 15:04 MST",
            "2021-03-05 10:00 GMT+3",
            "2021-03-05 13:00:00 +0300 GMT+3",
            id="gmt-offset-quirk",
        ),
        pytest.param(
            "2006-01-02 15:04 MST",
            "2021-03-05 10:00 CEST",
            "2021-03-05 10:00:00 +0000 CEST",
            id="unknown-abbreviation",
        ),
        pytest.param(
            "2006-01-02 15:04:05",
            "2020-03-08 02:30:00",
            "2020-03-08 01:30:00 -0500 EST",
            id="dst-gap",
        ),
        pytest.param(
            "2006-01-02 15:04:05",
            "2020-11-01 01:30:00",
            "2020-11-01 01:30:00 -0400 EDT",
            id="dst-fold",
        ),
        pytest.param(
            "2006-01-02 15:04:05",
            "2020-01-02 03:04:05.987654321",
            "2020-01-02 03:04:05.987654321 -0500 EST",
            id="fraction-without-layout",
        ),
        pytest.param(
            "Jan 2 2006 3:04:05.000 PM",
            "Feb 29 2024 11:59:59.123 PM",
            "2024-02-29 23:59:59.123 -0500 EST",
            id="pm-millis",
        ),
        pytest.param(
            "January 2, 2006",
            "MARCH 5, 2021",
            "2021-03-05 00:00:00 -0500 EST",
            id="case-insensitive",
        ),
        pytest.param(
            "Jan _2 2006", "Feb  3 2021", "2021-02-03 00:00:00 -0500 EST", id="padded-day"
        ),
        pytest.param(
            "06-01-02", "68-01-02", "2068-01-02 00:00:00 -0500 EST", id="two-digit-year-2000s"
        ),
        pytest.param(
            "06-01-02", "69-01-02", "1969-01-02 00:00:00 -0500 EST", id="two-digit-year-1900s"
        ),
        pytest.param("2006-002", "2024-060", "2024-02-29 00:00:00 -0500 EST", id="day-of-year"),
        pytest.param("", "", "0000-01-01 00:00:00 -0456 LMT", id="year-zero"),
    ],
)
def test_to_date_parses_in_local_time_as_go_does(
    local_zone: Any, layout: str, value: str, expected: str
) -> None:
    assert format_value(call("toDate", layout, value)) == expected


@pytest.mark.parametrize(
    ("layout", "value"),
    [
        pytest.param("2006-01-02", "bad", id="garbage"),
        pytest.param("2006-01-02", "2021-02-30", id="day-out-of-range"),
        pytest.param("2006-01-02", "2021-3-05", id="unpadded-month"),
        pytest.param("15:04", "24:00", id="hour-out-of-range"),
        pytest.param("2006", "2021 extra", id="extra-text"),
        pytest.param("Mon Jan 2 2006", "Xyz Mar 5 2021", id="bad-weekday"),
    ],
)
def test_to_date_returns_the_zero_time_when_parsing_fails(
    local_zone: Any, layout: str, value: str
) -> None:
    t = call("toDate", layout, value)
    assert format_value(t) == "0001-01-01 00:00:00 +0000 UTC"
    assert call("unixEpoch", t) == "-62135596800"


def test_zero_time_formats_in_local_time_before_year_one(local_zone: Any) -> None:
    zero = call("toDate", "2006-01-02", "bad")
    assert (
        call("date", "2006-01-02 15:04:05 MST -07:00:00", zero)
        == "0000-12-31 19:03:58 LMT -04:56:02"
    )
    assert call("toJson", zero) == '"0001-01-01T00:00:00Z"'


def test_date_of_a_string_formats_the_current_time(local_zone: Any) -> None:
    """Kanister quirk (reference §3.2): ``.Time | date`` ignores .Time."""
    before = time.strftime("%Y-%m-%d")
    got = call("date", "2006-01-02", KANISTER_TIME)
    after = time.strftime("%Y-%m-%d")
    assert got in (before, after)
    assert got != "2026-08-21" or before == "2026-08-21"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(0, "1969-12-31 19:00", id="int-unix-seconds"),
        pytest.param(GoInt64(1700000000), "2023-11-14 17:13", id="int64-unix-seconds"),
    ],
)
def test_date_of_an_integer_is_unix_seconds(local_zone: Any, value: Any, expected: str) -> None:
    assert call("date", "2006-01-02 15:04", value) == expected


def test_date_in_zone_and_html_date(local_zone: Any) -> None:
    t = kanister_time()
    assert (
        call("dateInZone", "2006-01-02 15:04 MST -0700", t, "Asia/Kolkata")
        == "2026-08-21 15:41 IST +0530"
    )
    assert call("date_in_zone", "Jan _2 3:04PM", t, "UTC") == "Aug 21 10:11AM"
    assert call("dateInZone", "15:04 MST", t, "Nowhere/Land") == "10:11 UTC"
    assert call("htmlDate", t) == "2026-08-21"
    assert call("htmlDateInZone", t, "Pacific/Kiritimati") == "2026-08-22"


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        pytest.param("1h2m3.5s", "2026-08-21 11:13:15.623456789 +0000 UTC", id="compound"),
        pytest.param("-24h", "2026-08-20 10:11:12.123456789 +0000 UTC", id="negative"),
        pytest.param("1.5µs", "2026-08-21 10:11:12.123458289 +0000 UTC", id="micro-sign"),
        pytest.param(".5h", "2026-08-21 10:41:12.123456789 +0000 UTC", id="leading-dot"),
        pytest.param("1d", "2026-08-21 10:11:12.123456789 +0000 UTC", id="unknown-unit-ignored"),
        pytest.param("", "2026-08-21 10:11:12.123456789 +0000 UTC", id="empty-ignored"),
    ],
)
def test_date_modify_adds_a_go_duration(local_zone: Any, duration: str, expected: str) -> None:
    assert format_value(call("dateModify", duration, kanister_time())) == expected


def test_date_modify_moves_the_instant_across_a_dst_change(local_zone: Any) -> None:
    t = call("toDate", "2006-01-02 15:04", "2020-03-08 01:30")
    assert format_value(call("date_modify", "1h", t)) == "2020-03-08 03:30:00 -0400 EDT"


def test_now_is_local_time_with_nanoseconds(local_zone: Any) -> None:
    t = call("now")
    assert isinstance(t, GoTime)
    assert abs(t.timestamp() - time.time()) < 5
    assert format_value(t).endswith((" EST", " EDT"))


@pytest.mark.parametrize(
    ("seconds_ago", "expected"),
    [
        pytest.param(0, "0s", id="now"),
        pytest.param(90, "1m30s", id="minutes"),
        pytest.param(3 * 86400 + 5, "72h0m5s", id="days-as-hours"),
    ],
)
def test_ago_rounds_to_seconds(seconds_ago: int, expected: str) -> None:
    then = GoInt64(int(time.time()) - seconds_ago)
    assert call("ago", then) in (expected, expected.replace("5s", "6s").replace("30s", "31s"), "1s")


def test_ago_of_a_future_time_is_negative() -> None:
    future = datetime.fromtimestamp(time.time() + 3600, tz=UTC)
    assert call("ago", future).startswith("-59m59") or call("ago", future) == "-1h0m0s"


def test_time_functions_run_in_other_zones(local_zone: Any) -> None:
    local_zone("Asia/Tokyo")
    assert (
        format_value(call("toDate", "2006-01-02", "2017-12-31")) == "2017-12-31 00:00:00 +0900 JST"
    )
    local_zone("UTC")
    assert call("date", "2006-01-02T15-04-05", kanister_time()) == "2026-08-21T10-11-12"
