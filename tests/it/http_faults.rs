//! The shared HTTP client against misbehaving servers on 127.0.0.1: down, slow, flaky, rate
//! limited, unauthorised, malformed, huge, redirecting. Each test asserts how many requests the
//! server saw, so "retried" and "not retried" are facts, not assumptions. Retries wait the
//! test client's millisecond backoff (`support::fetch_options`), not the real 250 ms.

use std::time::{Duration, Instant};

use gonogo::config::{Access, Source, SourceSpec};
use gonogo::evidence::{Evidence, MissingReason, Value};
use gonogo::fetch::FetchOptions;
use gonogo::fetch::client::{Client, Request};
use gonogo::fetch::endpoints;
use wiremock::matchers::{body_string_contains, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{client, fetch_options, free_port, hits};

fn spec(_url: &str) -> Access {
    Access::default()
}

#[tokio::test]
async fn a_server_that_is_down_is_unreachable_after_retries() {
    let url = format!("http://127.0.0.1:{}/x", free_port());
    let started = Instant::now();
    let m = client().get_bytes(&url, &spec(&url)).await.unwrap_err();
    assert_eq!(m.reason, MissingReason::Unreachable);
    assert!(m.detail.contains("connection failed"), "{}", m.detail);
    assert!(m.detail.contains("after 4 attempts"), "{}", m.detail);
    let first = fetch_options().backoff;
    assert!(
        started.elapsed() >= first * (1 + 2 + 4),
        "three waits between the four attempts, doubling from {first:?}: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_connection_dropped_before_the_answer_is_retried() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let mut buf = [0u8; 2048];
        let (mut first, _) = listener.accept().unwrap();
        let _ = first.read(&mut buf);
        drop(first);
        let (mut second, _) = listener.accept().unwrap();
        let _ = second.read(&mut buf);
        second
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            .unwrap();
    });
    let url = format!("http://127.0.0.1:{port}/x");
    let body = client().get_bytes(&url, &spec(&url)).await.unwrap();
    assert_eq!(body, b"ok");
    server.join().unwrap();
}

