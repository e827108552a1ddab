//! The panic boundary every exported function goes through: a Rust panic must never
//! unwind into C (that aborts the host process), so it becomes `CHAINVET_RESULT_PANIC`
//! or the function's documented fallback value.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::result::chainvet_result;

/// Runs the body of a fallible export. `Ok(())` becomes `CHAINVET_RESULT_OK`, `Err(r)`
/// becomes `r`, a panic becomes `CHAINVET_RESULT_PANIC`.
///
/// `AssertUnwindSafe` is sound here because bodies write their outputs only as the very
/// last step: a panic leaves every caller-visible object as it was before the call.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), chainvet_result>) -> chainvet_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => chainvet_result::Ok,
        Ok(Err(result)) => result,
        Err(_) => chainvet_result::Panic,
    }
}

/// Runs the body of an export that returns a plain value, giving `fallback` on a panic.
pub(crate) fn guard_or<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_results_or_fallbacks() {
        // The default hook would print the panic message; keep the test output clean.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let boom = || -> Result<(), chainvet_result> { panic!("boom") };
        assert_eq!(guard(boom), chainvet_result::Panic);
        assert_eq!(guard_or(7usize, || panic!("boom")), 7);
        std::panic::set_hook(hook);

        assert_eq!(guard(|| Ok(())), chainvet_result::Ok);
        assert_eq!(
            guard(|| Err(chainvet_result::OutOfRange)),
            chainvet_result::OutOfRange
        );
        assert_eq!(guard_or(0usize, || 3), 3);
    }
}
