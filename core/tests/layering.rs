//! Imports in core run one way: a module may use `crate::X` only from its own band or a
//! lower one (docs/architecture.md). Bands, lowest first:
//!
//! 1. ground: `time`, `read`, `text`, `code`, `report`, `cache`, `der`, `load_error`
//! 2. objects: `certificate`, `signature`
//! 3. policy data: `policy`, `findings`
//! 4. stages: `input`, `trust`, `chain`, `checks`, `path_validation`, `rfc5280`
//! 5. consumers: `revocation`, `binding`
//! 6. orchestration: `validator` (bundle mode and trust-store mode)
//! 7. tools: `fix`, `csr`, `registry`
//!
//! Within a band imports may run both ways, but the top-level modules never import each
//! other in a cycle of any length.
//!
//! The imports that still run against the bands are listed in
//! `core/tests/layering-exceptions.txt`. This test fails on any new one, and on a listed
//! one that no longer occurs (so the list only shrinks).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const BANDS: &[(&str, u8)] = &[
    ("time", 1),
    ("read", 1),
    ("text", 1),
    ("code", 1),
    ("report", 1),
    ("cache", 1),
    ("load_error", 1),
    ("der", 1),
    ("certificate", 2),
    ("signature", 2),
    ("policy", 3),
    ("findings", 3),
    ("input", 4),
    ("trust", 4),
    ("chain", 4),
    ("checks", 4),
    ("path_validation", 4),
    ("rfc5280", 4),
    ("revocation", 5),
    ("binding", 5),
    ("validator", 6),
    ("fix", 7),
    ("csr", 7),
    ("registry", 7),
];

fn band(module: &str) -> Option<u8> {
    BANDS.iter().find(|(m, _)| *m == module).map(|&(_, b)| b)
}

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file belongs to (`revocation/check.rs` -> `revocation`).
fn owner(file: &Path) -> String {
    let rel = file.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

/// Every top-level module a file names through `crate::`, in `use` lines (grouped
/// imports included, across lines) and in paths written inline. Comments are skipped.
fn targets(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The first segment of each item at brace depth 0 is a module.
            let mut depth = 0usize;
            let mut item_start = true;
            let mut chars = group.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[i..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        for _ in 1..name.chars().count() {
                            chars.next();
                        }
                        if name != "self" {
                            out.insert(name);
                        }
                        item_start = false;
                    }
                    _ => {}
                }
            }
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

fn violations() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut found = BTreeSet::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let from = owner(&file);
        if from == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read");
        let Some(from_band) = band(&from) else {
            panic!(
                "{}: module `{from}` has no band in core/tests/layering.rs",
                file.display()
            );
        };
        let rel = file
            .strip_prefix(src())
            .expect("under src")
            .display()
            .to_string();
        for to in targets(&text) {
            let Some(to_band) = band(&to) else { continue };
            if to != from {
                graph.entry(from.clone()).or_default().insert(to.clone());
            }
            if to_band > from_band {
                found.insert(format!("{rel} -> {to}"));
            }
        }
    }
    // Within a band imports may run both ways, but never in a cycle.
    for cycle in cycles(&graph) {
        found.insert(format!("cycle {}", cycle.join(" <-> ")));
    }
    found
}

/// The import cycles of `graph`: each strongly connected component of more than one
/// module, its members sorted (Tarjan's algorithm).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        out: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, v: &'g str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for w in self.graph.get(v).into_iter().flatten() {
                let w = w.as_str();
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.out.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in graph.keys() {
        if !walk.index.contains_key(v.as_str()) {
            walk.visit(v);
        }
    }
    walk.out.sort();
    walk.out
}

#[test]
fn imports_follow_the_bands() {
    let listed: BTreeSet<String> = include_str!("layering-exceptions.txt")
        .lines()
        .map(|l| l.split('#').next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let found = violations();
    let new: Vec<_> = found.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&found).collect();
    assert!(
        new.is_empty(),
        "imports against the bands (move the code to the right band instead):\n{new:#?}"
    );
    assert!(
        gone.is_empty(),
        "no longer violated: remove from core/tests/layering-exceptions.txt:\n{gone:#?}"
    );
}

#[test]
fn the_parser_sees_grouped_and_inline_imports() {
    let text = "use crate::{code::Code, report::{Finding, Report}};\n\
                use crate::{\n    time::Timestamp,\n    validator::Options,\n};\n\
                fn f() { let _ = crate::policy::Policy::default(); } // crate::fix::x\n";
    let got = targets(text);
    let want: BTreeSet<String> = ["code", "report", "time", "validator", "policy"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(got, want);
}

#[test]
fn cycles_of_any_length_are_found() {
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", &["b"][..]),
        ("b", &["c"]),
        ("c", &["a", "d"]),
        ("d", &["e"]),
        ("e", &[]),
        ("f", &["g"]),
        ("g", &["f"]),
    ]
    .into_iter()
    .map(|(k, vs)| (k.to_owned(), vs.iter().map(|v| (*v).to_owned()).collect()))
    .collect();
    assert_eq!(
        cycles(&graph),
        vec![
            vec!["a".to_owned(), "b".to_owned(), "c".to_owned()],
            vec!["f".to_owned(), "g".to_owned()],
        ]
    );
    // Without c's edge back to a and g's to f, nothing cycles.
    let mut acyclic = graph;
    acyclic.get_mut("c").expect("c").remove("a");
    acyclic.get_mut("g").expect("g").clear();
    assert!(cycles(&acyclic).is_empty());
}
