//! What the test modules share: the crate root and its fixtures, a temporary project folder, the
//! `gonogo` command with an environment that cannot leak into a test, reading a JSON verdict, the
//! fetch client with millisecond retries, wiremock shortcuts, and the outside resources (the
//! corpus, the live services) that ignored tests need.
//!
//! A helper lives here once a second module needs it; until then it stays in its module.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;
use gonogo::fetch::FetchOptions;
use gonogo::fetch::client::Client;
use serde_json::Value;
use wiremock::MockServer;

/// The day `offset` days from today (`YYYY-MM-DD`): gonogo evaluates as of the machine's date
/// (the release binary takes no date override), so waivers in tests are dated from today.
pub(crate) fn day(offset: i64) -> String {
    let today = jiff::ZonedDateTime::now().date();
    today
        .checked_add(jiff::Span::new().days(offset))
        .unwrap_or(today)
        .to_string()
}

/// The crate root (where Cargo.toml is).
pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/{rel}`.
pub(crate) fn fixture_path(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// The text of `tests/fixtures/{rel}`.
pub(crate) fn fixture(rel: &str) -> String {
    let path = fixture_path(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `tests/fixtures/{rel}` as JSON.
pub(crate) fn json_fixture(rel: &str) -> Value {
    serde_json::from_str(&fixture(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The fixed verdict the reporters and publishers are tested on (tests/fixtures/report).
pub(crate) fn fixture_verdict() -> gonogo::eval::Verdict {
    serde_json::from_str(&fixture("report/verdict.json")).unwrap()
}

/// `examples/{name}`.
pub(crate) fn example(name: &str) -> PathBuf {
    root().join("examples").join(name)
}

// ---------------------------------------------------------------- the binary

/// Variables that would change what the binary does if the test's own environment had them:
/// the `GONOGO_*` overrides of the command line, CI detection (a test run inside GitHub Actions
/// would otherwise write annotations and step files), proxies and CA bundles (every server here
/// is on 127.0.0.1), and log filters.
const LEAKY: &[&str] = &[
    "GONOGO_CONFIG",
    "GONOGO_STAGE",
    "GONOGO_ENVIRONMENT",
    "GONOGO_PACK",
    "GONOGO_OUTPUT",
    "GONOGO_PUBLISH",
    "GONOGO_STRICT",
    "GONOGO_TODAY",
    "GONOGO_PR",
    "GONOGO_SHA",
    "GONOGO_BASELINE",
    "GONOGO_DIFF",
    "GONOGO_DIFF_BASE",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA",
    "GITHUB_BASE_REF",
    "GITHUB_ACTIONS",
    "GITHUB_STEP_SUMMARY",
    "GITHUB_OUTPUT",
    "GITLAB_CI",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "GONOGO_CA_BUNDLE",
    "CA_BUNDLE",
    "RUST_LOG",
    // The language: reports are English unless a test asks for French.
    "GONOGO_LANG",
    "LC_ALL",
    "LC_MESSAGES",
    "LANG",
];

/// The `gonogo` binary, without colours and without any of the variables above. A test that
/// wants one of them sets it after this.
pub(crate) fn gonogo() -> Command {
    let mut cmd = Command::cargo_bin("gonogo").unwrap();
    cmd.env("NO_COLOR", "1")
        .env("NO_PROXY", "127.0.0.1,localhost");
    for var in LEAKY {
        cmd.env_remove(var);
    }
    cmd
}

/// The variables `.ci/services.sh start` exports: an example run without them reads no live
/// evidence, whether or not the services are up.
pub(crate) fn without_services(cmd: &mut Command) -> &mut Command {
    for var in [
        "GONOGO_PROMETHEUS_URL",
        "GONOGO_ALERTMANAGER_URL",
        "GONOGO_STANDIN_URL",
        "SHOP_CART_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `cmd` off the async runtime, so the mock servers of the calling test keep answering.
pub(crate) async fn output(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

/// Exit code, stdout and stderr.
pub(crate) fn ran(out: &Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The JSON verdict on stdout; a panic showing both streams when it is not JSON.
pub(crate) fn verdict(out: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The result of rule `id` in a JSON verdict.
pub(crate) fn result<'a>(verdict: &'a Value, id: &str) -> &'a Value {
    verdict["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no result for {id} in {verdict}"))
}

/// The outcome of rule `id`: `pass`, `warn`, `fail`, `waived`, `inconclusive`.
pub(crate) fn status<'a>(verdict: &'a Value, id: &str) -> &'a str {
    result(verdict, id)["outcome"]["status"].as_str().unwrap()
}

/// A temporary project folder the binary runs in.
pub(crate) struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    pub(crate) fn new() -> Project {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `name` (folders created as needed).
    pub(crate) fn write(&self, name: &str, text: &str) -> &Project {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// Copies `tests/fixtures/{fixture}` to `to`.
    pub(crate) fn copy(&self, fixture: &str, to: &str) -> &Project {
        self.write(to, &self::fixture(fixture))
    }

    /// [`gonogo`], in this folder.
    pub(crate) fn gonogo(&self) -> Command {
        let mut cmd = gonogo();
        cmd.current_dir(self.path());
        cmd
    }

    /// Runs `gonogo args…` here: exit code, stdout, stderr.
    pub(crate) fn run(&self, args: &[&str]) -> (i32, String, String) {
        ran(&self.gonogo().args(args).output().unwrap())
    }

    /// `gonogo check --format json extra…`: exit code and verdict.
    pub(crate) fn check_json(&self, extra: &[&str]) -> (i32, Value) {
        let out = self
            .gonogo()
            .args(["check", "--format", "json"])
            .args(extra)
            .output()
            .unwrap();
        (out.status.code().unwrap_or(-1), verdict(&out))
    }
}

// ---------------------------------------------------------------- HTTP

/// Fetch options for tests: the first retry waits a millisecond instead of 250 ms (then 2, 4).
pub(crate) fn fetch_options() -> FetchOptions {
    FetchOptions {
        backoff: Duration::from_millis(1),
        ..FetchOptions::default()
    }
}

/// The shared HTTP client with [`fetch_options`].
pub(crate) fn client() -> Client {
    Client::new(&fetch_options())
}

/// How many requests `server` has received.
pub(crate) async fn hits(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

/// A port on 127.0.0.1 where nothing listens (bound, then released).
pub(crate) fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}
// ---------------------------------------------------------------- outside the repository

/// The shared corpus of real reports (`GONOGO_CORPUS`, relative to the crate root). Only ignored
/// tests call this: without the variable they fail, saying how to run them.
pub(crate) fn corpus() -> PathBuf {
    let dir = std::env::var_os("GONOGO_CORPUS").unwrap_or_else(|| {
        panic!(
            "GONOGO_CORPUS is not set: this test reads the shared corpus of real reports. Point \
             GONOGO_CORPUS at it (.ci/run uses ../shared/corpus) or run `cargo test` without \
             --include-ignored"
        )
    });
    root().join(dir)
}

/// A variable `.ci/services.sh start` exports (`GONOGO_PROMETHEUS_URL`, `SHOP_CART_URL`, ...).
/// Only ignored tests call this: without the variable they fail, saying how to run them.
pub(crate) fn service_url(var: &str) -> String {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => url,
        _ => panic!(
            "{var} is not set: this test needs the live Prometheus, Alertmanager and example \
             stand-in. Start them with `source .ci/services.sh start` (or run .ci/run), or run \
             `cargo test` without --include-ignored"
        ),
    }
}

/// A JUnit suite of class `c` whose cases pass (`true`) or fail (`false`), in order.
pub(crate) fn junit(cases: &[(&str, bool)]) -> String {
    let body: String = cases
        .iter()
        .map(|(name, ok)| {
            if *ok {
                format!(r#"<testcase classname="c" name="{name}"/>"#)
            } else {
                format!(
                    r#"<testcase classname="c" name="{name}"><failure message="boom"/></testcase>"#
                )
            }
        })
        .collect();
    format!(
        r#"<testsuite name="s" tests="{}">{body}</testsuite>"#,
        cases.len()
    )
}
