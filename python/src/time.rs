//! Validation times in and certificate times out, as timezone-aware `datetime`s.
//!
//! In: `None` means now; an aware `datetime` is converted exactly (any offset); a naive
//! `datetime` is rejected with a `ValueError`, because Python's naive datetimes are
//! usually local time (`datetime.now()`) and silently reading them as UTC would shift
//! every expiry check by the local offset. Out: aware datetimes in UTC.

use chainvet::Timestamp;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDateTime, PyDelta, PyDeltaAccess, PyTzInfo};

static EPOCH: PyOnceLock<Py<PyDateTime>> = PyOnceLock::new();

fn epoch(py: Python<'_>) -> PyResult<&Bound<'_, PyDateTime>> {
    EPOCH
        .get_or_try_init(py, || {
            let utc = PyTzInfo::utc(py)?;
            PyDateTime::new(py, 1970, 1, 1, 0, 0, 0, 0, Some(&utc)).map(Bound::unbind)
        })
        .map(|e| e.bind(py))
}

/// The `at` argument of the validation entry points.
pub(crate) fn validation_time(at: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Timestamp>> {
    match at {
        None => Ok(None),
        Some(at) if at.is_none() => Ok(None),
        Some(at) => to_timestamp(at, "at").map(Some),
    }
}

/// An aware `datetime` as whole seconds since the epoch (rounded down).
pub(crate) fn to_timestamp(at: &Bound<'_, PyAny>, name: &str) -> PyResult<Timestamp> {
    let py = at.py();
    if at.cast::<PyDateTime>().is_err() {
        return Err(PyTypeError::new_err(format!(
            "`{name}` must be a datetime.datetime (timezone-aware), got {}",
            at.get_type().name()?
        )));
    }
    if at.call_method0("utcoffset")?.is_none() {
        return Err(PyValueError::new_err(format!(
            "`{name}` is a naive datetime ({at}); give it a timezone, e.g. \
             datetime(2026, 1, 31, tzinfo=timezone.utc) or datetime.now(timezone.utc)"
        )));
    }
    // Subtracting aware datetimes is exact (a timedelta of days, seconds, microseconds),
    // unlike `.timestamp()`, a float that can round up into the next second.
    let delta = at.sub(epoch(py)?)?;
    let delta = delta.cast::<PyDelta>()?;
    Ok(Timestamp(
        i64::from(delta.get_days()) * chainvet::time::DAY + i64::from(delta.get_seconds()),
    ))
}

/// A timestamp as an aware `datetime` in UTC.
pub(crate) fn to_datetime(py: Python<'_>, t: Timestamp) -> PyResult<Bound<'_, PyDateTime>> {
    let dt = ::time::OffsetDateTime::from_unix_timestamp(t.0)
        .map_err(|e| PyValueError::new_err(format!("time {} is out of range: {e}", t.0)))?;
    let utc = PyTzInfo::utc(py)?;
    PyDateTime::new(
        py,
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second(),
        0,
        Some(&utc),
    )
}

/// An RFC 3339 string from the core's report as an aware `datetime` in UTC.
pub(crate) fn parse_datetime<'py>(py: Python<'py>, s: &str) -> PyResult<Bound<'py, PyDateTime>> {
    let t = Timestamp::parse_rfc3339(s).map_err(PyValueError::new_err)?;
    to_datetime(py, t)
}
