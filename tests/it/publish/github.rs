//! GitHub publishing against a local wiremock server serving GitHub's documented response
//! shapes (tests/fixtures/api/github): check runs with annotations in batches of 50, one
//! pull-request comment updated in place, a fork's read-only token degrading to the step
//! summary, the token never shown; and the token-free step files (annotation caps, summary
//! size cap, outputs, event payloads).

use std::sync::{Arc, Mutex};

use gonogo::eval::Verdict;
use gonogo::evidence::Location;
use gonogo::model::Item;
use gonogo::publish::github::{self, Target};
use gonogo::publish::{CiEnv, MARKER, PublishOptions};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{client, fixture, fixture_verdict as verdict, json_fixture};

const TOKEN: &str = "ghs_TESTSECRETtoken0123456789abcdefXYZ";
const SHA: &str = "ce587453ced02b1526dfb4cb910479d431683101";

/// The fixed verdict with `n` located findings on rule T-02.
/// A repository holding the files the fixture verdict's items point at, so they can be annotated.
fn workspace() -> github::Workspace {
    static REPO: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let dir = REPO.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        for f in [
            "package-lock.json",
            "Dockerfile",
            "src/test/java/shop/CartTest.java",
            "dir,with:odd%name.txt",
        ] {
            let path = dir.path().join(f);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x\n").unwrap();
        }
        dir
    });
    github::Workspace::new(dir.path(), &CiEnv::default())
}

fn verdict_with_findings(n: usize) -> Verdict {
    let mut v = verdict();
    v.results[1].items = (0..n)
        .map(|i| Item {
            key: format!("CVE-2026-{i:05}"),
            text: format!("CVE-2026-{i:05} in libfoo"),
            location: Some(Location {
                path: "package-lock.json".into(),
                line: Some(i as u64 + 1),
            }),
        })
        .collect();
    v.results[1].items_total = n as u64;
    v
}

fn env(server: &MockServer, extra: &[(&str, &str)]) -> CiEnv {
    let mut pairs: Vec<(String, String)> = vec![
        ("GITHUB_TOKEN".into(), TOKEN.into()),
        ("GITHUB_REPOSITORY".into(), "octo-org/shop-cart".into()),
        ("GITHUB_API_URL".into(), server.uri()),
        ("GITHUB_SHA".into(), SHA.into()),
    ];
    pairs.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    CiEnv::from_pairs(pairs)
}

const BOTH: PublishOptions = PublishOptions {
    strict: false,
    status: true,
    comment: true,
    summary_written: false,
};

/// Comments of one pull request, kept by the fake server so the second run sees the first's.
#[derive(Clone, Default)]
struct Comments {
    list: Arc<Mutex<Vec<serde_json::Value>>>,
    created: Arc<Mutex<u32>>,
    updated: Arc<Mutex<u32>>,
}

impl Comments {
    fn with_foreign() -> Comments {
        let c = Comments::default();
        let mut foreign = json_fixture("api/github/issue-comment.json");
        foreign["id"] = 11.into();
        foreign["body"] = "LGTM, but see the gate".into();
        c.list.lock().unwrap().push(foreign);
        c
    }
}

struct ListComments(Comments);
impl Respond for ListComments {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(self.0.list.lock().unwrap().clone())
    }
}

struct CreateComment(Comments);
impl Respond for CreateComment {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let mut c = json_fixture("api/github/issue-comment.json");
        let mut list = self.0.list.lock().unwrap();
        c["id"] = (100 + list.len() as u64).into();
        c["body"] = body["body"].clone();
        list.push(c.clone());
        *self.0.created.lock().unwrap() += 1;
        ResponseTemplate::new(201).set_body_json(c)
    }
}

struct UpdateComment(Comments);
impl Respond for UpdateComment {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let id: u64 = req.url.path().rsplit('/').next().unwrap().parse().unwrap();
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let mut list = self.0.list.lock().unwrap();
        let Some(c) = list.iter_mut().find(|c| c["id"] == id) else {
            return ResponseTemplate::new(404);
        };
        c["body"] = body["body"].clone();
        *self.0.updated.lock().unwrap() += 1;
        ResponseTemplate::new(200).set_body_json(c.clone())
    }
}

