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
