//! Patch coverage: of the lines a change added or changed, how many the coverage report knows as
//! coverable, and how many of those ran — what Codecov's patch status and diff-cover report, on
//! the evidence of any coverage format that gives per-line data.
//!
//! The diff names files relative to the repository (or the project, with `git diff
//! --relative`); coverage reports name them as their producer saw them. A report path is turned
//! into candidate repository paths, most specific first: under each Cobertura `<sources>` root
//! (coverage.py, gcovr), an absolute path under the project root made relative (LCOV), JaCoCo's
//! `package/File.java` as is; then, when no candidate equals a changed path, the longest match on
//! whole trailing path components (`src/main/java/org/x/A.java` ends with `org/x/A.java`). A tie
//! between two report files is not guessed: the changed file is listed as ambiguous.
//!
//! Fail closed: when a changed file the report knows has no per-line data (a summary-only
//! report, JaCoCo without `<line>`s, lines past the parser's budget), or the report's file list
//! was truncated, the patch figures are unavailable with that reason rather than computed on a
//! part. Changed files the report does not know (documentation, configuration, files no test
//! loaded) have no coverable line, as in diff-cover; they are listed in the notes, never dropped
//! silently. With no coverable changed line, `patch_line_percent` is unavailable (0 of 0 is no
//! percentage) and the rule's `on_missing` decides.

use std::collections::HashMap;

use crate::evidence::{ChangeKind, CoverageReport, FileCoverage, Patch};
use crate::model::Measurement;

/// Files named in one note before "and N more".
const LISTED: usize = 20;

/// The figures of a change against a coverage report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct PatchFigures {
    pub total: u64,
    pub covered: u64,
    /// Changed files (with added lines) the report does not know.
    pub unknown: Vec<String>,
    /// Changed files matching two report files equally well.
    pub ambiguous: Vec<String>,
    /// Changed files the report knows without per-line data.
    pub no_detail: Vec<String>,
    /// Per changed file, its coverable changed lines that did not run, as ranges.
    pub missed: Vec<(String, Vec<(u32, u32)>)>,
    /// Changed files measured.
    pub measured: u64,
    /// Lines added or changed, in files that are not deleted or binary.
    pub changed_lines: u64,
}

/// Measures `patch` against `report`. `root` is the project root as an absolute path (for
/// absolute report paths); `waived` says whether a report file is left out by a waiver.
pub(crate) fn figures(
    report: &CoverageReport,
    patch: &Patch,
    root: &str,
    waived: &dyn Fn(&FileCoverage) -> bool,
) -> PatchFigures {
    let files: Vec<&FileCoverage> = report.files.iter().filter(|f| !waived(f)).collect();
    let candidates: Vec<Vec<String>> = files
        .iter()
        .map(|f| repo_paths(&f.path, &report.source_roots, root))
        .collect();
    let mut exact: HashMap<&str, usize> = HashMap::new();
    for (i, cands) in candidates.iter().enumerate() {
        for c in cands {
            exact.entry(c.as_str()).or_insert(i);
        }
    }
    let mut out = PatchFigures::default();
    for changed in &patch.files {
        if changed.binary || changed.kind == ChangeKind::Deleted || changed.added.is_empty() {
            continue;
        }
        out.changed_lines += changed.lines_added;
        let path = normalize(&changed.path);
        let index = match exact.get(path.as_str()) {
            Some(&i) => Some(i),
            None => match by_suffix(&path, &candidates) {
                Match::One(i) => Some(i),
                Match::Tie => {
                    out.ambiguous.push(path.clone());
                    None
                }
                Match::None => {
                    out.unknown.push(path.clone());
                    None
                }
            },
        };
        let Some(i) = index else { continue };
        let Some(lines) = &files[i].lines else {
            out.no_detail.push(path);
            continue;
        };
        out.measured += 1;
        let mut missed: Vec<(u32, u32)> = Vec::new();
        for &(first, last) in &changed.added {
            let (total, covered) = lines.count_in(first, last);
            out.total += total;
            out.covered += covered;
            for line in lines.missed_in(first, last) {
                match missed.last_mut() {
                    Some((_, end)) if *end + 1 == line => *end = line,
                    _ => missed.push((line, line)),
                }
            }
        }
        if !missed.is_empty() {
            out.missed.push((path, missed));
        }
    }
    out
}

