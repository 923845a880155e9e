//! The change of this run, for patch coverage: `--diff PATH` (`-` for stdin), `--diff-base REF`
//! (`git diff REF...HEAD` in the project root), or, with neither, the merge-request base the CI
//! names (`CI_MERGE_REQUEST_DIFF_BASE_SHA` on GitLab, `GITHUB_BASE_REF` on GitHub). Reading it
//! is IO and lives here; parsing is `parse::diff`, measuring `checks::coverage_patch`. Whatever
//! goes wrong (no git, a base not fetched in a shallow clone, a malformed diff) becomes the reason
//! the rules that ask for patch metrics are inconclusive; the verdict records it.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use sha2::{Digest, Sha256};

use crate::eval::{PatchInput, PatchRecord, PatchState};
use crate::evidence::{Missing, MissingReason};
use crate::model::AppliedOverride;
use crate::read::process::RunError;

/// Largest diff read (a file, stdin or git's output).
const MAX_DIFF: u64 = 512 * 1024 * 1024;

/// How long `git diff` may take.
const GIT_TIMEOUT: Duration = Duration::from_secs(120);

/// Where the diff comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DiffSource {
    File(PathBuf),
    Stdin,
    /// `git diff BASE...HEAD`, with what chose the base (`--diff-base`, a CI variable).
    Git {
        base: String,
        origin: String,
    },
}

/// The diff source of this run and the override the command line made of gonogo.yaml's
/// `diff:`, if it replaced one.
pub(super) fn choose(
    diff: Option<&Path>,
    diff_base: Option<&str>,
    config: &crate::config::Config,
    env: &dyn Fn(&str) -> Option<String>,
) -> (Option<DiffSource>, Option<AppliedOverride>) {
    let configured = config.diff.as_ref().and_then(|d| match (&d.path, &d.base) {
        (Some(p), _) => Some(DiffSource::File(config.root.join(p))),
        (None, Some(b)) => Some(DiffSource::Git {
            base: b.clone(),
            origin: "gonogo.yaml".into(),
        }),
        (None, None) => None,
    });
    let cli = source(diff, diff_base, &|_| None);
    match (cli, configured) {
        (Some(cli), Some(configured)) => {
            let applied = AppliedOverride {
                what: "diff".into(),
                change: format!("{} → {}", describe(&configured), describe(&cli)),
                origin: "--diff/--diff-base (GONOGO_DIFF, GONOGO_DIFF_BASE)".into(),
                waiver: None,
            };
            (Some(cli), Some(applied))
        }
        (Some(cli), None) => (Some(cli), None),
        (None, Some(configured)) => (Some(configured), None),
        (None, None) => (source(None, None, env), None),
    }
}