async fn mount_comments(server: &MockServer, comments: &Comments) {
    Mock::given(method("GET"))
        .and(path("/repos/octo-org/shop-cart/issues/7/comments"))
        .respond_with(ListComments(comments.clone()))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/shop-cart/issues/7/comments"))
        .respond_with(CreateComment(comments.clone()))
        .mount(server)
        .await;
    Mock::given(method("PATCH"))
        .and(path_regex(
            r"^/repos/octo-org/shop-cart/issues/comments/\d+$",
        ))
        .respond_with(UpdateComment(comments.clone()))
        .mount(server)
        .await;
}

async fn mount_check_runs(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/shop-cart/check-runs"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json_fixture("api/github/check-run.json")),
        )
        .mount(server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/repos/octo-org/shop-cart/check-runs/4"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json_fixture("api/github/check-run.json")),
        )
        .mount(server)
        .await;
}

fn bodies(requests: &[Request], verb: &str, p: &str) -> Vec<serde_json::Value> {
    requests
        .iter()
        .filter(|r| r.method.as_str() == verb && r.url.path() == p)
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn check_run_sends_annotations_in_batches_of_fifty() {
    let server = MockServer::start().await;
    mount_check_runs(&server).await;
    let v = verdict_with_findings(120);
    let e = env(&server, &[]);
    let target = Target::from_env(&e, Some(7), None).unwrap();
    let options = PublishOptions {
        comment: false,
        ..BOTH
    };
    let report = github::publish(&v, &target, options, &e, &client(), &workspace()).await;
    assert!(report.errors.is_empty(), "{report:?}");
    assert!(report.degraded.is_empty(), "{report:?}");

    let requests = server.received_requests().await.unwrap();
    let created = bodies(&requests, "POST", "/repos/octo-org/shop-cart/check-runs");
    let updated = bodies(&requests, "PATCH", "/repos/octo-org/shop-cart/check-runs/4");
    assert_eq!(created.len(), 1);
    let c = &created[0];
    assert_eq!(c["name"], "gonogo / sandbox");
    assert_eq!(c["head_sha"], SHA);
    assert_eq!(c["status"], "completed");
    assert_eq!(c["conclusion"], "failure");
    assert!(c["output"]["summary"].as_str().unwrap().contains("NO-GO"));
    // 120 findings + 1 located failed test = 121 annotations: 50 + 50 + 21.
    let sizes: Vec<usize> = std::iter::once(c)
        .chain(updated.iter())
        .map(|b| b["output"]["annotations"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, vec![50, 50, 21]);
    let first = &c["output"]["annotations"][0];
    assert_eq!(first["annotation_level"], "failure");
    assert_eq!(first["path"], "src/test/java/shop/CartTest.java");
    assert_eq!(first["start_line"], 42);
    for r in &requests {
        let auth = r.headers.get("authorization").unwrap().to_str().unwrap();
        assert!(auth.ends_with(TOKEN), "the token is sent");
    }
    assert!(report.lines().iter().all(|l| !l.contains(TOKEN)));
}

#[tokio::test]
async fn the_comment_is_created_once_then_updated_in_place() {
    let server = MockServer::start().await;
    let comments = Comments::with_foreign();
    mount_comments(&server, &comments).await;
    let e = env(&server, &[]);
    let target = Target::from_env(&e, Some(7), None).unwrap();
    let options = PublishOptions {
        status: false,
        ..BOTH
    };

    let first = github::publish(&verdict(), &target, options, &e, &client(), &workspace()).await;
    assert!(first.errors.is_empty(), "{first:?}");
    assert!(
        first.done.iter().any(|d| d.contains("created")),
        "{first:?}"
    );
    let mut better = verdict();
    better.decision = gonogo::eval::Decision::Go;
    let second = github::publish(&better, &target, options, &e, &client(), &workspace()).await;
    assert!(second.errors.is_empty(), "{second:?}");
    assert!(
        second.done.iter().any(|d| d.contains("updated")),
        "{second:?}"
    );

    assert_eq!(*comments.created.lock().unwrap(), 1);
    assert_eq!(*comments.updated.lock().unwrap(), 1);
    let list = comments.list.lock().unwrap();
    assert_eq!(list.len(), 2, "the foreign comment and ours");
    assert_eq!(list[0]["body"], "LGTM, but see the gate", "untouched");
    let ours = list[1]["body"].as_str().unwrap();
    assert!(ours.starts_with(MARKER));
    assert!(ours.contains("✅ GO"), "the second run's verdict");
}

#[tokio::test]
async fn a_read_only_fork_token_degrades_to_the_step_summary() {
    let server = MockServer::start().await;
    let forbidden =
        ResponseTemplate::new(403).set_body_json(json_fixture("api/github/forbidden.json"));
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/shop-cart/check-runs"))
        .respond_with(forbidden.clone())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo-org/shop-cart/issues/7/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/octo-org/shop-cart/issues/7/comments"))
        .respond_with(forbidden)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let e = env(
        &server,
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
        ],
    );
    let target = Target::from_env(&e, Some(7), None).unwrap();
    let report = github::publish(&verdict(), &target, BOTH, &e, &client(), &workspace()).await;
    assert!(report.errors.is_empty(), "{report:?}");
    assert_eq!(report.degraded.len(), 2, "{report:?}");
    for d in &report.degraded {
        assert!(d.contains("403"), "{d}");
        assert!(d.contains("fork"), "{d}");
        assert!(d.contains("workflow_run"), "{d}");
        assert!(!d.contains(TOKEN));
    }
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(text.matches("NO-GO").count(), 1, "written once");
    assert!(report.done.iter().any(|d| d.contains("step summary")));

    // `check --publish` has written the summary already: no second copy.
    let already = PublishOptions {
        summary_written: true,
        ..BOTH
    };
    let again = github::publish(&verdict(), &target, already, &e, &client(), &workspace()).await;
    assert_eq!(again.degraded.len(), 2, "{again:?}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(text.matches("NO-GO").count(), 1, "not appended twice");
}

#[tokio::test]
async fn server_errors_are_reported_without_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            serde_json::json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest", "status": "401"}),
        ))
        .mount(&server)
        .await;
    let e = env(&server, &[]);
    let target = Target::from_env(&e, None, None).unwrap();
    assert!(!format!("{target:?}").contains(TOKEN));
    let report = github::publish(&verdict(), &target, BOTH, &e, &client(), &workspace()).await;
    assert_eq!(report.errors.len(), 1, "{report:?}");
    assert!(report.errors[0].contains("401"));
    assert!(report.errors[0].contains("Bad credentials"));
    assert!(report.done.iter().any(|d| d.contains("no pull request")));
    assert!(report.lines().iter().all(|l| !l.contains(TOKEN)));
}

