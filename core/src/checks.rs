//! Policy checks over the assembled chain: validity and lifetime, keys, the X.509
//! profile of leaf and issuers, the leaf's subject, and (when the policy asks) RFC 5280 /
//! CA/B conformance.

mod conformance;
pub(crate) mod keys;
mod profile;
mod serial;
pub(crate) mod subject;
mod validity;

use crate::chain::Chain;
use crate::findings::Findings;
use crate::input::Slot;
use crate::policy::Policy;
use crate::policy::usage::Usage;
use crate::time::Timestamp;

/// What every check needs.
pub(crate) struct Context<'a, 'p> {
    pub(crate) slots: &'a [Slot],
    pub(crate) chain: &'a Chain,
    pub(crate) policy: &'a Policy,
    pub(crate) at: Timestamp,
    /// What the leaf is validated for (bundle mode: client authentication).
    pub(crate) usage: Usage,
    pub(crate) findings: &'a mut Findings<'p>,
}

impl<'a> Context<'a, '_> {
    /// The certificates on the chain (path and any segment above a gap), with indices.
    pub(crate) fn chain_certificates(&self) -> Vec<(usize, &'a crate::certificate::Certificate)> {
        let (slots, chain) = (self.slots, self.chain);
        chain
            .path
            .iter()
            .chain(chain.above_gap.iter())
            .filter_map(|&i| slots[i].as_ref().ok().map(|c| (i, c)))
            .collect()
    }
}

/// Runs every policy check.
pub(crate) fn run(ctx: &mut Context<'_, '_>) {
    validity::check(ctx);
    keys::check(ctx);
    profile::check(ctx);
    conformance::check(ctx);
    serial::check(ctx);
    subject::check(ctx);
}
