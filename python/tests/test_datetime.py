"""Times in and out. Documented behaviour: `at` must be a timezone-aware datetime (any
offset; naive ones raise ValueError because they are usually local time), it is rounded
down to the whole second (X.509 times are whole seconds), None means now; certificate
times come back as aware datetimes in UTC."""

from __future__ import annotations

import datetime as dt

import chains
import pytest
from chains import DAY, NOW, UTC, pem

import chainvet

SECOND = dt.timedelta(seconds=1)
NOT_AFTER = dt.datetime(2027, 3, 4, 5, 6, 7, tzinfo=UTC)
CHAIN = chains.chain(("p256", "p256"), slot=4, leaf_not_before=NOT_AFTER - 400 * DAY,
                     leaf_not_after=NOT_AFTER)
BUNDLE = pem(CHAIN)
RELAXED = chainvet.Validator(chainvet.Policy(renewal_window_days=0))


def expired(at: object) -> bool:
    return RELAXED.validate(BUNDLE, at=at).has("validity.expired")  # type: ignore[arg-type]


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive datetime.*timezone"):
        RELAXED.validate(BUNDLE, at=dt.datetime(2026, 1, 1))


def test_tzinfo_that_returns_no_offset_counts_as_naive() -> None:
    class Floating(dt.tzinfo):
        def utcoffset(self, d: object) -> None:
            return None

        def dst(self, d: object) -> None:
            return None

        def tzname(self, d: object) -> None:
            return None

    with pytest.raises(ValueError, match="naive"):
        RELAXED.validate(BUNDLE, at=dt.datetime(2026, 1, 1, tzinfo=Floating()))


@pytest.mark.parametrize("bad", [dt.date(2026, 1, 1), "2026-01-01T00:00:00Z", 1767225600, 1.5])
def test_non_datetimes_are_type_errors(bad: object) -> None:
    with pytest.raises(TypeError, match="`at` must be a datetime.datetime"):
        RELAXED.validate(BUNDLE, at=bad)  # type: ignore[arg-type]


def test_not_after_is_inclusive_to_the_second() -> None:
    assert not expired(NOT_AFTER)
    assert expired(NOT_AFTER + SECOND)


def test_fractions_of_a_second_are_rounded_down() -> None:
    assert not expired(NOT_AFTER + dt.timedelta(microseconds=999_999))
    report = RELAXED.validate(BUNDLE, at=NOT_AFTER + dt.timedelta(microseconds=999_999))
    assert report.validated_at == NOT_AFTER


@pytest.mark.parametrize("hours", [-12, -5, 0, 2, 5.5, 14])
def test_any_utc_offset_means_the_same_instant(hours: float) -> None:
    tz = dt.timezone(dt.timedelta(hours=hours))
    assert not expired(NOT_AFTER.astimezone(tz))
    assert expired((NOT_AFTER + SECOND).astimezone(tz))
    report = RELAXED.validate(BUNDLE, at=NOT_AFTER.astimezone(tz))
    assert report.validated_at == NOT_AFTER
    assert report.validated_at.tzinfo is not None
    assert report.validated_at.utcoffset() == dt.timedelta(0)


def test_none_means_now() -> None:
    now = dt.datetime.now(UTC)
    current = chains.chain(("p256", "p256"), slot=5, leaf_not_before=now - DAY,
                           leaf_not_after=now + 400 * DAY)
    report = RELAXED.validate(pem(current))
    assert report.accepted, report.findings
    assert abs(report.validated_at - now) < dt.timedelta(hours=1)
    assert RELAXED.validate(pem(current), at=None).accepted
    future = chains.chain(("p256", "p256"), slot=5, leaf_not_before=now + dt.timedelta(hours=2),
                          leaf_not_after=now + 400 * DAY)
    assert RELAXED.validate(pem(future)).has("validity.not_yet_valid")


def test_certificate_times_are_aware_utc_and_exact() -> None:
    report = RELAXED.validate(BUNDLE, at=NOW)
    for info, cert in zip(report.certificates, CHAIN):
        assert info.not_before.tzinfo is not None and info.not_after.tzinfo is not None
        assert info.not_before.utcoffset() == dt.timedelta(0)
        assert info.not_before == cert.not_valid_before_utc
        assert info.not_after == cert.not_valid_after_utc
    assert report.certificates[0].not_after == NOT_AFTER


@pytest.mark.parametrize(
    "not_after",
    [
        dt.datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC),  # last UTCTime
        dt.datetime(2050, 1, 1, 0, 0, 0, tzinfo=UTC),  # first GeneralizedTime
        dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),  # "no well-defined expiration"
    ],
)
def test_time_encodings_round_trip(not_after: dt.datetime) -> None:
    c = chains.chain(("p256", "p256"), slot=6, leaf_not_before=NOW - DAY, leaf_not_after=not_after)
    report = RELAXED.validate(pem(c), at=NOW)
    assert report.certificates[0].not_after == not_after
    assert report.accepted


def test_extreme_validation_times() -> None:
    far = RELAXED.validate(BUNDLE, at=dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC))
    assert far.has("validity.expired")
    early = RELAXED.validate(BUNDLE, at=dt.datetime(1960, 1, 1, tzinfo=UTC))
    assert early.has("validity.not_yet_valid")
    assert early.validated_at == dt.datetime(1960, 1, 1, tzinfo=UTC)
