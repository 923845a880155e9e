use super::*;
use crate::evidence::{ChangedFile, LineDetail, Value};

fn file(path: &str, lines: &[(u32, bool)]) -> FileCoverage {
    FileCoverage {
        path: path.into(),
        lines: Some(LineDetail::from_sorted(lines.iter().copied())),
        ..FileCoverage::default()
    }
}

fn changed(path: &str, added: &[(u32, u32)]) -> ChangedFile {
    ChangedFile {
        path: path.into(),
        old_path: None,
        kind: ChangeKind::Modified,
        binary: false,
        added: added.to_vec(),
        lines_added: added.iter().map(|(a, b)| u64::from(b - a + 1)).sum(),
        lines_removed: 0,
    }
}

fn report(files: Vec<FileCoverage>, roots: &[&str]) -> CoverageReport {
    CoverageReport {
        files,
        source_roots: roots.iter().map(|r| r.to_string()).collect(),
        ..CoverageReport::default()
    }
}

fn none(_: &FileCoverage) -> bool {
    false
}

#[test]
fn report_paths_become_repository_paths() {
    let roots = vec!["/work/proj/src".to_string(), "lib".to_string()];
    assert_eq!(
        repo_paths("pkg/a.py", &roots, "/work/proj"),
        vec!["src/pkg/a.py", "lib/pkg/a.py", "pkg/a.py"]
    );
    assert_eq!(
        repo_paths("/work/proj/./src/b.ts", &[], "/work/proj/"),
        vec!["src/b.ts"]
    );
    assert_eq!(
        repo_paths("/elsewhere/b.ts", &[], "/work/proj"),
        vec!["/elsewhere/b.ts"]
    );
    assert_eq!(repo_paths(r"src\Win\C.cs", &[], "/w"), vec!["src/Win/C.cs"]);
    let outside = vec!["/other/root".to_string()];
    assert_eq!(repo_paths("x.py", &outside, "/work/proj"), vec!["x.py"]);
}

#[test]
fn counts_only_coverable_changed_lines() {
    let r = report(
        vec![file(
            "app.py",
            &[(1, true), (2, true), (3, false), (5, false), (9, true)],
        )],
        &["/p"],
    );
    let patch = Patch {
        files: vec![changed("app.py", &[(2, 5), (7, 9)])],
    };
    let f = figures(&r, &patch, "/p", &none);
    assert_eq!((f.total, f.covered), (4, 2));
    assert_eq!(f.missed, vec![("app.py".to_string(), vec![(3, 3), (5, 5)])]);
    assert_eq!(f.changed_lines, 7);
}

#[test]
fn jacoco_package_paths_match_by_suffix_and_ties_are_not_guessed() {
    let r = report(
        vec![
            file("org/demo/A.java", &[(10, true)]),
            file("a/Util.java", &[(1, true)]),
            file("b/Util.java", &[(1, false)]),
        ],
        &[],
    );
    let patch = Patch {
        files: vec![
            changed("src/main/java/org/demo/A.java", &[(10, 10)]),
            changed("Util.java", &[(1, 1)]),
            changed("README.md", &[(1, 3)]),
        ],
    };
    let f = figures(&r, &patch, "/p", &none);
    assert_eq!((f.total, f.covered), (1, 1));
    assert_eq!(f.ambiguous, vec!["Util.java".to_string()]);
    assert_eq!(f.unknown, vec!["README.md".to_string()]);
}

#[test]
fn suffixes_match_whole_components_only() {
    assert_eq!(suffix_score("src/xa.py", "a.py"), None);
    assert_eq!(suffix_score("src/pkg/a.py", "pkg/a.py"), Some(2));
    assert_eq!(suffix_score("a.py", "a.py"), Some(1));
}

#[test]
fn deleted_binary_and_waived_files_are_not_measured() {
    let r = report(
        vec![file("gen.py", &[(1, false)]), file("x.py", &[(1, false)])],
        &[],
    );
    let mut bin = changed("x.py", &[(1, 1)]);
    bin.binary = true;
    let mut gone = changed("x.py", &[(1, 1)]);
    gone.kind = ChangeKind::Deleted;
    let patch = Patch {
        files: vec![bin, gone, changed("gen.py", &[(1, 1)])],
    };
    let waived = |f: &FileCoverage| f.path == "gen.py";
    let f = figures(&r, &patch, "/p", &waived);
    assert_eq!((f.total, f.changed_lines), (0, 1));
    assert_eq!(f.unknown, vec!["gen.py".to_string()]);
}

#[test]
fn zero_coverable_lines_is_no_percentage() {
    let r = report(vec![file("a.py", &[(1, true)])], &[]);
    let patch = Patch {
        files: vec![changed("docs/x.md", &[(1, 4)])],
    };
    let mut m = Measurement::default();
    measure(&r, &patch, "/p", &none, &mut m);
    assert_eq!(m.metrics["patch_lines_total"], Value::Number(0.0));
    assert!(!m.metrics.contains_key("patch_line_percent"));
    assert!(m.unavailable["patch_line_percent"].contains("no coverable line"));
    assert!(
        m.notes.iter().any(|n| n.contains("docs/x.md")),
        "{:?}",
        m.notes
    );
}

#[test]
fn a_changed_file_without_line_data_makes_the_figures_unavailable() {
    let mut summary = file("A.java", &[]);
    summary.lines = None;
    let r = report(vec![summary, file("b.py", &[(1, true)])], &[]);
    let patch = Patch {
        files: vec![changed("A.java", &[(1, 1)]), changed("b.py", &[(1, 1)])],
    };
    let mut m = Measurement::default();
    measure(&r, &patch, "/p", &none, &mut m);
    assert!(m.metrics.keys().all(|k| !k.starts_with("patch_")));
    assert!(m.unavailable["patch_lines_total"].contains("per-line data"));
}

