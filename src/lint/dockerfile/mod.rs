//! Dockerfiles: read into build stages, then checked for a non-root final user, pinned base
//! images and unprivileged exposed ports.
//!
//! The reader follows the Dockerfile reference rather than a grammar of our own: parser
//! directives (`# escape=`) only at the very top, `#` comments only at the start of a line
//! (and dropped inside continuations), the escape character at the end of a line continuing
//! it, and BuildKit heredocs (`RUN <<EOF` … `EOF`) skipped whole, so a heredoc body that says
//! `USER root` is never read as an instruction. Variables in `FROM` are resolved from the
//! global `ARG`s (and the check's build arguments), in `USER` and `EXPOSE` from the stage's
//! `ARG`s and `ENV`s; what cannot be resolved is reported, never guessed.
//!
//! Multi-stage awareness: a stage built `FROM` an earlier stage inherits its user and
//! environment, only the final stage's user matters, and only the stages the final image is
//! built from contribute exposed ports.
//!
//! A final stage without `USER` runs as its base image's user. Bases whose publisher documents a
//! non-root default user count as non-root ([`NONROOT_BASES`]: distroless `:nonroot` and
//! `-nonroot` tags, Chainguard, Bitnami, nginx-unprivileged, Red Hat UBI runtimes): they are the
//! CCT's own recommendation (EXI-ARCH-6), and a rule that fails them fails recommended practice.
//! Any other base without `USER` cannot be shown non-root from the Dockerfile and is a finding.

mod check;
mod lex;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::parse::ParseError;

pub use check::check;
pub use lex::{Instruction, instructions};

/// The tool name findings carry.
pub const TOOL: &str = "gonogo-dockerfile";

/// One build stage.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// The `FROM` argument as written (`node:${NODE_VERSION}-alpine`).
    pub from: String,
    /// The `AS` name, lower-cased as the builder compares it.
    pub name: Option<String>,
    pub line: usize,
    /// The earlier stage this one is built from, when `from` names one.
    pub base_stage: Option<usize>,
    pub instructions: Vec<Instruction>,
}

impl Stage {
    /// `builder`, or `stage 2` for an unnamed one (1-based).
    pub fn label(&self, index: usize) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("stage {}", index + 1))
    }
}

/// A parsed Dockerfile.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dockerfile {
    /// `ARG`s declared before the first `FROM`, with their defaults.
    pub global_args: Vec<(String, Option<String>)>,
    pub stages: Vec<Stage>,
}

/// Reads a Dockerfile; one without any `FROM` is not a Dockerfile and is an error.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let mut df = Dockerfile::default();
    for ins in instructions(text)? {
        match ins.keyword.as_str() {
            "FROM" => {
                let mut words = ins.args.split_whitespace().filter(|w| !w.starts_with("--"));
                let from = words.next().unwrap_or_default().to_string();
                let name = match (words.next(), words.next()) {
                    (Some(kw), Some(n)) if kw.eq_ignore_ascii_case("as") => Some(n.to_lowercase()),
                    _ => None,
                };
                let lower = from.to_lowercase();
                let base_stage = df
                    .stages
                    .iter()
                    .position(|s| s.name.as_deref() == Some(lower.as_str()));
                df.stages.push(Stage {
                    from,
                    name,
                    line: ins.line,
                    base_stage,
                    instructions: Vec::new(),
                });
            }
            "ARG" if df.stages.is_empty() => df.global_args.extend(arg_declarations(&ins.args)),
            _ => {
                if let Some(stage) = df.stages.last_mut() {
                    stage.instructions.push(ins);
                }
            }
        }
    }
    if df.stages.is_empty() {
        return Err(ParseError::new("no FROM instruction: not a Dockerfile"));
    }
    Ok(df)
}

/// `ARG A=1 B` → `[(A, Some(1)), (B, None)]`; quotes around values are removed.
pub fn arg_declarations(args: &str) -> Vec<(String, Option<String>)> {
    shell_words(args)
        .into_iter()
        .filter(|w| !w.is_empty())
        .map(|w| match w.split_once('=') {
            Some((k, v)) => (k.to_string(), Some(v.to_string())),
            None => (w, None),
        })
        .collect()
}

/// `ENV A=1 B="two words"` and the legacy `ENV A one value` → pairs.
pub fn env_declarations(args: &str) -> Vec<(String, String)> {
    let words = shell_words(args);
    match words.first() {
        Some(first) if !first.contains('=') => {
            let value = args.trim_start().get(first.len()..).unwrap_or("").trim();
            vec![(first.clone(), unquote(value))]
        }
        _ => words
            .into_iter()
            .filter_map(|w| {
                w.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect(),
    }
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return s[1..s.len() - 1].to_string();
        }
    }
    s.to_string()
}

