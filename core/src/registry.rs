//! The registry file: which certificates each client registered, for the CLI and the
//! bindings. TOML or JSON; certificate paths are relative to the registry file.
//!
//! ```toml
//! mode = "serial+cn+issuer"   # default for every client
//! max_active = 2              # active (unexpired) registrations allowed per client
//!
//! [clients.acme-payments]
//! certificates = ["acme/2025.pem", "acme/2026.pem"]   # rotation: old and new
//!
//! [clients.globex]
//! mode = "fingerprint"
//! sha256 = ["5f:1c:...:9a"]                             # certificate fingerprint pins
//! spki_sha256 = ["0b7e...44"]                           # public key pins
//! ```
//!
//! Everything is validated on load: syntax, unknown keys, fingerprints, and every
//! certificate file is read and parsed once. Errors say where: the line and column
//! (from the TOML parser's spans or serde_json's positions) and the field path, e.g.
//! `clients.acme.certificates[1]`.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::de::{Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::binding::{Binding, BindingMode, Registration, parse_sha256_hex};
use crate::load_error::{self, LoadError, field_of};

/// The clients of a registry file, each with its `Binding`, built once on load.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    clients: BTreeMap<String, Arc<Binding>>,
}

/// A registry that cannot be loaded: what is wrong and where (file, line, column,
/// field). The error every loader gives (`LoadError`).
pub type RegistryError = LoadError;

thread_local! {
    // The directory registered certificate paths are relative to, while a registry is
    // being deserialized: certificate files are loaded inside deserialization so that
    // their errors carry the parser's position.
    static BASE_DIR: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
}

/// Sets `BASE_DIR` for the lifetime of the guard, restoring the previous value (also on
/// unwind).
struct BaseDir(Option<PathBuf>);

impl BaseDir {
    fn set(dir: &Path) -> BaseDir {
        BaseDir(BASE_DIR.with(|b| b.replace(Some(dir.to_path_buf()))))
    }
}

impl Drop for BaseDir {
    fn drop(&mut self) {
        let previous = self.0.take();
        BASE_DIR.with(|b| *b.borrow_mut() = previous);
    }
}

/// A registered certificate file, loaded while deserializing.
struct CertificateFile(Registration);

impl<'de> Deserialize<'de> for CertificateFile {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "the path of a certificate file", |name| {
            let path = BASE_DIR.with(|b| match &*b.borrow() {
                Some(dir) => dir.join(name),
                None => PathBuf::from(name),
            });
            let limit = crate::policy::DEFAULT_MAX_INPUT_BYTES;
            let mut bytes = crate::read::file(&path, limit).map_err(|e| {
                format!(
                    "cannot read certificate file `{name}` ({}): {e}",
                    path.display()
                )
            })?;
            if bytes.len() > limit {
                bytes.fill(0);
                return Err(format!(
                    "certificate file `{name}` is larger than {limit} bytes"
                ));
            }
            let registration = Registration::from_bytes(&bytes);
            // The file may have held a private key (which is refused): do not leave it
            // in freed memory.
            bytes.fill(0);
            std::hint::black_box(&bytes);
            registration
                .map(|r| CertificateFile(r.with_label(name)))
                .map_err(|e| format!("`{name}` is not a usable certificate: {e}"))
        })
    }
}

/// Deserializes a string and converts it with `convert`, failing *inside* the string's
/// visitor so that the format attaches the string's own position to the error (TOML
/// gives the span of that array element, not of the whole array).
fn from_text<'de, D, T>(
    d: D,
    expecting: &'static str,
    convert: impl FnOnce(&str) -> Result<T, String>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    struct Text<F>(&'static str, F);
    impl<'de, T, F: FnOnce(&str) -> Result<T, String>> Visitor<'de> for Text<F> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
            (self.1)(v).map_err(E::custom)
        }
    }
    d.deserialize_str(Text(expecting, convert))
}

/// A SHA-256 pin in hex.
struct Pin([u8; 32]);

