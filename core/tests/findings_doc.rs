//! `docs/findings.md` is generated from the code table in `core/src/code.rs`: this test
//! renders it and fails when the committed file differs (run it with
//! `CHAINVET_BLESS=1` to rewrite the file after adding or changing a code).

use std::path::PathBuf;

use chainvet::Code;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The doc comment written above each code in `code.rs`, by dotted name: the table's
/// "when" column comes from the same text a reader of the source sees.
fn doc_comments(source: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut doc: Vec<String> = Vec::new();
    for line in source.lines().map(str::trim) {
        if let Some(text) = line.strip_prefix("///") {
            doc.push(text.trim().to_owned());
            continue;
        }
        // `Variant = 1000, "area.name", Severity, "title";`
        if let Some(name) = line
            .split('"')
            .nth(1)
            .filter(|n| n.contains('.') && line.contains(" = ") && line.ends_with("\";"))
        {
            out.push((name.to_owned(), doc.join(" ")));
        }
        doc.clear();
    }
    out
}

fn render() -> String {
    let source = std::fs::read_to_string(repo().join("core/src/code.rs")).expect("code.rs");
    let docs = doc_comments(&source);
    let mut md = String::from(
        "# Finding codes\n\n\
         Generated from `core/src/code.rs` by `core/tests/findings_doc.rs` (CI fails when \
         this file and the code table differ; `CHAINVET_BLESS=1 cargo test -p chainvet \
         --test findings_doc` rewrites it). Codes never change meaning once released; \
         integers are grouped by area and a retired number stays reserved. A bundle is \
         accepted iff no finding is an error; `[severity]` in the policy overrides the \
         default severity per code.\n",
    );
    let mut area = "";
    for &code in Code::ALL {
        let name = code.as_str();
        let this_area = name.split('.').next().unwrap_or_default();
        if this_area != area {
            area = this_area;
            md.push_str(&format!(
                "\n## {area}\n\n| code | integer | default severity | meaning | when |\n|---|---:|---|---|---|\n"
            ));
        }
        let when = docs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.replace('|', "\\|"))
            .unwrap_or_default();
        md.push_str(&format!(
            "| `{name}` | {} | {} | {} | {when} |\n",
            code.as_u32(),
            code.default_severity(),
            code.title()
        ));
    }
    md
}

#[test]
fn findings_reference_matches_the_code_table() {
    let path = repo().join("docs/findings.md");
    let rendered = render();
    if std::env::var_os("CHAINVET_BLESS").is_some() {
        std::fs::write(&path, &rendered).expect("write docs/findings.md");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == rendered,
        "docs/findings.md is out of date: run CHAINVET_BLESS=1 cargo test -p chainvet --test findings_doc"
    );
}

#[test]
fn every_code_has_a_doc_comment() {
    let source = std::fs::read_to_string(repo().join("core/src/code.rs")).expect("code.rs");
    let docs = doc_comments(&source);
    for &code in Code::ALL {
        let doc = docs.iter().find(|(n, _)| n == code.as_str());
        assert!(
            doc.is_some_and(|(_, d)| !d.is_empty()),
            "{code} has no doc comment in code.rs"
        );
    }
    assert_eq!(
        docs.len(),
        Code::ALL.len(),
        "code.rs lines not parsed as codes"
    );
}
