//! gonogo's own analysers: Kubernetes manifests and Dockerfiles checked against the platform's
//! norms (pinned images, probes, limits, non-root users, ...).
//!
//! Unlike `parse`, which reads what another tool reported, a linter *produces* the findings
//! itself from the project's files. Both are pure (text in, typed results out) and fuzzed; they
//! are kept apart so that "bytes → evidence" and "files → our own judgement" do not blur.

pub mod dockerfile;
pub mod image_ref;
pub mod manifests;
