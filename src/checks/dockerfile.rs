//! `dockerfile`: the project's Dockerfiles checked for a non-root final user (CPN-S2-10), pinned
//! base images (EXI-ARCH-27) and exposed ports above 1024 (CPN-K8S-11).
//!
//! Like `manifests`, it reads project files as text (`Need::Documents`) and parses them here, so
//! the build arguments a pipeline passes (`build_args`) can resolve `FROM image:${TAG}`; a
//! Dockerfile that cannot be read makes the rule inconclusive rather than silently passing.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::manifests::{parse_error, record_findings, search_patterns};
use super::{CheckKind, wrong_kind};
use crate::evidence::{Evidence, FindingSet, Missing, MissingReason};
use crate::lint::dockerfile::{self, DockerRule, Options};
use crate::model::{Measurement, MetricDoc, Need, Waive};

pub const SUMMARY: &str =
    "Dockerfiles: non-root final USER, pinned base images, exposed ports above 1024.";

pub const METRICS: &[MetricDoc] = &[
    MetricDoc {
        name: "violations",
        description: "findings of the selected rules, waived ones excluded",
    },
    MetricDoc {
        name: "blocking",
        description: "violations of high severity (all three rules are)",
    },
    MetricDoc {
        name: "advisory",
        description: "violations below high severity",
    },
    MetricDoc {
        name: "dockerfiles",
        description: "Dockerfiles read",
    },
    MetricDoc {
        name: "stages",
        description: "build stages across them",
    },
];

pub const DEFAULT_EXPECT: &[(&str, &str)] = &[("violations", "== 0")];

const NAMES: &[&str] = &[
    "Dockerfile",
    "Containerfile",
    "*.Dockerfile",
    "*.dockerfile",
];

fn default_paths() -> Vec<String> {
    vec![".".into()]
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DockerfileCheck {
    /// Dockerfiles, globs, or folders searched for `Dockerfile`, `Containerfile`, `*.Dockerfile`;
    /// the whole project by default.
    #[serde(default = "default_paths")]
    pub paths: Vec<String>,
    /// The rules counted (`root-user`, `unpinned-base-image`, `privileged-port`); all when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<DockerRule>,
    /// Build arguments as the pipeline passes them, for `ARG`s without a default.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub build_args: BTreeMap<String, String>,
    /// More base images known to run as a non-root user, as globs on the image as written
    /// (`registry.example/base/java:*`); distroless `nonroot`, Chainguard, Bitnami,
    /// nginx-unprivileged and Red Hat UBI runtimes are known already.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nonroot_bases: Vec<String>,
}

impl CheckKind for DockerfileCheck {
    fn need(&self) -> Need {
        Need::Documents(search_patterns(&self.paths, NAMES))
    }

    fn measure(&self, evidence: &Evidence, waive: &mut Waive<'_>) -> Result<Measurement, Missing> {
        let Evidence::Documents(docs) = evidence else {
            return Err(wrong_kind(&self.need(), evidence, "project files"));
        };
        if docs.is_empty() {
            return Err(Missing::new(
                MissingReason::NotFound,
                format!("no Dockerfile under {}", self.paths.join(", ")),
            ));
        }
        let options = Options {
            rules: self.rules.clone(),
            build_args: self.build_args.clone(),
            nonroot_bases: self.nonroot_bases.clone(),
        };
        let mut all = FindingSet::default();
        let mut stages = 0u64;
        for doc in docs {
            if doc.binary {
                return Err(Missing::new(
                    MissingReason::ParseError,
                    format!("{}: not text, so not a Dockerfile", doc.path),
                ));
            }
            let df = dockerfile::parse(&doc.text).map_err(|e| parse_error(&doc.path, &e))?;
            stages += df.stages.len() as u64;
            all.merge(dockerfile::check(&doc.path, &df, &options));
        }
        let mut m = Measurement::default();
        record_findings(&all, waive, &mut m);
        m.set("dockerfiles", docs.len() as u64);
        m.set("stages", stages);
        Ok(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Document;

    const BAD: &str = include_str!("../../tests/fixtures/dockerfile/bad.Dockerfile");
    const GOOD: &str = include_str!("../../tests/fixtures/dockerfile/good.Dockerfile");

    fn docs(files: &[(&str, &str)]) -> Evidence {
        Evidence::Documents(
            files
                .iter()
                .map(|(p, t)| Document {
                    path: p.to_string(),
                    text: t.to_string(),
                    binary: false,
                })
                .collect(),
        )
    }

    #[test]
    fn counts_per_rule_across_files() {
        let check: DockerfileCheck =
            serde_json::from_value(serde_json::json!({"rules": ["root-user"]})).unwrap();
        assert_eq!(
            check.need(),
            Need::Documents(NAMES.iter().map(|n| format!("**/{n}")).collect())
        );
        let ev = docs(&[("api/Dockerfile", BAD), ("web/Dockerfile", GOOD)]);
        let m = check.measure(&ev, &mut |_| false).unwrap();
        assert_eq!(m.metrics["violations"], 1.0.into());
        assert_eq!(m.metrics["dockerfiles"], 2.0.into());
        assert_eq!(m.metrics["stages"], 5.0.into());
        let loc = m.items[0].location.clone().unwrap();
        assert_eq!((loc.path.as_str(), loc.line), ("api/Dockerfile", Some(14)));
        let all: DockerfileCheck = serde_json::from_value(serde_json::json!({})).unwrap();
        let m = all.measure(&ev, &mut |k| k == "api/Dockerfile").unwrap();
        assert_eq!(m.metrics["violations"], 0.0.into());
        assert_eq!(m.waived_items, 5);
    }

    #[test]
    fn unreadable_dockerfiles_and_unknown_rules_fail_closed() {
        let check: DockerfileCheck = serde_json::from_value(serde_json::json!({})).unwrap();
        let err = check
            .measure(&docs(&[("Dockerfile", "RUN echo no base\n")]), &mut |_| {
                false
            })
            .unwrap_err();
        assert_eq!(err.reason, MissingReason::ParseError);
        assert!(
            err.detail.starts_with("Dockerfile: no FROM"),
            "{}",
            err.detail
        );
        let bad: Result<DockerfileCheck, _> =
            serde_json::from_value(serde_json::json!({"rules": ["rootuser"]}));
        assert!(bad.is_err());
    }
}