/// Adds the patch metrics and notes of `patch` against `report` to `m`.
pub(crate) fn measure(
    report: &CoverageReport,
    patch: &Patch,
    root: &str,
    waived: &dyn Fn(&FileCoverage) -> bool,
    m: &mut Measurement,
) {
    let f = figures(report, patch, root, waived);
    let unusable = if !f.no_detail.is_empty() {
        Some(format!(
            "the coverage report has no per-line data for {} changed file(s) ({}); patch \
             coverage needs a report with lines (Cobertura, coverage.py XML, LCOV)",
            f.no_detail.len(),
            listed(&f.no_detail)
        ))
    } else if report.files_truncated > 0 && !(f.unknown.is_empty() && f.ambiguous.is_empty()) {
        Some(format!(
            "the coverage report lists more files than gonogo keeps ({} left out), so changed \
             files it does not list ({}) may be among them",
            report.files_truncated,
            listed(&f.unknown)
        ))
    } else {
        None
    };
    if let Some(why) = unusable {
        for name in [
            "patch_lines_total",
            "patch_lines_covered",
            "patch_line_percent",
        ] {
            m.unavailable.insert(name.into(), why.clone());
        }
        return;
    }
    m.set("patch_lines_total", f.total);
    m.set("patch_lines_covered", f.covered);
    m.set_opt(
        "patch_line_percent",
        (f.total > 0).then(|| f.covered as f64 * 100.0 / f.total as f64),
        &format!(
            "no coverable line among the {} added or changed line(s) of the diff (diff-cover: \
             \"no lines with coverage information\"; Codecov: \"no coverable changes\"): \
             there is no percentage to judge",
            f.changed_lines
        ),
    );
    m.notes.push(format!(
        "patch: {} of {} coverable changed line(s) covered, in {} changed file(s) the report knows",
        f.covered, f.total, f.measured
    ));
    if !f.missed.is_empty() {
        let shown: Vec<String> = f
            .missed
            .iter()
            .take(LISTED)
            .map(|(p, ranges)| format!("{p} {}", ranges_text(ranges)))
            .collect();
        let more = f.missed.len().saturating_sub(LISTED);
        m.notes.push(format!(
            "patch: changed lines not covered: {}{}",
            shown.join("; "),
            if more > 0 {
                format!("; and {more} more file(s)")
            } else {
                String::new()
            }
        ));
    }
    if !f.unknown.is_empty() {
        m.notes.push(format!(
            "patch: {} changed file(s) unknown to the coverage report, counted as having no \
             coverable line: {}",
            f.unknown.len(),
            listed(&f.unknown)
        ));
    }
    if !f.ambiguous.is_empty() {
        m.notes.push(format!(
            "patch: {} changed file(s) match several files of the coverage report equally well \
             and were left out: {}",
            f.ambiguous.len(),
            listed(&f.ambiguous)
        ));
    }
}

fn listed(paths: &[String]) -> String {
    let mut text = paths
        .iter()
        .take(LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > LISTED {
        text.push_str(&format!(" and {} more", paths.len() - LISTED));
    }
    text
}

fn ranges_text(ranges: &[(u32, u32)]) -> String {
    ranges
        .iter()
        .map(|&(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

enum Match {
    One(usize),
    Tie,
    None,
}

/// The report file whose candidate shares the most trailing path components with `path`, when
/// one of them is entirely a suffix of the other.
fn by_suffix(path: &str, candidates: &[Vec<String>]) -> Match {
    let mut best: Option<(usize, usize)> = None;
    let mut tie = false;
    for (i, cands) in candidates.iter().enumerate() {
        let score = cands
            .iter()
            .filter_map(|c| suffix_score(path, c))
            .max()
            .unwrap_or(0);
        if score == 0 {
            continue;
        }
        match best {
            Some((s, j)) if score == s && j != i => tie = true,
            Some((s, _)) if score <= s => {}
            _ => {
                best = Some((score, i));
                tie = false;
            }
        }
    }
    match best {
        Some(_) if tie => Match::Tie,
        Some((_, i)) => Match::One(i),
        None => Match::None,
    }
}

/// The number of components of the shorter path when it is a whole-component suffix of the
/// longer one.
fn suffix_score(a: &str, b: &str) -> Option<usize> {
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let short = short.trim_start_matches('/');
    if short.is_empty() {
        return None;
    }
    let ok = long == short
        || (long.ends_with(short) && long.as_bytes()[long.len() - short.len() - 1] == b'/');
    ok.then(|| short.split('/').count())
}

/// The repository paths a report's file name may stand for, most specific first.
pub(crate) fn repo_paths(file: &str, roots: &[String], project_root: &str) -> Vec<String> {
    let f = normalize(file);
    let root = normalize(project_root);
    if is_absolute(&f) {
        return vec![under(&f, &root).unwrap_or(f)];
    }
    let mut out: Vec<String> = Vec::new();
    for r in roots {
        let r = normalize(r);
        let base = if is_absolute(&r) {
            under(&r, &root)
        } else {
            Some(r)
        };
        if let Some(base) = base {
            let joined = if base.is_empty() {
                f.clone()
            } else {
                format!("{base}/{f}")
            };
            if !out.contains(&joined) {
                out.push(joined);
            }
        }
    }
    if !out.contains(&f) {
        out.push(f);
    }
    out
}

/// `/` separators, no `./` segments, no repeated or trailing `/`.
fn normalize(path: &str) -> String {
    let p = path.trim().replace('\\', "/");
    let absolute = p.starts_with('/');
    let parts: Vec<&str> = p
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

fn is_absolute(p: &str) -> bool {
    let b = p.as_bytes();
    p.starts_with('/') || (b.len() > 2 && b[1] == b':' && b[2] == b'/')
}

/// `path` relative to `root`, when under it.
fn under(path: &str, root: &str) -> Option<String> {
    if root.is_empty() || root == "/" {
        return path.strip_prefix('/').map(str::to_string);
    }
    if path == root {
        return Some(String::new());
    }
    path.strip_prefix(root)
        .and_then(|rest| rest.strip_prefix('/'))
        .map(str::to_string)
}

#[cfg(test)]
mod tests;