impl<'de> Deserialize<'de> for Pin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        from_text(d, "a SHA-256 in hex", |text| {
            parse_sha256_hex(text).map(Pin)
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    #[serde(default)]
    mode: Option<BindingMode>,
    #[serde(default)]
    max_active: Option<usize>,
    clients: Clients,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientFields {
    #[serde(default)]
    certificates: Vec<CertificateFile>,
    #[serde(default)]
    sha256: Vec<Pin>,
    #[serde(default)]
    spki_sha256: Vec<Pin>,
    #[serde(default)]
    mode: Option<BindingMode>,
    #[serde(default)]
    max_active: Option<usize>,
}

/// A client entry: at least one registration.
#[derive(Deserialize)]
#[serde(try_from = "ClientFields")]
struct RawClient {
    registrations: Vec<Registration>,
    mode: Option<BindingMode>,
    max_active: Option<usize>,
}

impl TryFrom<ClientFields> for RawClient {
    type Error = String;
    fn try_from(f: ClientFields) -> Result<Self, String> {
        let mut registrations: Vec<Registration> =
            f.certificates.into_iter().map(|c| c.0).collect();
        registrations.extend(f.sha256.into_iter().map(|p| Registration::from_sha256(p.0)));
        registrations.extend(
            f.spki_sha256
                .into_iter()
                .map(|p| Registration::from_spki_sha256(p.0)),
        );
        if registrations.is_empty() {
            return Err(
                "the client registers nothing: give `certificates`, `sha256` or `spki_sha256`"
                    .to_owned(),
            );
        }
        Ok(RawClient {
            registrations,
            mode: f.mode,
            max_active: f.max_active,
        })
    }
}

/// The client table; unlike a plain map it rejects a client id given twice (JSON
/// allows duplicate keys and would silently keep the last) and an empty id.
struct Clients(BTreeMap<String, RawClient>);

impl<'de> Deserialize<'de> for Clients {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Clients;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of client ids")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Clients, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(id) = map.next_key::<String>()? {
                    if id.trim().is_empty() {
                        return Err(A::Error::custom("a client id is empty"));
                    }
                    if out.contains_key(&id) {
                        return Err(A::Error::custom(format!("client `{id}` is given twice")));
                    }
                    let client: RawClient = map.next_value()?;
                    out.insert(id, client);
                }
                Ok(Clients(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl Registry {
    /// Loads a registry file: TOML, or JSON if it starts with `{`. Certificate paths
    /// are relative to the file's directory.
    pub fn from_file(path: &Path) -> Result<Registry, RegistryError> {
        let limit = crate::read::MAX_REGISTRY_BYTES;
        let read = crate::read::file(path, limit).and_then(|bytes| {
            if bytes.len() > limit {
                return Err(std::io::Error::other(format!(
                    "it is larger than {limit} bytes"
                )));
            }
            String::from_utf8(bytes).map_err(|_| std::io::Error::other("it is not UTF-8 text"))
        });
        let text = read
            .map_err(|e| LoadError::new(format!("cannot read the registry: {e}")).in_file(path))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        Registry::from_text(&text, dir).map_err(|e| e.in_file(path))
    }

    /// Parses TOML or JSON (told apart by the first non-blank character), resolving
    /// certificate paths against `base_dir`.
    pub fn from_text(text: &str, base_dir: &Path) -> Result<Registry, RegistryError> {
        if text.trim_start().starts_with('{') {
            Registry::from_json(text, base_dir)
        } else {
            Registry::from_toml(text, base_dir)
        }
    }

    /// Parses a TOML registry.
    pub fn from_toml(text: &str, base_dir: &Path) -> Result<Registry, RegistryError> {
        let _dir = BaseDir::set(base_dir);
        let located = |e: &toml::de::Error, field| load_error::from_toml(text, e, field);
        let de = toml::de::Deserializer::parse(text).map_err(|e| located(&e, None))?;
        let raw: RawRegistry = serde_path_to_error::deserialize(de)
            .map_err(|e| located(e.inner(), field_of(e.path())))?;
        Ok(Registry::build(raw))
    }

    /// Parses a JSON registry.
    pub fn from_json(text: &str, base_dir: &Path) -> Result<Registry, RegistryError> {
        let _dir = BaseDir::set(base_dir);
        let located = |e: &serde_json::Error, field| load_error::from_json(e, field);
        let mut de = serde_json::Deserializer::from_str(text);
        let raw: RawRegistry = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| located(e.inner(), field_of(e.path())))?;
        de.end().map_err(|e| located(&e, None))?;
        Ok(Registry::build(raw))
    }

    fn build(raw: RawRegistry) -> Registry {
        let clients = raw
            .clients
            .0
            .into_iter()
            .map(|(id, c)| {
                let binding = Binding::new(c.registrations)
                    .with_mode(c.mode.or(raw.mode).unwrap_or_default())
                    .with_max_active(
                        c.max_active
                            .or(raw.max_active)
                            .unwrap_or(Binding::DEFAULT_MAX_ACTIVE),
                    )
                    .with_client(id.clone());
                (id, Arc::new(binding))
            })
            .collect();
        Registry { clients }
    }

    /// The client's binding, if the client is registered.
    pub fn client(&self, id: &str) -> Option<&Arc<Binding>> {
        self.clients.get(id)
    }

    /// The client's binding; for an unknown client, an empty binding naming it, which
    /// fails with `binding.no_registered_certificate`.
    pub fn binding_for(&self, id: &str) -> Arc<Binding> {
        self.clients
            .get(id)
            .cloned()
            .unwrap_or_else(|| Arc::new(Binding::new(Vec::new()).with_client(id)))
    }

    /// The client ids, sorted.
    pub fn client_ids(&self) -> impl Iterator<Item = &str> {
        self.clients.keys().map(String::as_str)
    }

    /// Number of clients.
    pub fn len(&self) -> usize {
        self.clients.len()
    }

    /// Whether there are no clients.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
    }
}
