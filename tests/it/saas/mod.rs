//! SonarQube, GitLab, GitHub, Harbor and Argo CD endpoints against local wiremock servers that
//! serve the real response shapes (`tests/fixtures/api/`), one module per system, then
//! `gonogo check` end to end against all of them (`end_to_end`).
//!
//! The in-process tests read credentials the way gonogo does, from the process environment, so
//! the variables below are set once, before `main` (see [`SET_CREDENTIALS`]). Their values are
//! easy to search for in every output.

mod argocd;
mod end_to_end;
mod github;
mod gitlab;
mod harbor;
mod sonarqube;

use std::path::{Path, PathBuf};
use std::time::Duration;

use gonogo::checks::Check;
use gonogo::config::SourceSpec;
use gonogo::evidence::{Evidence, Missing, Value};
use gonogo::fetch::FetchOptions;
use gonogo::fetch::client::Client;
use gonogo::fetch::endpoints;
use gonogo::model::{Measurement, Need};
use serde_json::json;
use wiremock::ResponseTemplate;

use crate::support::{self, Project};

const SONAR_TOKEN: &str = "squ_sonar_secret_7c1d9e";
const GITLAB_TOKEN: &str = "glpat-gitlab_secret_55aa";
const GITHUB_TOKEN: &str = "ghp_github_secret_19bf";
const HARBOR_USER: &str = "robot$acme-shop+gate";
const HARBOR_PASS: &str = "harbor_secret_d00d";
const ARGOCD_TOKEN: &str = "argocd_secret_jwt_4e4e";
const SHA: &str = "2bb5a7a6f58c2de9e9e2b5d4a8d1d5d0b6f4c1e3";
const DIGEST: &str = "sha256:9f2c1b3a7d5e4f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";

/// What the sources' `auth` (and one `$T_COMMIT_SHA`) name.
const CREDENTIALS: &[(&str, &str)] = &[
    ("T_SONAR_TOKEN", SONAR_TOKEN),
    ("T_GITLAB_TOKEN", GITLAB_TOKEN),
    ("T_GITHUB_TOKEN", GITHUB_TOKEN),
    ("T_HARBOR_USER", HARBOR_USER),
    ("T_HARBOR_PASS", HARBOR_PASS),
    ("T_ARGOCD_TOKEN", ARGOCD_TOKEN),
    ("T_COMMIT_SHA", SHA),
];

/// Sets [`CREDENTIALS`] before `main`, while the process has a single thread. `set_var` is only
/// sound when no other thread reads the environment, and in one test binary tests of every
/// module start at once, with no hook that runs before all of them (a `Once` at the top of this
/// module's tests would not stop the other modules). A constructor in the platform's init
/// section, which is what the `ctor` crate generates, runs before any of them.
#[used]
#[cfg_attr(
    not(any(target_vendor = "apple", windows)),
    unsafe(link_section = ".init_array")
)]
#[cfg_attr(
    target_vendor = "apple",
    unsafe(link_section = "__DATA,__mod_init_func")
)]
#[cfg_attr(windows, unsafe(link_section = ".CRT$XCU"))]
static SET_CREDENTIALS: extern "C" fn() = set_credentials;

extern "C" fn set_credentials() {
    for (name, value) in CREDENTIALS {
        // SAFETY: runs from the init section, before `main` and before libtest starts a thread.
        unsafe { std::env::set_var(name, value) };
    }
}

fn source(kind: &str, url: &str, auth: serde_json::Value) -> SourceSpec {
    assert_eq!(
        std::env::var("T_SONAR_TOKEN").as_deref(),
        Ok(SONAR_TOKEN),
        "the credentials are set before main (SET_CREDENTIALS)"
    );
    serde_json::from_value(json!({"kind": kind, "url": url, "auth": auth})).unwrap()
}

/// A 200 answer whose body is `tests/fixtures/api/{rel}`, as `application/json`.
fn json_fixture(rel: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_raw(support::fixture(&format!("api/{rel}")), "application/json")
}

fn client() -> Client {
    Client::new(&FetchOptions {
        request_timeout: Duration::from_secs(5),
        ..support::fetch_options()
    })
}

/// Runs one check against `spec` the way `gonogo check` does: need → fetch → measure.
async fn run(
    check: serde_json::Value,
    spec: &SourceSpec,
    root: &Path,
) -> Result<Measurement, Missing> {
    let check: Check = serde_json::from_value(check).unwrap();
    let Need::Query { source, request } = check.need() else {
        panic!("an endpoint check asks for a query");
    };
    let evidence = endpoints::query_at(
        &spec.clone().into_source(&source).unwrap(),
        &request,
        &client(),
        root,
        &endpoints::never,
    )
    .await?;
    check.measure(&evidence, &mut |_| false)
}

fn text(m: &Measurement, metric: &str) -> String {
    match m.metrics.get(metric) {
        Some(Value::Text(t)) => t.clone(),
        other => panic!("{metric}: {other:?} in {m:?}"),
    }
}

fn num(m: &Measurement, metric: &str) -> f64 {
    match m.metrics.get(metric) {
        Some(Value::Number(n)) => *n,
        other => panic!("{metric}: {other:?} in {m:?}"),
    }
}

fn flag(m: &Measurement, metric: &str) -> bool {
    match m.metrics.get(metric) {
        Some(Value::Bool(b)) => *b,
        other => panic!("{metric}: {other:?} in {m:?}"),
    }
}

fn here() -> PathBuf {
    support::root().to_path_buf()
}

/// A project with the `report-task.txt` a SonarQube scanner leaves in `target/sonar`.
fn report_task_dir() -> Project {
    let p = Project::new();
    p.copy(
        "api/sonarqube/report-task.txt",
        "target/sonar/report-task.txt",
    );
    p
}

async fn read_report(spec: &SourceSpec) -> Result<(Evidence, String, usize), Missing> {
    let source = spec.clone().into_source("reports").unwrap();
    let gonogo::config::SourceKind::Report(format) = source.kind else {
        panic!("a report source")
    };
    let (ev, fmt, records) = endpoints::read_report(&source, format, &client())
        .await
        .expect("an API location")?;
    Ok((ev, fmt.id().to_string(), records.len()))
}

fn tests_of(ev: &Evidence) -> (u64, u64, u64) {
    let Evidence::Tests(t) = ev else {
        panic!("{ev:?}")
    };
    (t.total, t.failed, t.errors)
}

const PASSING_JUNIT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="shop" tests="2" failures="0" errors="0" skipped="0">
  <testcase classname="shop.CartTest" name="adds" time="0.01"/>
  <testcase classname="shop.CartTest" name="removes" time="0.01"/>
</testsuite>
"#;
