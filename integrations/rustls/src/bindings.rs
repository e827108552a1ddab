//! Where the verifier finds a client's registered certificates.

use std::sync::Arc;

use chainvet::{Binding, Registry};

/// The caller's lookup from a client id to the client's registrations. The verifier
/// asks it once per handshake in which a client id is known (from
/// [`ChainvetClientVerifier::for_connection`](crate::ChainvetClientVerifier::for_connection)
/// or [`Builder::client_id_from_certificate`](crate::Builder::client_id_from_certificate)).
///
/// An unknown client must get an empty [`Binding`], which rejects with
/// `binding.no_registered_certificate`; there is no "skip the check" answer, so a typo
/// in a client id fails closed.
pub trait ClientBindings: Send + Sync {
    /// The registrations of `client_id` (an empty binding when it has none).
    fn binding(&self, client_id: &str) -> Arc<Binding>;
}

impl ClientBindings for Registry {
    fn binding(&self, client_id: &str) -> Arc<Binding> {
        self.binding_for(client_id)
    }
}

/// A closure as a [`ClientBindings`]; returning `None` means an unknown client.
pub(crate) struct FnBindings<F>(pub(crate) F);

impl<F> ClientBindings for FnBindings<F>
where
    F: Fn(&str) -> Option<Arc<Binding>> + Send + Sync,
{
    fn binding(&self, client_id: &str) -> Arc<Binding> {
        (self.0)(client_id).unwrap_or_else(|| crate::verifier::unknown_client(client_id))
    }
}
