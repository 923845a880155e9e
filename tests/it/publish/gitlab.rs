//! GitLab publishing against a local wiremock server serving GitLab's documented response
//! shapes (tests/fixtures/api/gitlab): one merge-request note upserted by its marker (system
//! notes quoting the marker are not ours), a commit status, job-token refusals degrading with
//! the fix, retries on 5xx, and the token never shown.

use std::sync::{Arc, Mutex};

use gonogo::publish::gitlab::{self, Target};
use gonogo::publish::{CiEnv, MARKER, PublishOptions};
use wiremock::matchers::{header, method, path, path_regex, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{client, fixture_verdict as verdict, json_fixture as fixture};

const TOKEN: &str = "glpat-TESTSECRET0123456789abc";
const SHA: &str = "ce587453ced02b1526dfb4cb910479d431683101";
const NOTES: &str = "/api/v4/projects/42/merge_requests/7/notes";

fn env(server: &MockServer, token: (&str, &str)) -> CiEnv {
    CiEnv::from_pairs([
        token,
        ("CI_API_V4_URL", &format!("{}/api/v4", server.uri())),
        ("CI_PROJECT_ID", "42"),
        ("CI_MERGE_REQUEST_IID", "7"),
        ("CI_COMMIT_SHA", SHA),
        ("CI_PIPELINE_ID", "1001"),
        (
            "CI_JOB_URL",
            "https://gitlab.example.com/group/shop-cart/-/jobs/1234",
        ),
    ])
}

const BOTH: PublishOptions = PublishOptions {
    strict: false,
    status: true,
    comment: true,
    summary_written: false,
};

#[derive(Clone, Default)]
struct Notes {
    list: Arc<Mutex<Vec<serde_json::Value>>>,
    created: Arc<Mutex<u32>>,
    updated: Arc<Mutex<u32>>,
}

struct ListNotes(Notes);
impl Respond for ListNotes {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(self.0.list.lock().unwrap().clone())
    }
}

struct CreateNote(Notes);
impl Respond for CreateNote {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let mut n = fixture("api/gitlab/note.json");
        let mut list = self.0.list.lock().unwrap();
        n["id"] = (301 + list.len() as u64).into();
        n["body"] = body["body"].clone();
        list.push(n.clone());
        *self.0.created.lock().unwrap() += 1;
        ResponseTemplate::new(201).set_body_json(n)
    }
}

struct UpdateNote(Notes);
impl Respond for UpdateNote {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let id: u64 = req.url.path().rsplit('/').next().unwrap().parse().unwrap();
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let mut list = self.0.list.lock().unwrap();
        let Some(n) = list.iter_mut().find(|n| n["id"] == id) else {
            return ResponseTemplate::new(404)
                .set_body_json(serde_json::json!({"message": "404 Not found"}));
        };
        n["body"] = body["body"].clone();
        *self.0.updated.lock().unwrap() += 1;
        ResponseTemplate::new(200).set_body_json(n.clone())
    }
}

async fn mount_notes(server: &MockServer, notes: &Notes) {
    Mock::given(method("GET"))
        .and(path(NOTES))
        .and(query_param("per_page", "100"))
        .respond_with(ListNotes(notes.clone()))
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(NOTES))
        .respond_with(CreateNote(notes.clone()))
        .mount(server)
        .await;
    Mock::given(method("PUT"))
        .and(path_regex(
            r"^/api/v4/projects/42/merge_requests/7/notes/\d+$",
        ))
        .respond_with(UpdateNote(notes.clone()))
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_note_is_created_once_then_updated_and_the_status_set() {
    let server = MockServer::start().await;
    let notes = Notes::default();
    notes
        .list
        .lock()
        .unwrap()
        .push(fixture("api/gitlab/system-note.json"));
    mount_notes(&server, &notes).await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v4/projects/42/statuses/{SHA}")))
        .and(header("private-token", TOKEN))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(fixture("api/gitlab/commit-status.json")),
        )
        .expect(2)
        .mount(&server)
        .await;
    let e = env(&server, ("GONOGO_GITLAB_TOKEN", TOKEN));
    let target = Target::from_env(&e, None, None).unwrap();
    assert!(!format!("{target:?}").contains(TOKEN));

    let first = gitlab::publish(&verdict(), &target, BOTH, &client()).await;
    assert!(first.errors.is_empty(), "{first:?}");
    assert!(
        first.done.iter().any(|d| d.contains("note 302 created")),
        "{first:?}"
    );
    let second = gitlab::publish(&verdict(), &target, BOTH, &client()).await;
    assert!(second.errors.is_empty(), "{second:?}");
    assert!(
        second.done.iter().any(|d| d.contains("note 302 updated")),
        "{second:?}"
    );
    assert_eq!(*notes.created.lock().unwrap(), 1);
    assert_eq!(*notes.updated.lock().unwrap(), 1);
    let list = notes.list.lock().unwrap().clone();
    assert!(
        list[0]["system"].as_bool().unwrap(),
        "the system note is untouched"
    );
    assert!(list[1]["body"].as_str().unwrap().starts_with(MARKER));

    let requests = server.received_requests().await.unwrap();
    let status: serde_json::Value = requests
        .iter()
        .find(|r| r.url.path().contains("/statuses/"))
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .unwrap();
    assert_eq!(status["state"], "failed");
    assert_eq!(status["name"], "gonogo / sandbox");
    assert_eq!(status["pipeline_id"], 1001);
    assert!(status["description"].as_str().unwrap().len() <= 255);
    for r in &requests {
        assert_eq!(r.headers.get("private-token").unwrap(), TOKEN);
        assert!(r.headers.get("job-token").is_none());
    }
}

