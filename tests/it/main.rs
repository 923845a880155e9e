//! gonogo's integration tests: one binary, one module per area.
//!
//! Where a new test goes:
//!
//! - The binary driven as a user would (exit codes, stages, waivers, configuration errors):
//!   `cli`. In CI roles (several reports, GitHub step files, `publish` of an earlier verdict):
//!   `ci`. Manifests and Dockerfiles: `k8s`. `gonogo inspect`: `inspect`. Every example under
//!   examples/: `examples`.
//! - The shared HTTP client against misbehaving servers: `http_faults`. The binary against local
//!   endpoints (health probes, secrets, redirects, proxies, CA bundles): `endpoints`. A report
//!   read from a URL: `url_source`. SaaS endpoints, one module per system: `saas_endpoints`.
//!   Publishing, one module per forge: `publish`.
//! - Reporters on a fixed verdict (snapshots): `reporters`. Generated rule docs: `rule_docs`.
//! - Hostile input for the parsers: `hostile_xml`, `hostile_json`. The shared corpus of real
//!   reports: `corpus` (ignored without `GONOGO_CORPUS`). The live Prometheus and Alertmanager:
//!   `prometheus_live` (ignored without the services `.ci/run` starts).
//!
//! A test that needs something outside the repository is `#[ignore = "needs …"]` and panics,
//! saying what to set, when it is missing: `cargo test` lists it as ignored, and
//! `cargo test -- --include-ignored` (what `.ci/run` runs) runs it.

mod support;

mod ci;
mod cli;
mod corpus;
mod endpoints;
mod examples;
mod hostile_json;
mod hostile_xml;
mod http_faults;
mod inspect;
mod k8s;
mod prometheus_live;
mod publish;
mod reporters;
mod rule_docs;
mod saas_endpoints;
mod url_source;
