//! Against the real Prometheus and Alertmanager that `.ci/services.sh start` runs on 127.0.0.1,
//! with the deterministic history it preloads (see the script's header for the series and their
//! values). Every test here is ignored by default, and fails saying so when run without the
//! services' variables (`GONOGO_PROMETHEUS_URL`, `GONOGO_ALERTMANAGER_URL`).

use std::time::Duration;

use gonogo::checks::Check;
use gonogo::config::SourceSpec;
use gonogo::evidence::{Missing, MissingReason, Value};
use gonogo::fetch::endpoints;
use gonogo::model::{Measurement, Need};
use serde_json::json;

use crate::support::{self, Project, result};

/// The Prometheus and Alertmanager URLs `.ci/services.sh start` exports.
fn urls() -> (String, String) {
    (
        support::service_url("GONOGO_PROMETHEUS_URL"),
        support::service_url("GONOGO_ALERTMANAGER_URL"),
    )
}

/// Fetches and measures `check` against a source of `kind` at `url`.
async fn measure(kind: &str, url: &str, check: serde_json::Value) -> Result<Measurement, Missing> {
    let check: Check = serde_json::from_value(check).unwrap();
    let Need::Query { request, .. } = check.need() else {
        panic!("not an endpoint check")
    };
    let spec = SourceSpec {
        kind: Some(kind.into()),
        url: Some(url.into()),
        ..SourceSpec::default()
    }
    .into_source("live")
    .unwrap();
    let evidence = endpoints::query(&spec, &request, &support::client()).await?;
    check.measure(&evidence, &mut |_| false)
}

fn num(m: &Measurement, metric: &str) -> f64 {
    match m.metrics.get(metric) {
        Some(Value::Number(n)) => *n,
        other => panic!("{metric}: {other:?}; unavailable: {:?}", m.unavailable),
    }
}