#[tokio::test]
async fn a_job_token_refused_degrades_with_the_fix() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(NOTES))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!([])))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(NOTES))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(fixture("api/gitlab/forbidden.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(r"/statuses/"))
        .and(header("job-token", "job-secret-123"))
        .respond_with(
            ResponseTemplate::new(401).set_body_json(fixture("api/gitlab/unauthorized.json")),
        )
        .mount(&server)
        .await;
    let e = env(&server, ("CI_JOB_TOKEN", "job-secret-123"));
    let target = Target::from_env(&e, None, None).unwrap();
    let report = gitlab::publish(&verdict(), &target, BOTH, &client()).await;
    assert!(report.errors.is_empty(), "{report:?}");
    assert_eq!(report.degraded.len(), 2, "{report:?}");
    assert!(report.degraded[0].contains("403 Forbidden"));
    assert!(report.degraded[1].contains("401 Unauthorized"));
    for d in &report.degraded {
        assert!(d.contains("GONOGO_GITLAB_TOKEN"), "{d}");
        assert!(!d.contains("job-secret-123"));
    }
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex(r"/statuses/"))
        .respond_with(ResponseTemplate::new(502))
        .expect(4)
        .mount(&server)
        .await;
    let e = env(&server, ("GONOGO_GITLAB_TOKEN", TOKEN));
    let target = Target::from_env(&e, None, None).unwrap();
    let options = PublishOptions {
        comment: false,
        ..BOTH
    };
    let report = gitlab::publish(&verdict(), &target, options, &client()).await;
    assert_eq!(report.errors.len(), 1, "{report:?}");
    assert!(report.errors[0].contains("502"));
    assert!(!report.errors[0].contains(TOKEN));
}

#[tokio::test]
async fn bad_json_is_an_error_not_a_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(NOTES))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>login</html>"))
        .mount(&server)
        .await;
    let e = env(&server, ("GONOGO_GITLAB_TOKEN", TOKEN));
    let target = Target::from_env(&e, None, None).unwrap();
    let options = PublishOptions {
        status: false,
        ..BOTH
    };
    let report = gitlab::publish(&verdict(), &target, options, &client()).await;
    assert_eq!(report.errors.len(), 1, "{report:?}");
    assert!(report.errors[0].contains("unexpected answer"));
}

#[test]
fn targets_need_a_token_and_the_ci_variables() {
    let none = CiEnv::from_pairs([("CI_API_V4_URL", "https://gitlab.example.com/api/v4")]);
    assert!(
        Target::from_env(&none, None, None)
            .unwrap_err()
            .contains("token")
    );
    let no_api = CiEnv::from_pairs([("CI_JOB_TOKEN", "x")]);
    assert!(
        Target::from_env(&no_api, None, None)
            .unwrap_err()
            .contains("CI_API_V4_URL")
    );
    let t = Target::from_env(
        &CiEnv::from_pairs([
            ("CI_JOB_TOKEN", "x"),
            ("CI_API_V4_URL", "https://gitlab.example.com/api/v4/"),
            ("CI_PROJECT_ID", "42"),
        ]),
        Some(5),
        None,
    )
    .unwrap();
    assert_eq!(t.mr_iid, Some(5));
    assert_eq!(t.api, "https://gitlab.example.com/api/v4");
    assert!(t.sha.is_none());
}