#[test]
fn a_truncated_file_list_does_not_count_unknown_files_as_uncoverable() {
    let mut r = report(vec![file("a.py", &[(1, true)])], &[]);
    r.files_truncated = 3;
    let patch = Patch {
        files: vec![changed("b.py", &[(1, 1)])],
    };
    let mut m = Measurement::default();
    measure(&r, &patch, "/p", &none, &mut m);
    assert!(m.unavailable["patch_line_percent"].contains("more files"));
}

#[test]
fn percent_from_counts() {
    let r = report(vec![file("a.py", &[(1, true), (2, false), (3, true)])], &[]);
    let patch = Patch {
        files: vec![changed("a.py", &[(1, 3)])],
    };
    let mut m = Measurement::default();
    measure(&r, &patch, "/p", &none, &mut m);
    let Value::Number(p) = m.metrics["patch_line_percent"] else {
        panic!()
    };
    assert!((p - 200.0 / 3.0).abs() < 1e-9);
    assert_eq!(m.metrics["patch_lines_covered"], Value::Number(2.0));
}

/// The fixture of `tests/fixtures/patch/regenerate.sh`: real pytest + coverage.py output, a real
/// `git diff`, and diff-cover's JSON report on them.
mod against_diff_cover {
    use super::*;
    use std::path::PathBuf;

    /// Where regenerate.sh builds the repository (coverage.py's `<source>` is under it).
    const ROOT: &str = "/tmp/gonogo-patch-fixture";

    fn fixture(name: &str) -> Vec<u8> {
        let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/patch/python")
            .join(name);
        std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    fn expected(name: &str) -> (u64, u64, f64, Vec<(String, Vec<u32>)>) {
        let v: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
        let total = v["total_num_lines"].as_u64().unwrap();
        let violations = v["total_num_violations"].as_u64().unwrap();
        let percent = v["total_percent_covered"].as_f64().unwrap();
        let mut files: Vec<(String, Vec<u32>)> = v["src_stats"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(path, s)| {
                let lines = s["violation_lines"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|n| n.as_u64().unwrap() as u32)
                    .collect();
                (path.clone(), lines)
            })
            .collect();
        files.sort();
        (total, total - violations, percent, files)
    }

    fn ours(report: &CoverageReport, root: &str) -> (u64, u64, f64, Vec<(String, Vec<u32>)>) {
        let patch = crate::parse::diff::parse(&fixture("change.diff")[..]).unwrap();
        let f = figures(report, &patch, root, &none);
        let mut files: Vec<(String, Vec<u32>)> = f
            .missed
            .iter()
            .map(|(p, ranges)| (p.clone(), ranges.iter().flat_map(|&(a, b)| a..=b).collect()))
            .collect();
        files.sort();
        let percent = f.covered as f64 * 100.0 / f.total as f64;
        (f.total, f.covered, percent, files)
    }

    fn assert_same(
        ours: (u64, u64, f64, Vec<(String, Vec<u32>)>),
        theirs: (u64, u64, f64, Vec<(String, Vec<u32>)>),
    ) {
        assert_eq!(
            (ours.0, ours.1),
            (theirs.0, theirs.1),
            "lines total, covered"
        );
        // diff-cover prints the total percentage truncated to a whole number.
        assert_eq!(
            ours.2.floor(),
            theirs.2,
            "percent {} vs {}",
            ours.2,
            theirs.2
        );
        let theirs_missed: Vec<_> = theirs
            .3
            .into_iter()
            .filter(|(_, l)| !l.is_empty())
            .collect();
        assert_eq!(ours.3, theirs_missed, "uncovered changed lines per file");
    }

    #[test]
    fn coverage_py_xml_gives_diff_cover_s_figures() {
        let report = crate::parse::cobertura::parse(&fixture("coverage.xml")[..]).unwrap();
        assert_eq!(report.source_roots, vec![format!("{ROOT}/src")]);
        let theirs = expected("diff-cover.json");
        assert_eq!((theirs.0, theirs.1), (23, 16));
        // Through the <source> root, as in the job that produced the report...
        assert_same(ours(&report, ROOT), theirs.clone());
        // ...and by suffix, when the project is checked out elsewhere.
        assert_same(ours(&report, "/builds/group/shop"), theirs);
    }

    #[test]
    fn lcov_gives_diff_cover_s_figures() {
        let report = crate::parse::lcov::parse(&fixture("coverage.lcov")[..]).unwrap();
        let theirs = expected("diff-cover-lcov.json");
        assert_eq!((theirs.0, theirs.1), (18, 13));
        assert_same(ours(&report, ROOT), theirs);
    }
}

#[test]
fn a_jacoco_report_gives_patch_figures_through_its_package_paths() {
    let xml = r#"<report name="r"><package name="org/demo"><sourcefile name="A.java"><line nr="3" mi="0" ci="2"/><line nr="4" mi="3" ci="0"/><line nr="5" mi="0" ci="0"/><counter type="LINE" missed="1" covered="1"/></sourcefile></package><counter type="LINE" missed="1" covered="1"/></report>"#;
    let r = crate::parse::jacoco::parse(xml.as_bytes()).unwrap();
    let patch = Patch {
        files: vec![changed("src/main/java/org/demo/A.java", &[(3, 5)])],
    };
    let f = figures(&r, &patch, "/p", &none);
    assert_eq!((f.total, f.covered), (2, 1));
    assert_eq!(
        f.missed,
        vec![("src/main/java/org/demo/A.java".to_string(), vec![(4, 4)])]
    );
}