#[test]
fn targets_come_from_the_event_payload() {
    let dir = tempfile::tempdir().unwrap();
    for (file, pr, sha) in [
        ("event-pull_request.json", 7, SHA),
        (
            "event-workflow_run.json",
            9,
            "acb5820ced9479c074f688cc328bf03f341a511d",
        ),
    ] {
        let p = dir.path().join(file);
        std::fs::write(&p, fixture(&format!("api/github/{file}"))).unwrap();
        let e = CiEnv::from_pairs([
            ("GITHUB_TOKEN", TOKEN),
            ("GITHUB_REPOSITORY", "octo-org/shop-cart"),
            ("GITHUB_SHA", "0000000000000000000000000000000000000000"),
            ("GITHUB_EVENT_PATH", p.to_str().unwrap()),
        ]);
        let t = Target::from_env(&e, None, None).unwrap();
        assert_eq!(t.pr, Some(pr), "{file}");
        assert_eq!(t.sha.as_deref(), Some(sha), "{file}");
        assert_eq!(t.api, "https://api.github.com");
        let explicit = Target::from_env(&e, Some(3), Some("abc".into())).unwrap();
        assert_eq!(
            (explicit.pr, explicit.sha.as_deref()),
            (Some(3), Some("abc"))
        );
    }
    let missing = CiEnv::from_pairs([("GITHUB_REPOSITORY", "o/r")]);
    assert!(
        Target::from_env(&missing, None, None)
            .unwrap_err()
            .contains("token")
    );
    let bad = CiEnv::from_pairs([("GITHUB_TOKEN", TOKEN), ("GITHUB_REPOSITORY", "nope")]);
    assert!(Target::from_env(&bad, None, None).is_err());
}

