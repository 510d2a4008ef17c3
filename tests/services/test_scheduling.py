"""Scheduled times: brand timezones, DST gaps and overlaps, the past."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from socialmuse.services.errors import ValidationError
from socialmuse.services.scheduling import parse_when

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_wall_time_is_read_in_the_brand_timezone() -> None:
    assert parse_when("2026-07-01T09:30", timezone="Europe/Paris", now=NOW) == datetime(
        2026, 7, 1, 7, 30, tzinfo=UTC
    )
    assert parse_when("2026-07-01T09:30", timezone="America/New_York", now=NOW) == datetime(
        2026, 7, 1, 13, 30, tzinfo=UTC
    )


def test_an_offset_wins_over_the_brand_timezone() -> None:
    assert parse_when("2026-07-01T09:30+00:00", timezone="Asia/Tokyo", now=NOW) == datetime(
        2026, 7, 1, 9, 30, tzinfo=UTC
    )


def test_the_skipped_hour_is_refused() -> None:
    with pytest.raises(ValidationError, match="does not exist in Europe/Paris") as err:
        parse_when("2026-03-29T02:30", timezone="Europe/Paris", now=NOW)
    assert err.value.field == "at"


def test_the_repeated_hour_takes_its_first_occurrence() -> None:
    assert parse_when("2026-10-25T02:30", timezone="Europe/Paris", now=NOW) == datetime(
        2026, 10, 25, 0, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("value", ["2026-02-01T09:00", "yesterday", "2026-13-01T00:00"])
def test_past_and_garbage_are_refused(value: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_when(value, timezone="UTC", now=NOW)
    assert err.value.field == "at"
