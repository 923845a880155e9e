//! The rule reference in docs/rules/ and the README's summary table are generated from the
//! embedded packs; these tests fail when they drift, and say how to regenerate.

use std::collections::BTreeSet;
use std::path::Path;

use crate::support::{gonogo, root};

const REGENERATE: &str = "regenerate with `cargo run -- rules --format markdown --out docs/rules` \
     and paste `cargo run -- rules --format summary` between the README's rules markers";

#[test]
fn docs_rules_match_the_packs() {
    let out = tempfile::tempdir().unwrap();
    gonogo()
        .args(["rules", "--format", "markdown", "--out"])
        .arg(out.path())
        .assert()
        .success();
    let docs = root().join("docs/rules");
    let names = |dir: &Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .map(|d| {
                d.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let generated = names(out.path());
    assert!(
        generated.len() > 10,
        "suspiciously few pages: {generated:?}"
    );
    assert_eq!(
        names(&docs),
        generated,
        "docs/rules has missing or stale pages; {REGENERATE}"
    );
    for name in &generated {
        let want = std::fs::read_to_string(out.path().join(name)).unwrap();
        let have = std::fs::read_to_string(docs.join(name)).unwrap();
        assert!(
            want == have,
            "docs/rules/{name} drifted from the packs; {REGENERATE}"
        );
    }
}

#[test]
fn readme_summary_matches_the_packs() {
    let out = gonogo()
        .args(["rules", "--format", "summary"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("<!-- rules:begin -->\n")
        .expect("README has a rules:begin marker")
        + 21;
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README has a rules:end marker");
    assert!(
        readme[start..end] == table,
        "the README's rule table drifted; {REGENERATE}"
    );
}