#[tokio::test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
async fn instant_query_of_the_scraped_target() {
    let (prom, _) = urls();
    let m = measure(
        "prometheus",
        &prom,
        json!({"kind": "metric", "query": "gonogo_demo_queue_depth{job=\"demo\"}"}),
    )
    .await
    .unwrap();
    assert_eq!(num(&m, "series"), 2.0);
    assert_eq!(num(&m, "min"), 3.0);
    assert_eq!(num(&m, "max"), 7.0);
    assert_eq!(num(&m, "sum"), 10.0);
    assert!(m.unavailable["value"].contains("2 series"));
    let keys: Vec<&str> = m.items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys.len(), 2);
    assert!(keys[0].starts_with("gonogo_demo_queue_depth{instance=\"127.0.0.1:"));
    assert!(
        keys[0].ends_with(r#",job="demo",queue="emails"}"#),
        "{keys:?}"
    );
    assert!(
        keys[1].ends_with(r#",job="demo",queue="orders"}"#),
        "{keys:?}"
    );
    let m = measure(
        "prometheus",
        &prom,
        json!({"kind": "metric", "query": "sum(gonogo_demo_queue_depth)"}),
    )
    .await
    .unwrap();
    assert_eq!(num(&m, "value"), 10.0);
}

#[tokio::test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
async fn availability_over_seven_days_of_history() {
    let (prom, _) = urls();
    // The 7-day window slides past the end of the history as time passes, so the number of
    // samples in it is read too; a minute boundary between the two queries gets one more try.
    let query = |q: &str| json!({"kind": "metric", "query": q});
    let mut last = String::new();
    for _ in 0..2 {
        let m = measure(
            "prometheus",
            &prom,
            query("avg_over_time(gonogo_demo_up[7d])"),
        )
        .await
        .unwrap();
        let n = measure(
            "prometheus",
            &prom,
            query("count_over_time(gonogo_demo_up{service=\"search\"}[7d])"),
        )
        .await
        .unwrap();
        assert_eq!(num(&m, "series"), 2.0);
        assert_eq!(num(&m, "max"), 1.0);
        let samples = num(&n, "value");
        assert!(samples > 10_000.0, "{samples} samples in 7 days");
        let expected = 1.0 - 10.0 / samples;
        let search = num(&m, "min");
        if (search - expected).abs() < 1e-12 {
            assert!((0.999..0.9995).contains(&search), "{search}");
            return;
        }
        last = format!("{search} vs {expected} ({samples} samples)");
    }
    panic!("availability of `search`: {last}");
}

#[tokio::test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
async fn range_queries_reduce_to_exact_values() {
    let (prom, _) = urls();
    let latency = |reduce: serde_json::Value| {
        let mut c = json!({"kind": "metric", "query": "gonogo_demo_latency_seconds",
            "range": {"window": "7d", "step": "1h"}});
        for (k, v) in reduce.as_object().unwrap() {
            c[k] = v.clone();
        }
        c
    };
    for (reduce, want) in [
        (json!({"reduce": "min"}), 0.2),
        (json!({"reduce": "max"}), 0.4),
        (json!({"reduce": "last"}), 0.4),
        (json!({"reduce": "quantile", "q": 0.0}), 0.2),
        (json!({"reduce": "quantile", "q": 1.0}), 0.4),
    ] {
        let m = measure("prometheus", &prom, latency(reduce.clone()))
            .await
            .unwrap();
        assert_eq!(num(&m, "value"), want, "{reduce}");
    }
    let m = measure(
        "prometheus",
        &prom,
        json!({"kind": "metric", "query": "gonogo_demo_saturation_ratio",
            "range": {"window": "7d", "step": "30m"}, "reduce": "avg"}),
    )
    .await
    .unwrap();
    assert_eq!(num(&m, "value"), 0.25);
    let m = measure(
        "prometheus",
        &prom,
        json!({"kind": "metric",
            "query": "sum(rate(gonogo_demo_requests_total{code=\"500\"}[5m])) / sum(rate(gonogo_demo_requests_total[5m]))",
            "range": {"window": "7d", "step": "1h"}, "reduce": "max"}),
    )
    .await
    .unwrap();
    assert!((num(&m, "value") - 0.01).abs() < 1e-12, "{:?}", m.metrics);
}

#[tokio::test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
async fn an_empty_result_is_inconclusive() {
    let (prom, _) = urls();
    let m = measure(
        "prometheus",
        &prom,
        json!({"kind": "metric", "query": "gonogo_no_such_metric{job=\"demo\"}"}),
    )
    .await
    .unwrap_err();
    assert_eq!(m.reason, MissingReason::Empty);
    assert!(m.detail.contains("no series"), "{}", m.detail);
}

#[tokio::test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
async fn a_promql_syntax_error_keeps_the_api_message() {
    let (prom, _) = urls();
    let m = measure(
        "prometheus",
        &prom,
        json!({"kind": "metric", "query": "sum(rate(up[5m]"}),
    )
    .await
    .unwrap_err();
    assert_eq!(m.reason, MissingReason::Unreachable);
    assert!(m.detail.contains("bad_data"), "{}", m.detail);
    assert!(m.detail.contains("parse error"), "{}", m.detail);
}

#[tokio::test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
async fn firing_alerts_are_counted_by_matchers() {
    let (_, am) = urls();
    let m = measure(
        "alertmanager",
        &am,
        json!({"kind": "alerts", "matchers": ["severity=critical"]}),
    )
    .await
    .unwrap();
    assert_eq!(num(&m, "firing"), 1.0);
    assert!(
        m.items[0].key.starts_with("GonogoDemoQueueBacklog{"),
        "{:?}",
        m.items
    );
    assert!(m.items[0].key.contains(r#"namespace="shop-prod""#));
    let m = measure(
        "alertmanager",
        &am,
        json!({"kind": "alerts", "matchers": ["namespace=~shop-.*", "severity!=info"]}),
    )
    .await
    .unwrap();
    assert_eq!(num(&m, "firing"), 2.0);
    let m = measure(
        "alertmanager",
        &am,
        json!({"kind": "alerts", "matchers": ["severity=none-such"]}),
    )
    .await
    .unwrap();
    assert_eq!(num(&m, "firing"), 0.0);
}

#[tokio::test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
async fn a_silenced_alert_is_excluded() {
    let (_, am) = urls();
    let check = json!({"kind": "alerts", "matchers": ["purpose=silence-test"]});
    let before = measure("alertmanager", &am, check.clone()).await.unwrap();
    assert_eq!(num(&before, "firing"), 1.0);

    let http = reqwest::Client::new();
    let now = jiff::Timestamp::now();
    let silence = json!({
        "matchers": [{"name": "purpose", "value": "silence-test", "isRegex": false, "isEqual": true}],
        "startsAt": now.to_string(),
        "endsAt": (now + jiff::SignedDuration::from_mins(10)).to_string(),
        "createdBy": "gonogo tests",
        "comment": "tests/it/prometheus_live.rs: a silenced alert does not count",
    });
    let created: serde_json::Value = http
        .post(format!("{am}/api/v2/silences"))
        .json(&silence)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["silenceID"].as_str().unwrap().to_string();

    let mut firing = 1.0;
    for _ in 0..50 {
        firing = num(
            &measure("alertmanager", &am, check.clone()).await.unwrap(),
            "firing",
        );
        if firing == 0.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = http
        .delete(format!("{am}/api/v2/silence/{id}"))
        .send()
        .await;
    assert_eq!(firing, 0.0, "the silenced alert still counts");
}

const PACK: &str = r#"
pack: live
title: Live checks
stages:
  - {number: 1, id: prod, title: Production}
rules:
  - id: L-AVAIL
    title: Every service available 99.9 % over 7 days
    why: The production SLA.
    reference: tests
    level: fail
    check: {kind: metric, source: prom, query: "avg_over_time(gonogo_demo_up[7d])"}
    expect: {min: ">= 0.999", series: ">= 2"}
  - id: L-ERRORS
    # The demo data's ratio is exactly 1 %, which a rate quotient gives as 0.010000000000000002
    # for some step alignments: the bound leaves room for the rounding, not for a real 2 %.
    title: Error ratio at most 1 %
    why: Users notice errors.
    reference: tests
    level: fail
    check:
      kind: metric
      source: prom
      query: sum(rate(gonogo_demo_requests_total{code=~"5.."}[5m])) / sum(rate(gonogo_demo_requests_total[5m]))
      range: {window: 7d, step: 1h}
      reduce: max
    expect: {value: "<= 0.0105"}
  - id: L-QUEUE
    title: The orders queue settles after the deployment
    why: A backlog after a deployment means a stuck consumer.
    reference: tests
    level: fail
    check:
      kind: metric
      source: prom
      query: gonogo_demo_queue_depth{queue="orders"}
      sampling: {interval: 1s, count: 5, consecutive: 2, until: {value: "<= ${queue_max}"}}
    expect: {value: "<= ${queue_max}"}
  - id: L-ALERTS
    title: No critical alert firing
    why: A firing alert is a known problem.
    reference: tests
    level: fail
    check: {kind: alerts, source: am, matchers: ["severity=${severity}"]}
"#;

fn project(prom: &str, am: &str, vars: &str) -> Project {
    let p = Project::new();
    p.write("pack.yaml", PACK).write(
        "gonogo.yaml",
        &format!(
            "project: live\npack: live\nrules: [pack.yaml]\nstage: prod\nvars: {{{vars}}}\nsources:\n  prom: {{kind: prometheus, url: \"{prom}\"}}\n  am: {{kind: alertmanager, url: \"{am}\"}}\n"
        ),
    );
    p
}

fn check(p: &Project) -> (i32, serde_json::Value, String) {
    let out = p
        .gonogo()
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let (code, _, stderr) = support::ran(&out);
    (code, support::verdict(&out), stderr)
}

#[test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
fn gonogo_check_end_to_end_exit_codes() {
    let (prom, am) = urls();

    let go = project(&prom, &am, "queue_max: 10, severity: none-such");
    let (code, v, err) = check(&go);
    assert_eq!(code, 0, "GO expected: {v}\n{err}");
    for id in ["L-AVAIL", "L-ERRORS", "L-QUEUE", "L-ALERTS"] {
        assert_eq!(result(&v, id)["outcome"]["status"], "pass", "{id}: {v}");
    }
    let notes = result(&v, "L-QUEUE")["notes"].to_string();
    assert!(notes.contains("sampled 2 time(s)"), "{notes}");

    let nogo = project(&prom, &am, "queue_max: 10, severity: critical");
    let (code, v, _) = check(&nogo);
    assert_eq!(code, 1, "NO-GO expected: {v}");
    assert_eq!(result(&v, "L-ALERTS")["outcome"]["status"], "fail");
    assert!(
        result(&v, "L-ALERTS")["items"]
            .to_string()
            .contains("GonogoDemoQueueBacklog")
    );

    let unreachable = project(
        &prom,
        "http://127.0.0.1:9",
        "queue_max: 10, severity: critical",
    );
    let (code, v, _) = check(&unreachable);
    assert_eq!(code, 3, "INCONCLUSIVE expected: {v}");
    assert_eq!(result(&v, "L-ALERTS")["outcome"]["status"], "inconclusive");
}

#[test]
#[ignore = "needs the live Prometheus and Alertmanager; .ci/run starts them"]
fn sampling_that_never_settles_fails_the_rule() {
    let (prom, am) = urls();
    let dir = project(&prom, &am, "queue_max: 5, severity: none-such");
    let (code, v, _) = check(&dir);
    assert_eq!(code, 1, "{v}");
    let r = result(&v, "L-QUEUE");
    assert_eq!(r["outcome"]["status"], "fail", "{r}");
    assert!(
        r["notes"]
            .to_string()
            .contains("sampling gave up after 5 samples"),
        "{r}"
    );
}
