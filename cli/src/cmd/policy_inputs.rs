//! `verify`'s RFC 5280 6.1.1 certificate-policy inputs: `--policy-oid OID` (repeatable,
//! the user-initial-policy-set), `--explicit-policy`, `--inhibit-policy-mapping` and
//! `--inhibit-any-policy`. Given any of them, they replace the policy file's
//! `[path_validation]` inputs for this validation; otherwise the policy's apply.

use chainvet::{Policy, PolicyInputs};

/// The flags (flattened into `verify`).
#[derive(Debug, clap::Args)]
pub(crate) struct PolicyInputArgs {
    /// A certificate policy the path must be valid for (RFC 5280 6.1.1 (c)
    /// user-initial-policy-set), dotted OID, e.g. `2.23.140.1.2.1`; repeatable, or
    /// comma-separated. Without `--explicit-policy` a path with no policy at all still
    /// passes, as RFC 5280 says.
    #[arg(
        long = "policy-oid",
        value_name = "OID[,OID]",
        value_delimiter = ',',
        value_parser = parse_oid
    )]
    policy_oids: Vec<String>,
    /// The path must be valid for at least one policy of the set (6.1.1 (f)
    /// initial-explicit-policy).
    #[arg(long)]
    explicit_policy: bool,
    /// Policy mapping is not allowed (6.1.1 (e) initial-policy-mapping-inhibit).
    #[arg(long)]
    inhibit_policy_mapping: bool,
    /// anyPolicy in a certificate is ignored (6.1.1 (g) initial-any-policy-inhibit).
    #[arg(long)]
    inhibit_any_policy: bool,
}

fn parse_oid(s: &str) -> Result<String, String> {
    let inputs = PolicyInputs {
        user_initial_policy_set: vec![s.to_owned()],
        ..PolicyInputs::default()
    };
    inputs.check()?;
    Ok(s.to_owned())
}

impl PolicyInputArgs {
    /// The inputs for this validation: `None` when no flag was given (the policy's own
    /// apply); otherwise the flags, each unset one at RFC 5280's default.
    pub(crate) fn inputs(&self) -> Option<PolicyInputs> {
        let given = !self.policy_oids.is_empty()
            || self.explicit_policy
            || self.inhibit_policy_mapping
            || self.inhibit_any_policy;
        given.then(|| PolicyInputs {
            user_initial_policy_set: self.policy_oids.clone(),
            initial_explicit_policy: self.explicit_policy,
            initial_policy_mapping_inhibit: self.inhibit_policy_mapping,
            initial_any_policy_inhibit: self.inhibit_any_policy,
        })
    }

    /// Refuses flags the policy's engine cannot honour before anything is validated.
    pub(crate) fn check_engine(&self, policy: &Policy) -> Result<(), String> {
        match self.inputs() {
            Some(inputs)
                if inputs.constrains()
                    && policy.path_validation.engine == chainvet::Engine::Webpki =>
            {
                Err("the certificate policy flags need chainvet's RFC 5280 engine; the policy sets [path_validation] engine = \"webpki\", which does not process certificate policies".to_owned())
            }
            _ => Ok(()),
        }
    }
}
