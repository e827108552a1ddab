//! Policy checks over the assembled chain: validity and lifetime, keys, the X.509
//! profile of leaf and issuers, and the leaf's subject.

pub(crate) mod keys;
mod profile;
pub(crate) mod subject;
mod validity;

pub use subject::{SubjectAttribute, SubjectPolicy};

use crate::chain::Chain;
use crate::findings::Findings;
use crate::input::Slot;
use crate::policy::Policy;
use crate::time::Timestamp;

/// What every check needs.
pub(crate) struct Context<'a, 'p> {
    pub(crate) slots: &'a [Slot],
    pub(crate) chain: &'a Chain,
    pub(crate) policy: &'a Policy,
    pub(crate) at: Timestamp,
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
    subject::check(ctx);
}