#[test]
fn workflow_commands_respect_ten_per_type_with_an_overflow_note() {
    let lines = github::workflow_commands(&verdict_with_findings(30), &workspace());
    let errors: Vec<&String> = lines.iter().filter(|l| l.starts_with("::error ")).collect();
    let warnings: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("::warning "))
        .collect();
    assert_eq!(errors.len(), 10);
    assert!(
        errors[9].contains("22 more failed item(s)"),
        "{}",
        errors[9]
    );
    assert!(errors[0].starts_with("::error file=src/test/java/shop/CartTest.java,line=42,title="));
    // T-03 (warn, no located items): one file-less warning.
    assert_eq!(warnings.len(), 1);
    assert!(!warnings[0].contains("file="));

    let few = github::workflow_commands(&verdict_with_findings(3), &workspace());
    let errors = few.iter().filter(|l| l.starts_with("::error ")).count();
    assert_eq!(errors, 4, "1 test + 3 findings, no overflow note");
    assert!(few.iter().all(|l| !l.contains("more failed")));
}

#[test]
fn defect_15_2_a_location_that_is_no_file_goes_into_the_message() {
    let mut v = verdict_with_findings(2);
    v.results[1].items[0].location = Some(Location {
        path: "Python".into(),
        line: None,
    });
    let lines = github::workflow_commands(&v, &workspace());
    let python = lines.iter().find(|l| l.contains("CVE-2026-00000")).unwrap();
    assert!(!python.contains("file="), "{python}");
    assert!(python.contains("::[Python] CVE-2026-00000"), "{python}");
    let lock = lines.iter().find(|l| l.contains("CVE-2026-00001")).unwrap();
    assert!(lock.contains("file=package-lock.json,line=2"), "{lock}");
}

#[test]
fn workflow_command_values_are_escaped() {
    let mut v = verdict_with_findings(1);
    v.results[1].items[0].location = Some(Location {
        path: "dir,with:odd%name.txt".into(),
        line: Some(1),
    });
    v.results[1].items[0].text = "line one\nline two 100%".into();
    let lines = github::workflow_commands(&v, &workspace());
    let l = lines.iter().find(|l| l.contains("odd")).expect("annotated");
    assert!(l.contains("file=dir%2Cwith%3Aodd%25name.txt,"), "{l}");
    assert!(l.ends_with("::line one"), "only the first line: {l}");
    assert_eq!(l.lines().count(), 1);
}

#[test]
fn the_step_summary_never_exceeds_what_is_left_of_one_mebibyte() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let already = github::STEP_SUMMARY_LIMIT - 3_000;
    std::fs::write(&summary, "x".repeat(already)).unwrap();
    let e = CiEnv::from_pairs([("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())]);
    github::write_step_summary(&verdict_with_findings(5_000), &e).unwrap();
    let size = std::fs::metadata(&summary).unwrap().len() as usize;
    assert!(size <= github::STEP_SUMMARY_LIMIT, "{size}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text[already..].contains("NO-GO"));
    assert!(
        text[already..].contains("5000 more (see the JSON verdict)"),
        "items dropped first, and said so"
    );

    let nearly_full = dir.path().join("full.md");
    let already = github::STEP_SUMMARY_LIMIT - 700;
    std::fs::write(&nearly_full, "x".repeat(already)).unwrap();
    let e = CiEnv::from_pairs([("GITHUB_STEP_SUMMARY", nearly_full.to_str().unwrap())]);
    github::write_step_summary(&verdict(), &e).unwrap();
    let text = std::fs::read_to_string(&nearly_full).unwrap();
    assert!(text.len() <= github::STEP_SUMMARY_LIMIT, "{}", text.len());
    assert!(text[already..].contains("Truncated"));

    // With room, 5,000 findings are summarised, not truncated.
    let roomy = dir.path().join("roomy.md");
    let e = CiEnv::from_pairs([("GITHUB_STEP_SUMMARY", roomy.to_str().unwrap())]);
    github::write_step_summary(&verdict_with_findings(5_000), &e).unwrap();
    let text = std::fs::read_to_string(&roomy).unwrap();
    assert!(text.len() <= github::STEP_SUMMARY_LIMIT);
    assert!(text.contains("4980 more"), "20 items shown per rule");
}

#[test]
fn outputs_name_decision_exit_code_and_verdict() {
    let out = github::outputs(&verdict(), false, Some(std::path::Path::new("out/v.json")));
    assert_eq!(
        out,
        "decision=no_go\nexit_code=1\nverdict=out/v.json\nerror=\n"
    );
    let mut v = verdict();
    v.decision = gonogo::eval::Decision::GoWithWarnings;
    assert!(
        github::outputs(&v, true, None)
            .contains("exit_code=2\nverdict=none (no JSON verdict was written)\nerror=\n")
    );
}