/// Splits on unquoted whitespace and drops the quotes, as the builder does for `ARG`/`ENV`.
fn shell_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some('"') | None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (None, c) if c.is_whitespace() => {
                if !cur.is_empty() {
                    words.push(std::mem::take(&mut cur));
                }
            }
            (_, c) => cur.push(c),
        }
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// Expands `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}` and
/// `${VAR+alt}`. `Err(name)` names the first variable without a value.
pub fn substitute(text: &str, vars: &BTreeMap<String, Option<String>>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(body) = after.strip_prefix('{') {
            let Some(end) = body.find('}') else {
                return Err(after.to_string());
            };
            let expr = &body[..end];
            rest = &body[end + 1..];
            let (name, op, word) = split_modifier(expr);
            let value = vars.get(name).cloned().flatten();
            let set = value.as_deref().is_some_and(|v| !v.is_empty());
            let declared = vars.get(name).is_some_and(Option::is_some);
            match op {
                ":-" => out.push_str(if set {
                    value.as_deref().unwrap_or("")
                } else {
                    word
                }),
                "-" => out.push_str(if declared {
                    value.as_deref().unwrap_or("")
                } else {
                    word
                }),
                ":+" => out.push_str(if set { word } else { "" }),
                "+" => out.push_str(if declared { word } else { "" }),
                _ => match value {
                    Some(v) => out.push_str(&v),
                    None => return Err(name.to_string()),
                },
            }
        } else {
            let len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            let name = &after[..len];
            match vars.get(name).cloned().flatten() {
                Some(v) => out.push_str(&v),
                None => return Err(name.to_string()),
            }
            rest = &after[len..];
        }
    }
    out.push_str(rest);
    Ok(out)
}

fn split_modifier(expr: &str) -> (&str, &str, &str) {
    for op in [":-", ":+"] {
        if let Some((n, w)) = expr.split_once(op) {
            return (n, op, w);
        }
    }
    for op in ["-", "+"] {
        if let Some((n, w)) = expr.split_once(op) {
            return (n, op, w);
        }
    }
    (expr, "", "")
}

/// The rules, by id.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum DockerRule {
    /// The final stage runs as a non-root `USER` (CPN-S2-10, EXI-ARCH-18).
    RootUser,
    /// Every base image pins a version: a tag other than `latest`, or a digest (EXI-ARCH-27).
    UnpinnedBaseImage,
    /// Ports exposed by the final image are above 1024 (CPN-K8S-11).
    PrivilegedPort,
}

impl DockerRule {
    pub const ALL: [DockerRule; 3] = [
        DockerRule::RootUser,
        DockerRule::UnpinnedBaseImage,
        DockerRule::PrivilegedPort,
    ];

    pub fn id(self) -> &'static str {
        match self {
            DockerRule::RootUser => "root-user",
            DockerRule::UnpinnedBaseImage => "unpinned-base-image",
            DockerRule::PrivilegedPort => "privileged-port",
        }
    }
}

/// What the checks use besides the file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The rules to evaluate (all when empty).
    pub rules: Vec<DockerRule>,
    /// Build arguments as the pipeline passes them (`--build-arg`), overriding `ARG` defaults.
    pub build_args: BTreeMap<String, String>,
    /// More base images known to run as a non-root user (globs on the image as written, tag
    /// included: `registry.example/base/*:*`), besides [`NONROOT_BASES`].
    pub nonroot_bases: Vec<String>,
}

/// Base images whose publisher documents a non-root default user, as globs on the image name
/// and tag (a leading `docker.io/` or `docker.io/library/` is ignored), each with its source.
pub const NONROOT_BASES: &[(&str, &str)] = &[
    (
        "gcr.io/distroless/*:nonroot",
        "distroless `nonroot` tags run as UID 65532",
    ),
    (
        "gcr.io/distroless/*:*-nonroot",
        "distroless `-nonroot` tags run as UID 65532",
    ),
    (
        "cgr.dev/chainguard/*",
        "Chainguard images run as a non-root user (65532) except their `-dev` variants",
    ),
    ("bitnami/*", "Bitnami non-root images run as UID 1001"),
    (
        "nginxinc/nginx-unprivileged*",
        "nginx-unprivileged runs as UID 101 on port 8080",
    ),
    (
        "ghcr.io/nginxinc/nginx-unprivileged*",
        "nginx-unprivileged runs as UID 101 on port 8080",
    ),
    (
        "registry.access.redhat.com/ubi*/*-*",
        "Red Hat UBI language runtimes run as UID 1001 (OpenJDK as 185)",
    ),
    (
        "registry.redhat.io/ubi*/*-*",
        "Red Hat UBI language runtimes run as UID 1001 (OpenJDK as 185)",
    ),
];

/// Bases that match a pattern above but run as root.
const ROOT_EXCEPTIONS: &[&str] = &[
    "bitnami/minideb*",
    "cgr.dev/chainguard/*:*-dev",
    "cgr.dev/chainguard/*:*-dev@*",
    "registry.access.redhat.com/ubi*/ubi-*",
    "registry.redhat.io/ubi*/ubi-*",
];

/// Why `image` runs as a non-root user by default, when it is a known non-root base.
pub fn nonroot_base(image: &str, extra: &[String]) -> Option<String> {
    let image = image.trim();
    let name = image
        .strip_prefix("docker.io/library/")
        .or_else(|| image.strip_prefix("docker.io/"))
        .or_else(|| image.strip_prefix("index.docker.io/"))
        .unwrap_or(image);
    let without_digest = name.split('@').next().unwrap_or(name);
    let matches = |pattern: &str| {
        crate::model::glob_match(pattern, name) || crate::model::glob_match(pattern, without_digest)
    };
    if ROOT_EXCEPTIONS.iter().any(|p| matches(p)) {
        return None;
    }
    if let Some((_, why)) = NONROOT_BASES.iter().find(|(p, _)| matches(p)) {
        return Some((*why).to_string());
    }
    extra
        .iter()
        .find(|p| matches(p))
        .map(|p| format!("listed as a non-root base (`{p}`)"))
}

impl Options {
    pub fn enabled(&self, rule: DockerRule) -> bool {
        self.rules.is_empty() || self.rules.contains(&rule)
    }
}

#[cfg(test)]
mod tests;
