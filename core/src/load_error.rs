//! The one error a configuration file that does not load gives, whichever it is (policy,
//! trust store, registry): what is wrong, and where, so every front end (CLI, C, Python)
//! can point at the spot the same way: `FILE:LINE:COLUMN: field: message`.

use std::fmt;
use std::path::{Path, PathBuf};

/// A policy, trust store or registry that cannot be loaded: what is wrong and where.
/// `PolicyError` and `RegistryError` are this type under the names the loaders always
/// had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The file, when loaded from one.
    pub file: Option<PathBuf>,
    /// 1-based line of the offending value (of the BEGIN line, for a PEM block).
    pub line: Option<usize>,
    /// 1-based column, in characters.
    pub column: Option<usize>,
    /// The field: a key path such as `clients.acme.certificates[1]` or
    /// `[revocation].allow_destinations`, or the PEM block, e.g. `certificate 2`.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// Stands in for the file name of text that was not read from a file, so the location
/// keeps one shape.
const NO_FILE: &str = "<text>";

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.as_deref().map(Path::display);
        match (&file, self.line) {
            (Some(file), _) => write!(f, "{file}")?,
            (None, Some(_)) => f.write_str(NO_FILE)?,
            (None, None) => {}
        }
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if file.is_some() || self.line.is_some() {
            f.write_str(": ")?;
        }
        if let Some(field) = &self.field {
            write!(f, "{field}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for LoadError {}

impl LoadError {
    /// An error known only by its message (no file, place or field yet).
    pub fn new(message: impl Into<String>) -> LoadError {
        LoadError {
            file: None,
            line: None,
            column: None,
            field: None,
            message: message.into(),
        }
    }

    /// This error, in `file` (kept if one is already named).
    pub fn in_file(mut self, file: &Path) -> LoadError {
        if self.file.is_none() {
            self.file = Some(file.to_path_buf());
        }
        self
    }

    /// This error, at 1-based `line` and `column`.
    pub fn at(mut self, line: usize, column: usize) -> LoadError {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// This error, at the byte `offset` of `text` (clamped into it).
    pub fn at_offset(self, text: &str, offset: usize) -> LoadError {
        let (line, column) = position(text, offset);
        self.at(line, column)
    }

    /// This error, about `field`.
    pub fn in_field(mut self, field: impl Into<String>) -> LoadError {
        self.field = Some(field.into());
        self
    }

    /// The message with `prefix` in front (the place and field stay as they are).
    pub(crate) fn prefixed(mut self, prefix: &str) -> LoadError {
        self.message = format!("{prefix}{}", self.message);
        self
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
pub(crate) fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The field path serde_path_to_error recorded, unless it is the document itself.
pub(crate) fn field_of(path: &serde_path_to_error::Path) -> Option<String> {
    let s = path.to_string();
    (s != "." && !s.is_empty()).then_some(s)
}

/// A TOML error at its span in `text`, about `field`.
pub(crate) fn from_toml(text: &str, e: &toml::de::Error, field: Option<String>) -> LoadError {
    let mut out = LoadError::new(e.message().trim_end());
    if let Some(span) = e.span() {
        out = out.at_offset(text, span.start);
    }
    out.field = field;
    out
}

/// A JSON error at its position, about `field` (serde_json's own " at line L column C"
/// suffix dropped: the place is in the fields).
pub(crate) fn from_json(e: &serde_json::Error, field: Option<String>) -> LoadError {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let mut out = LoadError::new(full.strip_suffix(&suffix).unwrap_or(&full));
    if e.line() > 0 {
        out = out.at(e.line(), e.column());
    }
    out.field = field;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based() {
        let text = "a\nbc\ndéf";
        assert_eq!(position(text, 0), (1, 1));
        assert_eq!(position(text, 3), (2, 2));
        assert_eq!(position(text, text.find('f').unwrap()), (3, 3));
        assert_eq!(position(text, usize::MAX), (3, 4));
    }

    #[test]
    fn one_format_whatever_is_known() {
        let full = LoadError::new("bad")
            .at(4, 11)
            .in_field("clients.acme.sha256[0]")
            .in_file(Path::new("reg.toml"));
        assert_eq!(
            full.to_string(),
            "reg.toml:4:11: clients.acme.sha256[0]: bad"
        );
        assert_eq!(
            LoadError::new("bad").at(2, 1).to_string(),
            "<text>:2:1: bad"
        );
        assert_eq!(
            LoadError::new("gone")
                .in_file(Path::new("p.toml"))
                .to_string(),
            "p.toml: gone"
        );
        assert_eq!(LoadError::new("empty").to_string(), "empty");
        // The first file named stays.
        let named = full.in_file(Path::new("other.toml"));
        assert_eq!(named.file.as_deref(), Some(Path::new("reg.toml")));
    }
}
