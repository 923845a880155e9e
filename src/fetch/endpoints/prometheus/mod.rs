//! Prometheus HTTP API client: instant and range PromQL queries, for Prometheus itself and the
//! systems that speak its API (Thanos, Mimir, VictoriaMetrics, Grafana's datasource proxy, an
//! Observatorium tenant path).
//!
//! The source `url` is the API base, whatever its prefix
//! (`https://obs.example/api/metrics/v1/<tenant>`); `/api/v1/query` or `/api/v1/query_range` is
//! appended. Queries go by GET, or by POST form when the PromQL is long (Prometheus accepts both).
//!
//! The answer becomes a [`ValueSet`] keyed by series (`up{instance="a",job="b"}`, `{}` without
//! labels, `scalar`, `string`): range results are reduced per series over the window (`last`,
//! `min`, `max`, `avg`, `sum`, `quantile`), so the `metric` check sees one number per series.
//! API errors (`status: error`) keep the API's own message; an empty result, or one where every
//! series is NaN, is `Missing` with reason `empty`: no data is never a pass. API `warnings` and
//! `infos` become notes on the evidence.

mod answer;

use std::time::{Duration, SystemTime};

use super::sampling;
use crate::config::Source;
use crate::evidence::{Evidence, Missing, MissingReason, ValueSet};
use crate::fetch::client::{self, Client, Request as HttpRequest};
use crate::model::request::prometheus::{Query, Reduce, Request};

pub use answer::{
    ABSENT_KEY, Reducer, data_values, parse_answer, parse_response, reduce_points, series_key,
};

/// PromQL longer than this (URL-encoded) goes by POST, below proxies' URL limits.
const MAX_GET_QUERY: usize = 2000;

/// Runs `request` (canonical JSON of [`Request`]) against the source.
pub async fn query(
    source: &str,
    spec: &Source,
    request: &str,
    client: &Client,
    judge: super::Judge<'_>,
) -> Result<Evidence, Missing> {
    let Request::Query(q) = super::common::request(
        source,
        request,
        "is a Prometheus API; only the `metric` check reads it",
    )?;
    let base = super::common::raw_url(source, spec)?;
    let values = match &q.sampling {
        None => once(base, &q, spec, client).await?,
        Some(s) => {
            let label = format!("{source} `{}`", short(&q.query));
            sampling::run(
                s,
                &label,
                client.deadline(),
                client.progress(),
                || once(base, &q, spec, client),
                judge,
            )
            .await?
        }
    };
    Ok(Evidence::Values(values))
}

fn short(query: &str) -> String {
    let one_line: String = query.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 60 {
        format!("{}…", one_line.chars().take(59).collect::<String>())
    } else {
        one_line
    }
}

/// One query, answered.
async fn once(base: &str, q: &Query, spec: &Source, client: &Client) -> Result<ValueSet, Missing> {
    let mut params = vec![("query".to_string(), q.query.clone())];
    let path = match &q.range {
        None => "api/v1/query",
        Some(r) => {
            let (window, step) = r
                .durations()
                .map_err(|e| Missing::new(MissingReason::ParseError, e))?;
            let end = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap_or_default();
            let start = end.saturating_sub(window);
            params.push(("start".into(), seconds(start)));
            params.push(("end".into(), seconds(end)));
            params.push(("step".into(), seconds(step)));
            "api/v1/query_range"
        }
    };
    if let Some(t) = spec.access.timeout {
        params.push(("timeout".into(), format!("{}s", t.as_secs().max(1))));
    }
    let url = client::join(base, path);
    let encoded: usize = params.iter().map(|(k, v)| k.len() + v.len() * 3 + 2).sum();
    let request = if encoded > MAX_GET_QUERY {
        HttpRequest::post_form(url, params)
    } else {
        HttpRequest::get(url).query(params)
    }
    .accept("application/json");
    let response = client.send(&request, &spec.access).await?;
    let reduce = match (q.reduce, q.q) {
        (Reduce::Quantile, Some(q)) => Reducer::Quantile(q),
        (Reduce::Quantile, None) => {
            return Err(Missing::new(
                MissingReason::ParseError,
                "reduce: quantile needs `q`",
            ));
        }
        (other, _) => Reducer::Simple(other),
    };
    parse_answer(
        &response.body,
        response.status.as_u16(),
        response.content_type().as_deref(),
        reduce,
        &response.shown,
        q.absent_means,
    )
}

fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    if ms.is_multiple_of(1000) {
        format!("{}", ms / 1000)
    } else {
        format!("{}.{:03}", ms / 1000, ms % 1000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_queries_are_shortened_for_progress() {
        assert_eq!(short("sum(rate(x[5m]))\n  / 2"), "sum(rate(x[5m])) / 2");
        assert_eq!(short(&"a".repeat(100)).chars().count(), 60);
    }
}
