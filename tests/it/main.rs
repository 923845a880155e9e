//! gonogo's integration tests, in one binary (one link instead of one per file).
//!
//! Where a new test goes: in the module of its area below, next to the tests it resembles. A new
//! area gets a new module here, with a line saying what belongs in it. A helper moves to
//! `support` once a second module needs it.
//!
//! A test that needs something outside the repository is `#[ignore = "needs …"]`, and panics
//! saying what to set when it runs without it: `cargo test` lists it as ignored, and
//! `cargo test -- --include-ignored` (what `.ci/run` runs, with the services up) runs it.

// What several modules share: temporary projects, the `gonogo` command, verdict readers,
// fixtures, the fetch client with millisecond retries, the corpus and live-service locations.
mod support;

// The binary driven as a user would: exit codes, stages, waivers, overrides, configuration errors.
mod cli;

// The red-team review replayed: one test per defect, named after its number, and the cases it
// found correct (docs/guarantees.md).
mod adversarial;

mod baseline;

// The verdict beyond the pipeline (an in-toto statement, the Kyverno policy that checks it) and
// what changed since a baseline in the human, Markdown and HTML reports.
mod attest_show;

// Patch coverage: --diff, --diff-base, and a diff that cannot be used.
mod patch;

// A new user's first hour: rules without a gonogo.yaml, the short first verdict, French, the
// offline pre-release run, the HTML page.
mod first_hour;

// `gonogo init`: the proposed stage and its reason, detected sources, re-runs and --force; the
// default pack's French titles in the JUnit and Code Quality reports.
mod init;

// The binary in CI roles: several reports from one check, GitHub step files and annotations,
// `gonogo publish` of a verdict written by an earlier job.
mod ci;

// The `manifests` and `dockerfile` check kinds through the binary.
mod k8s;

// Item ids: unique per rule, naming their file, waivable one by one.
mod item_ids;

// `gonogo inspect`: what was read from one report, or why not.
mod inspect;

// Every example under examples/: announced exit codes, rules, full verdicts as snapshots.
mod examples;

// Every reporter on one fixed verdict: snapshots and properties.
mod reporters;

// The generated rule reference and README table match the packs.
mod rule_docs;

// `gonogo schema`: the emitted JSON Schemas accept gonogo's own files and reject wrong ones.
mod schemas;

// The shared HTTP client against misbehaving servers (down, slow, flaky, rate limited, huge).
mod http_faults;

// The binary against local endpoints: health probes, secrets, redirects, proxies, CA bundles.
mod endpoints;

// A report source given as a URL.
mod url_source;

// SaaS endpoints against wiremock, one module per system (sonarqube, gitlab, github, harbor,
// argocd), and all of them through the binary (end_to_end).
mod saas;

// Publishing to a forge, one module per forge (github, gitlab).
mod publish;

// Hostile and degenerate input for the XML and JSON parsers.
mod hostile_json;
mod hostile_xml;

// The parsers against the shared corpus of real reports (junit, coverage, findings); ignored
// without GONOGO_CORPUS.
mod corpus;

// The real Prometheus and Alertmanager `.ci/services.sh` starts; ignored without them.
mod prometheus_live;
