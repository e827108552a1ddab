//! The C ABI crate's shape, read from its source: each exported `chainvet_X_*` function
//! lives in X's module (`x.rs` or `x/`), the shared helpers (`panic`, `pointer`,
//! `result`, `text`) import no handle's module, and no two modules import each other,
//! directly or round about.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Modules every other may use; they use only each other.
const HELPERS: &[&str] = &["panic", "pointer", "result", "text"];

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

/// The top-level module a file belongs to (`report/revocation.rs` -> `report`); the
/// crate root is `lib`.
fn owner(file: &Path) -> String {
    let rel = file.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_owned()
}

/// The source without `//` comments (doc comments name other modules freely).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| line.split("//").next().unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every top-level module a file names through `crate::`, grouped imports included.
fn targets(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        if code[..at].ends_with(|c: char| is_ident(c)) {
            continue; // e.g. `chainvet_crate::`
        }
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or_default();
            for item in inner.split(',') {
                let name: String = item.trim().chars().take_while(|&c| is_ident(c)).collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest.chars().take_while(|&c| is_ident(c)).collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// The names of the `extern "C"` functions a file defines.
fn exported(code: &str) -> Vec<String> {
    code.match_indices("extern \"C\" fn ")
        .map(|(at, m)| {
            code[at + m.len()..]
                .chars()
                .take_while(|&c| is_ident(c))
                .collect()
        })
        .collect()
}

/// The first cycle in `graph`, as the modules along it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|n| n == node) {
            let mut found = path[i..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

struct Crate {
    /// Module -> the modules it imports (itself excluded).
    imports: BTreeMap<String, BTreeSet<String>>,
    /// (file, function) for every exported function.
    functions: Vec<(PathBuf, String)>,
}

fn read_crate() -> Crate {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut functions = Vec::new();
    for file in files {
        let module = owner(&file);
        let code = code(&std::fs::read_to_string(&file).expect("read source"));
        let entry = imports.entry(module.clone()).or_default();
        entry.extend(targets(&code).into_iter().filter(|t| *t != module));
        functions.extend(exported(&code).into_iter().map(|f| (file.clone(), f)));
    }
    Crate { imports, functions }
}

#[test]
fn every_function_lives_in_its_handles_module() {
    let krate = read_crate();
    assert!(
        krate.functions.len() > 50,
        "found only {} exported functions: is the parser still right?",
        krate.functions.len()
    );
    let misplaced: Vec<String> = krate
        .functions
        .iter()
        .filter(|(file, name)| {
            let module = owner(file);
            if module == "lib" {
                name != "chainvet_version"
            } else {
                !name.starts_with(&format!("chainvet_{module}_"))
            }
        })
        .map(|(file, name)| format!("{name} in {}", file.display()))
        .collect();
    assert!(misplaced.is_empty(), "misplaced: {misplaced:#?}");
}

#[test]
fn helpers_import_only_helpers() {
    let krate = read_crate();
    for helper in HELPERS {
        let used = krate.imports.get(*helper).expect("helper module exists");
        let wrong: Vec<_> = used
            .iter()
            .filter(|m| !HELPERS.contains(&m.as_str()))
            .collect();
        assert!(wrong.is_empty(), "{helper} imports {wrong:?}");
    }
}

#[test]
fn no_import_cycle() {
    let krate = read_crate();
    // The handles that used to import each other are all still read.
    for module in [
        "options",
        "registry",
        "validator",
        "presented",
        "crl",
        "report",
    ] {
        assert!(krate.imports.contains_key(module), "{module} not found");
    }
    assert_eq!(cycle(&krate.imports), None);
}

/// The checks above would catch what they look for.
#[test]
fn the_checks_see_what_they_look_for() {
    let text = "use crate::{options::x, text};\nlet a = crate::registry::y(); // crate::report\n";
    let found = targets(&code(text));
    assert_eq!(
        found,
        ["options", "registry", "text"].map(String::from).into()
    );
    assert_eq!(
        exported("pub unsafe extern \"C\" fn chainvet_crl_new(a: u8) {}"),
        vec!["chainvet_crl_new".to_owned()]
    );
    let graph: BTreeMap<String, BTreeSet<String>> = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.into_iter().map(String::from).collect()))
    .collect();
    let found = cycle(&graph).expect("a -> b -> c -> a");
    assert_eq!(found.first(), found.last());
    assert_eq!(found.len(), 4);
}