#[tokio::test]
async fn a_slow_server_times_out_per_request() {
    let server = MockServer::start().await;
    Mock::given(path("/slow"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let url = format!("{}/slow", server.uri());
    let mut s = spec(&url);
    s.timeout = Some(Duration::from_millis(200));
    let started = Instant::now();
    let m = client().get_bytes(&url, &s).await.unwrap_err();
    assert_eq!(m.reason, MissingReason::Unreachable);
    assert!(m.detail.contains("timed out after 0.2s"), "{}", m.detail);
    assert_eq!(hits(&server).await, 4, "timeouts are retried");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn a_500_then_200_is_retried_into_a_success() {
    let server = MockServer::start().await;
    Mock::given(path("/flaky"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/flaky"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    let url = format!("{}/flaky", server.uri());
    let body = client().get_bytes(&url, &spec(&url)).await.unwrap();
    assert_eq!(body, b"ok");
    assert_eq!(hits(&server).await, 2);
}

/// The one real wait here (a second): `Retry-After` counts in whole seconds, it wins over the
/// millisecond backoff, and waiting that long is the fact under test.
#[tokio::test]
async fn a_429_waits_for_retry_after() {
    let server = MockServer::start().await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .mount(&server)
        .await;
    let url = format!("{}/limited", server.uri());
    let started = Instant::now();
    let body = client().get_bytes(&url, &spec(&url)).await.unwrap();
    assert_eq!(body, b"ok");
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(hits(&server).await, 2);
}

#[tokio::test]
async fn a_retry_after_beyond_reason_gives_up_at_once() {
    let server = MockServer::start().await;
    Mock::given(path("/limited"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .mount(&server)
        .await;
    let url = format!("{}/limited", server.uri());
    let m = client().get_bytes(&url, &spec(&url)).await.unwrap_err();
    assert!(m.detail.contains("retry after 3600s"), "{}", m.detail);
    assert_eq!(hits(&server).await, 1);
}

#[tokio::test]
async fn a_401_is_a_clear_auth_error_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(path("/private"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let url = format!("{}/private", server.uri());
    let m = client().get_bytes(&url, &spec(&url)).await.unwrap_err();
    assert_eq!(m.reason, MissingReason::Unreachable);
    assert!(m.detail.contains("HTTP 401"), "{}", m.detail);
    assert!(m.detail.contains("authentication failed"), "{}", m.detail);
    assert_eq!(hits(&server).await, 1);
}

#[tokio::test]
async fn a_huge_body_is_cut_at_the_cap() {
    let server = MockServer::start().await;
    Mock::given(path("/huge"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'x'; 64 * 1024]))
        .mount(&server)
        .await;
    let options = FetchOptions {
        max_body_bytes: 4096,
        ..fetch_options()
    };
    let url = format!("{}/huge", server.uri());
    let m = Client::new(&options)
        .get_bytes(&url, &spec(&url))
        .await
        .unwrap_err();
    assert_eq!(m.reason, MissingReason::Unreadable);
    assert!(m.detail.contains("larger than 4096 bytes"), "{}", m.detail);
}

#[tokio::test]
async fn redirects_are_followed_with_a_limit() {
    let server = MockServer::start().await;
    Mock::given(path("/old"))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/new"))
        .mount(&server)
        .await;
    Mock::given(path("/new"))
        .respond_with(ResponseTemplate::new(200).set_body_string("moved"))
        .mount(&server)
        .await;
    Mock::given(path("/loop"))
        .respond_with(ResponseTemplate::new(301).insert_header("Location", "/loop"))
        .mount(&server)
        .await;
    let url = format!("{}/old", server.uri());
    assert_eq!(
        client().get_bytes(&url, &spec(&url)).await.unwrap(),
        b"moved"
    );
    let url = format!("{}/loop", server.uri());
    let m = client().get_bytes(&url, &spec(&url)).await.unwrap_err();
    assert!(m.detail.contains("more than 5 redirects"), "{}", m.detail);
}

#[tokio::test]
async fn a_post_form_turns_into_a_get_on_303() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/form"))
        .and(body_string_contains("query=up"))
        .respond_with(ResponseTemplate::new(303).insert_header("Location", "/done"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/done"))
        .respond_with(ResponseTemplate::new(200).set_body_string("done"))
        .mount(&server)
        .await;
    let url = format!("{}/form", server.uri());
    let request = Request::post_form(&url, vec![("query".into(), "up".into())]);
    let r = client().send(&request, &spec(&url)).await.unwrap();
    assert_eq!(r.body, b"done");
}

fn prom_spec(url: &str) -> Source {
    SourceSpec {
        kind: Some("prometheus".into()),
        url: Some(url.to_string()),
        ..SourceSpec::default()
    }
    .into_source("prom")
    .unwrap()
}

#[tokio::test]
async fn malformed_prometheus_json_is_a_parse_error() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/query"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(r#"{"status":"success","data":{"resultType":"vec"#),
        )
        .mount(&server)
        .await;
    let m = endpoints::query(
        &prom_spec(&server.uri()),
        r#"{"api":"prometheus/query","query":"up"}"#,
        &client(),
    )
    .await
    .unwrap_err();
    assert_eq!(m.reason, MissingReason::ParseError);
    assert!(
        m.detail.contains("not a Prometheus API answer"),
        "{}",
        m.detail
    );
}

#[tokio::test]
async fn long_promql_goes_by_post_and_a_base_path_is_kept() {
    let server = MockServer::start().await;
    let long = format!("sum(up{{job=~\"{}\"}})", "a|".repeat(1500));
    Mock::given(method("POST"))
        .and(path("/api/metrics/v1/team/api/v1/query"))
        .and(body_string_contains("query=sum%28up"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"3"]}]}}"#,
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/metrics/v1/team/api/v1/query"))
        .and(query_param("query", "up"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1"]}]}}"#,
        ))
        .mount(&server)
        .await;
    let base = format!("{}/api/metrics/v1/team/", server.uri());
    for (query, want) in [(long.as_str(), 3.0), ("up", 1.0)] {
        let request = serde_json::json!({"api": "prometheus/query", "query": query}).to_string();
        let ev = endpoints::query(&prom_spec(&base), &request, &client())
            .await
            .unwrap();
        let Evidence::Values(v) = ev else { panic!() };
        assert_eq!(v.values["{}"], Value::Number(want));
    }
}

#[tokio::test]
async fn a_range_query_sends_start_end_and_step() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/query_range"))
        .and(query_param("step", "300"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"b"},"values":[[1,"1"],[2,"5"],[3,"3"]]}]}}"#,
        ))
        .mount(&server)
        .await;
    let request = serde_json::json!({"api": "prometheus/query", "query": "x",
        "range": {"window": "7d", "step": "5m"}, "reduce": "max"})
    .to_string();
    let ev = endpoints::query(&prom_spec(&server.uri()), &request, &client())
        .await
        .unwrap();
    let Evidence::Values(v) = ev else { panic!() };
    assert_eq!(v.values[r#"{a="b"}"#], Value::Number(5.0));
    let req = &server.received_requests().await.unwrap()[0];
    let q: std::collections::HashMap<_, _> = req.url.query_pairs().into_owned().collect();
    let start: f64 = q["start"].parse().unwrap();
    let end: f64 = q["end"].parse().unwrap();
    assert!((end - start - 604_800.0).abs() < 1e-6, "{start} {end}");
}

#[tokio::test]
async fn a_request_for_another_kind_is_wrong_kind() {
    let server = MockServer::start().await;
    let m = endpoints::query(
        &prom_spec(&server.uri()),
        r#"{"api":"alertmanager/alerts","matchers":[]}"#,
        &client(),
    )
    .await
    .unwrap_err();
    assert_eq!(m.reason, MissingReason::WrongKind);
    assert!(m.detail.contains("only the `metric` check"), "{}", m.detail);
    assert_eq!(hits(&server).await, 0);
}
