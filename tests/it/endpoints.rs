//! The binary against local endpoints (wiremock, a raw TCP proxy, `openssl s_server`): health
//! and metrics probes with exit codes, secrets that never leak, credentials dropped on a
//! cross-origin redirect, proxies from the environment, and an extra CA bundle.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::process::Output;

use wiremock::matchers::{header_exists, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{self, Project, free_port, result, status, verdict};

const TOKEN: &str = "gnt-Zq8LkP3vX9-very-secret";
const PASSWORD: &str = "pw-Hq7Yt2-also-secret";

fn write_project(p: &Project, sources: &str, rules: &str) {
    p.write(
        "gonogo.yaml",
        &format!("project: e\npack: e\nrules: [pack.yaml]\nstage: prod\nsources:\n{sources}"),
    )
    .write(
        "pack.yaml",
        &format!(
            "pack: e\ntitle: E\nstages: [{{number: 1, id: prod, title: Production}}]\nrules:\n{rules}"
        ),
    );
}

fn rule(id: &str, check: &str, expect: &str) -> String {
    format!(
        "  - id: {id}\n    title: {id}\n    why: tests\n    reference: tests\n    level: fail\n    check: {check}\n    expect: {expect}\n"
    )
}

/// Runs `gonogo check` in `p` (blocking, off the async runtime) with extra env.
async fn run(p: &Project, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = p.gonogo();
    cmd.args(["check"]).args(args).envs(env.iter().copied());
    support::output(cmd).await
}

const METRICS_TEXT: &str = "# HELP app_requests_total Requests.\n# TYPE app_requests_total counter\napp_requests_total{code=\"200\"} 12\n";

async fn app_server(healthy: bool) -> MockServer {
    let server = MockServer::start().await;
    let (code, body, ctype) = if healthy {
        (
            200,
            r#"{"status":"UP","components":{"db":{"status":"UP"}}}"#,
            "application/json",
        )
    } else {
        (
            503,
            r#"{"type":"about:blank","title":"DOWN","status":503}"#,
            "application/problem+json",
        )
    };
    // A 503 is retried; `Retry-After: 0` makes the retries immediate instead of paying the
    // binary's real backoff (the binary has no backoff setting).
    Mock::given(path("/health"))
        .respond_with(
            ResponseTemplate::new(code)
                .set_body_raw(body, ctype)
                .insert_header("Retry-After", "0"),
        )
        .mount(&server)
        .await;
    let metrics = if healthy {
        METRICS_TEXT
    } else {
        "app_requests_total{code=200} 12\n"
    };
    Mock::given(path("/metrics"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(metrics, "text/plain; version=0.0.4"))
        .mount(&server)
        .await;
    server
}

fn health_rules() -> String {
    [
        rule(
            "H-HEALTH",
            "{kind: http-health, source: app, path: /health, content_type: [application/json, application/problem+json]}",
            "{status_code: \"== 200\", content_type_ok: \"== true\"}",
        ),
        rule(
            "H-DB",
            "{kind: http-json, source: app, path: /health, json_path: $.components.db.status}",
            "{value: \"== UP\"}",
        ),
        rule(
            "H-METRICS",
            "{kind: http-health, source: app, path: /metrics, content_type: [text/plain, application/openmetrics-text], contains: \"# TYPE\"}",
            "{status_code: \"== 200\", prometheus_text_valid: \"== true\", prometheus_samples: \">= 1\", body_contains: \"== true\"}",
        ),
    ]
    .concat()
}

#[tokio::test(flavor = "multi_thread")]
async fn health_and_metrics_probes_decide_the_gate() {
    let good = app_server(true).await;
    let p = Project::new();
    write_project(
        &p,
        &format!("  app: {{kind: http, url: \"{}\"}}\n", good.uri()),
        &health_rules(),
    );
    let out = run(&p, &["--format", "json"], &[]).await;
    let v = verdict(&out);
    assert_eq!(out.status.code(), Some(0), "{v}");
    for id in ["H-HEALTH", "H-DB", "H-METRICS"] {
        assert_eq!(status(&v, id), "pass", "{id}: {v}");
    }

    let bad = app_server(false).await;
    write_project(
        &p,
        &format!("  app: {{kind: http, url: \"{}\"}}\n", bad.uri()),
        &health_rules(),
    );
    let out = run(&p, &["--format", "json"], &[]).await;
    let v = verdict(&out);
    assert_eq!(out.status.code(), Some(1), "{v}");
    assert_eq!(
        status(&v, "H-HEALTH"),
        "fail",
        "a 503 is a failure, not missing"
    );
    assert_eq!(
        status(&v, "H-DB"),
        "inconclusive",
        "no such path in the problem+json"
    );
    assert_eq!(status(&v, "H-METRICS"), "fail");
    assert!(
        result(&v, "H-METRICS")["notes"]
            .to_string()
            .contains("line 1: the value of label `code` must be double-quoted"),
        "{v}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn secrets_never_appear_in_any_output() {
    let prom = MockServer::start().await;
    Mock::given(path("/api/v1/query"))
        .respond_with(ResponseTemplate::new(401).set_body_string("bad token"))
        .mount(&prom)
        .await;
    let am = MockServer::start().await;
    Mock::given(path("/api/v2/alerts"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&am)
        .await;
    let other = MockServer::start().await;
    Mock::given(path("/landed"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"status\": [1, 2"))
        .mount(&other)
        .await;
    let app = MockServer::start().await;
    Mock::given(path("/health"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", format!("{}/landed", other.uri())),
        )
        .mount(&app)
        .await;
    let dead = free_port();
    let sources = format!(
        "  prom: {{kind: prometheus, url: \"{}\", auth: {{bearer_env: GONOGO_TEST_TOKEN}}}}\n\
         \x20 am: {{kind: alertmanager, url: \"{}\", auth: {{basic: {{username_env: GONOGO_TEST_USER, password_env: GONOGO_TEST_PASSWORD}}}}}}\n\
         \x20 app: {{kind: http, url: \"{}\", auth: {{header: {{name: PRIVATE-TOKEN, value_env: GONOGO_TEST_TOKEN}}}}}}\n\
         \x20 down: {{kind: http, url: \"http://127.0.0.1:{dead}/?private_token={TOKEN}\", auth: {{bearer_env: GONOGO_TEST_TOKEN}}}}\n",
        prom.uri(),
        am.uri(),
        app.uri()
    );
    let rules = [
        rule(
            "S-PROM",
            "{kind: metric, source: prom, query: up}",
            "{series: \">= 1\"}",
        ),
        rule("S-AM", "{kind: alerts, source: am}", "{firing: \"== 0\"}"),
        rule(
            "S-APP",
            "{kind: http-json, source: app, path: /health, json_path: status}",
            "{value: \"== UP\"}",
        ),
        rule(
            "S-DOWN",
            "{kind: http-health, source: down, path: /health}",
            "{status_code: \"== 200\"}",
        ),
    ]
    .concat();
    let env = [
        ("GONOGO_TEST_TOKEN", TOKEN),
        ("GONOGO_TEST_USER", "gate-bot"),
        ("GONOGO_TEST_PASSWORD", PASSWORD),
    ];
    let basic = {
        // base64("gate-bot:" + PASSWORD), as a proxy or server log would show it.
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("printf 'gate-bot:{PASSWORD}' | base64"))
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    };
    // The arguments of a run, and one more variable for it.
    type Mode = (
        &'static [&'static str],
        Option<(&'static str, &'static str)>,
    );
    let modes: [Mode; 3] = [
        (
            &["-vv", "--format", "json", "--output", "verdict.json"],
            None,
        ),
        (&["-vv", "--format", "human"], None),
        (&["--format", "json"], Some(("RUST_LOG", "trace"))),
    ];
    // `down` pays the binary's real backoff before its last attempt (about 2 s), whose error
    // text is what must not leak; `--deadline` would cut it short. So the three runs go at
    // once, each in its own copy of the project.
    let envs: Vec<Vec<(&str, &str)>> = modes
        .iter()
        .map(|(_, extra)| env.iter().copied().chain(*extra).collect())
        .collect();
    let projects: Vec<Project> = modes
        .iter()
        .map(|_| {
            let p = Project::new();
            write_project(&p, &sources, &rules);
            p
        })
        .collect();
    let (first, second, third) = tokio::join!(
        run(&projects[0], modes[0].0, &envs[0]),
        run(&projects[1], modes[1].0, &envs[1]),
        run(&projects[2], modes[2].0, &envs[2]),
    );
    for (((args, extra), p), out) in modes.iter().zip(&projects).zip([first, second, third]) {
        assert_eq!(out.status.code(), Some(3), "all four are inconclusive");
        let mut texts = vec![
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ];
        if let Ok(v) = std::fs::read_to_string(p.path().join("verdict.json")) {
            texts.push(v);
        }
        for text in &texts {
            for secret in [TOKEN, PASSWORD, basic.as_str()] {
                assert!(
                    !text.contains(secret),
                    "a secret leaked with {args:?} {extra:?}:\n{text}"
                );
            }
        }
        if args.contains(&"-vv") {
            assert!(
                texts[1].contains("retrying"),
                "-vv shows retries: {}",
                texts[1]
            );
        }
        if args.contains(&"json") {
            let v = verdict(&out);
            let msg = |id: &str| result(&v, id)["message"].as_str().unwrap().to_string();
            assert!(msg("S-PROM").contains("HTTP 401"), "{}", msg("S-PROM"));
            assert!(msg("S-AM").contains("HTTP 500"), "{}", msg("S-AM"));
            assert!(msg("S-APP").contains("not JSON"), "{}", msg("S-APP"));
            assert!(
                msg("S-DOWN").contains("private_token=***"),
                "{}",
                msg("S-DOWN")
            );
        }
    }
    let at_prom = &prom.received_requests().await.unwrap()[0];
    assert_eq!(
        at_prom.headers["authorization"].to_str().unwrap(),
        format!("Bearer {TOKEN}"),
        "the token was sent where it belongs"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_are_dropped_on_a_cross_origin_redirect() {
    let elsewhere = MockServer::start().await;
    Mock::given(path("/health"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&elsewhere)
        .await;
    let app = MockServer::start().await;
    Mock::given(path("/health"))
        .and(header_exists("private-token"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("Location", format!("{}/health", elsewhere.uri())),
        )
        .mount(&app)
        .await;
    let p = Project::new();
    write_project(
        &p,
        &format!(
            "  app: {{kind: http, url: \"{}\", auth: {{header: {{name: PRIVATE-TOKEN, value_env: GONOGO_TEST_TOKEN}}}}}}\n",
            app.uri()
        ),
        &rule(
            "R",
            "{kind: http-health, source: app, path: /health}",
            "{status_code: \"== 200\"}",
        ),
    );
    let out = run(&p, &["--format", "json"], &[("GONOGO_TEST_TOKEN", TOKEN)]).await;
    assert_eq!(out.status.code(), Some(0), "{}", verdict(&out));
    let there = elsewhere.received_requests().await.unwrap();
    assert_eq!(there.len(), 1);
    assert!(!there[0].headers.contains_key("private-token"));
    assert!(!there[0].headers.contains_key("authorization"));
}

/// A one-shot HTTP proxy on 127.0.0.1: records the first request line and answers it.
fn proxy() -> (u16, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = [0u8; 4096];
        let n = conn.read(&mut buf).unwrap_or(0);
        let head = String::from_utf8_lossy(&buf[..n]).into_owned();
        let line = head.lines().next().unwrap_or("").to_string();
        if line.starts_with("CONNECT") {
            let _ = conn.write_all(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n");
        } else {
            let _ = conn.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
            );
        }
        line
    });
    (port, handle)
}

#[tokio::test(flavor = "multi_thread")]
async fn proxies_come_from_the_environment() {
    let p = Project::new();
    let probe = rule(
        "P",
        "{kind: http-health, source: app, path: /health}",
        "{status_code: \"== 200\"}",
    );

    let (port, seen) = proxy();
    write_project(
        &p,
        "  app: {kind: http, url: \"http://gonogo-proxy-test.invalid\"}\n",
        &probe,
    );
    let out = run(
        &p,
        &["--format", "json"],
        &[
            ("HTTP_PROXY", &format!("http://127.0.0.1:{port}")),
            ("NO_PROXY", ""),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", verdict(&out));
    assert_eq!(
        seen.join().unwrap(),
        "GET http://gonogo-proxy-test.invalid/health HTTP/1.1"
    );

    let (port, seen) = proxy();
    write_project(
        &p,
        "  app: {kind: http, url: \"https://gonogo-proxy-test.invalid\"}\n",
        &probe,
    );
    // The refused tunnel is retried (a connection error); one second is enough for the first
    // attempt and cuts the binary's real backoff short.
    let out = run(
        &p,
        &["--format", "json", "--deadline", "1s"],
        &[
            ("HTTPS_PROXY", &format!("http://127.0.0.1:{port}")),
            ("NO_PROXY", ""),
        ],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "the proxy refused the tunnel");
    assert!(
        seen.join()
            .unwrap()
            .starts_with("CONNECT gonogo-proxy-test.invalid:443"),
        "HTTPS goes through a CONNECT tunnel"
    );

    let app = app_server(true).await;
    let dead = free_port();
    write_project(
        &p,
        &format!("  app: {{kind: http, url: \"{}\"}}\n", app.uri()),
        &probe,
    );
    let out = run(
        &p,
        &["--format", "json"],
        &[
            ("HTTP_PROXY", &format!("http://127.0.0.1:{dead}")),
            ("NO_PROXY", "127.0.0.1"),
        ],
    )
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "NO_PROXY bypasses the dead proxy: {}",
        verdict(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_extra_ca_bundle_is_trusted() {
    assert!(
        std::process::Command::new("openssl")
            .arg("version")
            .output()
            .is_ok(),
        "this test needs the `openssl` command (it makes a CA and serves with `openssl s_server`): \
         install it (Debian: `apt-get install openssl`)"
    );
    let p = Project::new();
    let d = p.path();
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .current_dir(d)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=gonogo test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "key.pem",
        "-out",
        "server.csr",
    ]);
    std::fs::write(
        d.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
        "-out",
        "cert.pem",
    ]);
    let port = free_port();
    let mut server = std::process::Command::new("openssl")
        .current_dir(d)
        .args([
            "s_server", "-quiet", "-www", "-cert", "cert.pem", "-key", "key.pem", "-accept",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    write_project(
        &p,
        &format!("  tls: {{kind: http, url: \"https://127.0.0.1:{port}\"}}\n"),
        &rule(
            "T",
            "{kind: http-health, source: tls, path: /}",
            "{status_code: \"== 200\"}",
        ),
    );
    let untrusted = run(&p, &["--format", "json"], &[]).await;
    let bundle = d.join("ca.pem");
    let trusted = run(
        &p,
        &["--format", "json"],
        &[("GONOGO_CA_BUNDLE", bundle.to_str().unwrap())],
    )
    .await;
    let _ = server.kill();
    let _ = server.wait();
    let v = verdict(&untrusted);
    assert_eq!(untrusted.status.code(), Some(3), "{v}");
    assert!(
        result(&v, "T")["message"]
            .to_string()
            .contains("certificate"),
        "{v}"
    );
    assert_eq!(trusted.status.code(), Some(0), "{}", verdict(&trusted));
}