/// The diff source of the command line, then of the CI's merge-request base.
pub(super) fn source(
    diff: Option<&Path>,
    diff_base: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Option<DiffSource> {
    if let Some(p) = diff {
        return Some(if p == Path::new("-") {
            DiffSource::Stdin
        } else {
            DiffSource::File(p.to_path_buf())
        });
    }
    if let Some(base) = diff_base.filter(|b| !b.trim().is_empty()) {
        return Some(DiffSource::Git {
            base: base.trim().to_string(),
            origin: "--diff-base".into(),
        });
    }
    let set = |name: &str| env(name).filter(|v| !v.trim().is_empty());
    if let Some(sha) = set("CI_MERGE_REQUEST_DIFF_BASE_SHA") {
        return Some(DiffSource::Git {
            base: sha.trim().to_string(),
            origin: "CI_MERGE_REQUEST_DIFF_BASE_SHA".into(),
        });
    }
    set("GITHUB_BASE_REF").map(|r| DiffSource::Git {
        base: format!("origin/{}", r.trim()),
        origin: "GITHUB_BASE_REF".into(),
    })
}

/// Reads and parses the diff.
pub(super) fn read(source: Option<&DiffSource>, root: &Path) -> PatchState {
    let Some(source) = source else {
        return PatchState::None;
    };
    let root_abs = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut record = PatchRecord {
        source: describe(source),
        sha256: String::new(),
        files_changed: 0,
        lines_added: 0,
        lines_removed: 0,
        error: None,
    };
    let parsed = match source {
        DiffSource::File(path) => match crate::read::open(path, MAX_DIFF) {
            Ok((file, _)) => parse(file, &record.source),
            Err(e) => Err(Missing::new(
                MissingReason::NotFound,
                format!(
                    "diff: {e}; give --diff a unified diff (`git diff BASE...HEAD > change.diff`)"
                ),
            )),
        },
        DiffSource::Stdin => parse(std::io::stdin().lock(), &record.source),
        DiffSource::Git { base, origin } => {
            git_diff(base, origin, &root_abs).and_then(|bytes| parse(&bytes[..], &record.source))
        }
    };
    match parsed {
        Ok((patch, sha256)) => {
            record.sha256 = sha256;
            record.files_changed = patch.files.len() as u64;
            record.lines_added = patch.lines_added();
            record.lines_removed = patch.lines_removed();
            PatchState::Available(Box::new(PatchInput {
                record,
                patch,
                root: root_abs.to_string_lossy().into_owned(),
            }))
        }
        Err(m) => PatchState::Unavailable(record, m),
    }
}

fn describe(source: &DiffSource) -> String {
    match source {
        DiffSource::File(p) => format!("path: {}", p.display()),
        DiffSource::Stdin => "stdin".into(),
        DiffSource::Git { base, origin } => {
            format!("git diff --relative {base}...HEAD (base from {origin})")
        }
    }
}

/// A reader that hashes what passes through and refuses more than [`MAX_DIFF`] bytes.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
    read: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > MAX_DIFF {
            return Err(std::io::Error::other(format!(
                "the diff is larger than {}",
                crate::read::bytes(MAX_DIFF)
            )));
        }
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

fn parse(reader: impl Read, shown: &str) -> Result<(crate::evidence::Patch, String), Missing> {
    let mut hashing = Hashing {
        inner: reader,
        hash: Sha256::new(),
        read: 0,
    };
    let patch = crate::parse::diff::parse(BufReader::new(&mut hashing))
        .map_err(|e| Missing::new(MissingReason::ParseError, format!("diff ({shown}): {e}")))?;
    let digest = hashing.hash.finalize();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Ok((patch, hex))
}

/// `git diff --relative BASE...HEAD` in `root`: the change since the merge base, with paths
/// relative to the project (a project in a monorepo folder sees its own files).
fn git_diff(base: &str, origin: &str, root: &Path) -> Result<Vec<u8>, Missing> {
    if base.starts_with('-') {
        return Err(Missing::new(
            MissingReason::NotConfigured,
            format!("diff: the base {base:?} (from {origin}) is not a git revision"),
        ));
    }
    let mut cmd = Command::new("git");
    cmd.args([
        "-c",
        "core.quotePath=true",
        "diff",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--unified=0",
        "--relative",
    ])
    .arg(format!("{base}...HEAD"))
    .arg("--")
    .current_dir(root);
    let done = crate::read::process::run(&mut cmd, GIT_TIMEOUT, MAX_DIFF).map_err(|e| match e {
        RunError::Spawn(e) => Missing::new(
            MissingReason::Unreadable,
            format!(
                "diff: cannot run git ({e}); install git in the job's image, or pass --diff \
                 with a diff made elsewhere"
            ),
        ),
        RunError::Timeout => Missing::new(
            MissingReason::Timeout,
            format!(
                "diff: `git diff {base}...HEAD` took more than {}s",
                GIT_TIMEOUT.as_secs()
            ),
        ),
        RunError::Wait(e) => Missing::new(
            MissingReason::Unreadable,
            format!("diff: waiting for git failed: {e}"),
        ),
    })?;
    if !done.status.success() {
        return Err(Missing::new(
            MissingReason::Unreadable,
            format!(
                "diff: `git diff {base}...HEAD` (base from {origin}) failed ({}): {}; in a \
                 shallow CI clone fetch the base first (GitLab: GIT_DEPTH: 0; GitHub: \
                 actions/checkout with fetch-depth: 0)",
                done.status, done.stderr
            ),
        ));
    }
    if done.overflowed(MAX_DIFF) {
        return Err(Missing::new(
            MissingReason::Unreadable,
            format!(
                "diff: git's diff is larger than {}",
                crate::read::bytes(MAX_DIFF)
            ),
        ));
    }
    Ok(done.stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_command_line_comes_before_the_ci_base() {
        let ci = [
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "abc123"),
            ("GITHUB_BASE_REF", "main"),
        ];
        assert_eq!(
            source(Some(Path::new("-")), Some("x"), &env(&ci)),
            Some(DiffSource::Stdin)
        );
        assert_eq!(
            source(None, Some("origin/dev"), &env(&ci)),
            Some(DiffSource::Git {
                base: "origin/dev".into(),
                origin: "--diff-base".into()
            })
        );
        assert_eq!(
            source(None, None, &env(&ci)),
            Some(DiffSource::Git {
                base: "abc123".into(),
                origin: "CI_MERGE_REQUEST_DIFF_BASE_SHA".into()
            })
        );
        assert_eq!(
            source(
                None,
                None,
                &env(&[
                    ("GITHUB_BASE_REF", "main"),
                    ("CI_MERGE_REQUEST_DIFF_BASE_SHA", "")
                ])
            ),
            Some(DiffSource::Git {
                base: "origin/main".into(),
                origin: "GITHUB_BASE_REF".into()
            })
        );
        assert_eq!(source(None, None, &env(&[])), None);
    }

    #[test]
    fn an_option_like_base_is_refused() {
        let err = git_diff("--output=/tmp/x", "--diff-base", Path::new(".")).unwrap_err();
        assert!(err.detail.contains("not a git revision"));
    }
}
