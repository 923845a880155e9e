//! Harbor API v2.0: the vulnerability scan overview of one artifact, and whether a cosign
//! signature is attached to it.
//!
//! `scan_overview` is keyed by the report's MIME type (Trivy's native
//! `application/vnd.security.vulnerability.report; version=1.1`, older adapters'
//! `application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0`); the first
//! vulnerability report found is read. Counts exist only once the scan status is `Success`: a
//! scan that is queued, running or in error leaves them unavailable, so a rule on them is
//! inconclusive, never a pass. Repository names with slashes are URL-encoded twice, as Harbor's
//! API requires (`a/b` → `a%252Fb`). Signatures come from the artifact's accessories; when that
//! call fails (older Harbor), `signed` is unavailable and the scan values still count.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::common::{self, api_url, expand, get_json, number};
use crate::config::Source;
use crate::evidence::{Missing, MissingReason, Value, ValueSet};
use crate::fetch::client::Client;
use crate::model::request::harbor::HarborRequest;

/// Asked for by Harbor's own UI so that `scan_overview` lists both report types.
const ACCEPT_VULNERABILITIES: &str = "application/vnd.security.vulnerability.report; version=1.1, application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0";

/// Severity names in Harbor's summary, and the metric each counts into.
const SEVERITIES: &[(&str, &str)] = &[
    ("Critical", "critical"),
    ("High", "high"),
    ("Medium", "medium"),
    ("Low", "low"),
    ("Negligible", "low"),
    ("Unknown", "unknown"),
];

pub(super) async fn query(
    source: &str,
    spec: &Source,
    request: &str,
    client: &Client,
    peers: &BTreeMap<String, Source>,
) -> Result<ValueSet, Missing> {
    let HarborRequest::HarborScan(r) = common::request(
        source,
        request,
        "is a Harbor registry; it answers `harbor-scan` checks only",
    )?;
    let base = common::base_url(source, spec)?;
    let project = expand(&r.project, "project")?;
    let repository = expand(&r.repository, "repository")?;
    let mut deployed_note = None;
    let reference = match &r.deployed {
        None => expand(&r.reference, "reference")?,
        Some(d) => {
            let argo = peers.get(&d.source).ok_or_else(|| {
                Missing::new(
                    MissingReason::NotConfigured,
                    format!(
                        "the scan reads the deployed image from source `{}`, which gonogo.yaml does not define (kind: argocd)",
                        d.source
                    ),
                )
            })?;
            let argo = &super::expand_url(argo)?;
            let images = super::argocd::deployed_images(
                &d.source,
                argo,
                &d.app,
                d.app_namespace.as_deref(),
                client,
            )
            .await?;
            let (image, reference) = deployed_reference(&images, &project, &repository).ok_or_else(|| {
                Missing::new(
                    MissingReason::NotFound,
                    format!(
                        "Argo CD application `{}` reports no image of {project}/{repository} as deployed (it runs: {})",
                        d.app,
                        if images.is_empty() { "nothing".to_string() } else { images.join(", ") }
                    ),
                )
            })?;
            deployed_note = Some(format!(
                "scanned the image Argo CD application `{}` reports as deployed: {image}",
                d.app
            ));
            reference
        }
    };
    let twice = repository.replace('/', "%2F");
    let artifact = [
        "api",
        "v2.0",
        "projects",
        project.as_str(),
        "repositories",
        twice.as_str(),
        "artifacts",
        reference.as_str(),
    ];
    let what = format!("Harbor artifact {project}/{repository}@{reference}");
    let mut with_accept = spec.access.clone();
    with_accept.headers.insert(
        "X-Accept-Vulnerabilities".into(),
        ACCEPT_VULNERABILITIES.into(),
    );
    let url = api_url(&base, &artifact, &[("with_scan_overview", "true")]);
    let body: Json = get_json(client, &url, &with_accept, &what).await?;
    let mut set = scan_values(&body)
        .map_err(|e| Missing::new(MissingReason::ParseError, format!("{what}: {e}")))?;
    let mut accessories_path = artifact.to_vec();
    accessories_path.push("accessories");
    let url = api_url(&base, &accessories_path, &[("page_size", "100")]);
    let what = format!("accessories of {what}");
    match get_json::<Json>(client, &url, &spec.access, &what).await {
        Ok(list) => signature_values(&mut set, &list),
        Err(m) => {
            set.unavailable
                .insert("signed".into(), format!("cannot list accessories: {m}"));
        }
    }
    set.notes.extend(deployed_note);
    Ok(set)
}

/// Of the images an application runs, the one of `project/repository` and its reference: the
/// digest when the image is pinned by one, else its tag (what the manifests deploy).
pub fn deployed_reference(
    images: &[String],
    project: &str,
    repository: &str,
) -> Option<(String, String)> {
    let wanted = format!("/{project}/{repository}");
    images.iter().find_map(|image| {
        let (rest, digest) = match image.split_once('@') {
            Some((r, d)) => (r, Some(d)),
            None => (image.as_str(), None),
        };
        let slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[slash..].rfind(':') {
            Some(i) => (&rest[..slash + i], Some(&rest[slash + i + 1..])),
            None => (rest, None),
        };
        if !name.ends_with(&wanted) {
            return None;
        }
        let reference = digest.or(tag)?;
        Some((image.clone(), reference.to_string()))
    })
}

/// The artifact's scan overview → status and severity counts.
pub fn scan_values(artifact: &Json) -> Result<ValueSet, String> {
    if !artifact.is_object() {
        return Err("the answer is not an artifact object".into());
    }
    let mut set = ValueSet::default();
    let overview = artifact["scan_overview"].as_object();
    let report = overview.and_then(|o| {
        o.iter()
            .find(|(mime, _)| mime.contains("vulnerability") || mime.contains("vuln.report"))
            .map(|(_, r)| r)
    });
    let status = report
        .and_then(|r| r["scan_status"].as_str())
        .unwrap_or("Not Scanned")
        .to_string();
    set.values
        .insert("scan_status".into(), Value::Text(status.clone()));
    set.values
        .insert("scanned".into(), Value::Bool(status == "Success"));
    let counts = [
        "critical", "high", "medium", "low", "unknown", "total", "fixable",
    ];
    let Some(report) = report.filter(|_| status == "Success") else {
        let why = match report.and_then(|r| r["complete_percent"].as_u64()) {
            Some(p) if status == "Running" => {
                format!("the scan is still running ({p}% done): no counts yet")
            }
            _ if report.is_none() => {
                "the artifact has no vulnerability scan (Not Scanned)".to_string()
            }
            _ => format!("the scan status is `{status}`, not Success: no counts"),
        };
        for c in counts {
            set.unavailable.insert(c.into(), why.clone());
        }
        return Ok(set);
    };
    let summary = &report["summary"];
    let by_severity = &summary["summary"];
    if !by_severity.is_object() && number(&summary["total"]).is_none() {
        let why = "the scan says Success but carries no summary of counts; gonogo does not read a missing count as zero".to_string();
        for c in counts {
            set.unavailable.insert(c.into(), why.clone());
        }
        return Ok(set);
    }
    let mut totals = std::collections::BTreeMap::new();
    for (name, metric) in SEVERITIES {
        let n = number(&by_severity[*name]).unwrap_or(0.0);
        *totals.entry(*metric).or_insert(0.0) += n;
    }
    for (metric, n) in totals {
        set.values.insert(metric.into(), Value::Number(n));
    }
    match number(&summary["total"]) {
        Some(t) => {
            set.values.insert("total".into(), Value::Number(t));
        }
        None => {
            let sum: f64 = ["critical", "high", "medium", "low", "unknown"]
                .iter()
                .filter_map(|k| match set.values.get(*k) {
                    Some(Value::Number(n)) => Some(*n),
                    _ => None,
                })
                .sum();
            set.values.insert("total".into(), Value::Number(sum));
        }
    }
    match number(&summary["fixable"]) {
        Some(f) => {
            set.values.insert("fixable".into(), Value::Number(f));
        }
        None => {
            set.unavailable.insert(
                "fixable".into(),
                "the scan summary has no `fixable` count".into(),
            );
        }
    }
    if let Some(scanner) = report["scanner"]["name"].as_str() {
        let version = report["scanner"]["version"].as_str().unwrap_or("");
        let at = report["end_time"].as_str().unwrap_or("");
        set.notes.push(
            format!("scanned by {scanner} {version} at {at}")
                .trim()
                .to_string(),
        );
    }
    Ok(set)
}

/// The accessories list → `signed` (a cosign signature is attached).
pub fn signature_values(set: &mut ValueSet, accessories: &Json) {
    let Some(list) = accessories.as_array() else {
        set.unavailable.insert(
            "signed".into(),
            "the accessories answer is not a list".into(),
        );
        return;
    };
    let cosign = list
        .iter()
        .filter(|a| a["type"].as_str() == Some("signature.cosign"))
        .count();
    set.values.insert("signed".into(), Value::Bool(cosign > 0));
    if cosign > 0 {
        set.notes
            .push(format!("{cosign} cosign signature(s) attached"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deployed_reference_is_the_digest_else_the_tag() {
        let images = [
            "docker.io/bitnami/redis:7.4.1".to_string(),
            "harbor.example/acme-shop/team/api:1.4.2@sha256:9f2c".to_string(),
            "harbor.example/acme-shop/web:2.0.1".to_string(),
        ];
        assert_eq!(
            deployed_reference(&images, "acme-shop", "team/api"),
            Some((images[1].clone(), "sha256:9f2c".into()))
        );
        assert_eq!(
            deployed_reference(&images, "acme-shop", "web").map(|r| r.1),
            Some("2.0.1".into())
        );
        assert_eq!(deployed_reference(&images, "acme-shop", "api"), None);
        assert_eq!(
            deployed_reference(&["harbor.example/acme-shop/web".into()], "acme-shop", "web"),
            None,
            "an untagged image names no artifact"
        );
    }

    /// Argo CD says what runs; Harbor is asked about that digest, not about a tag of the build.
    #[tokio::test]
    async fn the_scan_reads_the_digest_argo_cd_deploys() {
        use wiremock::matchers::{method, path};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/api");
        let read = |f: &str| std::fs::read(format!("{fixtures}/{f}")).unwrap();
        let argo = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/api/v1/applications/shop-prod"))
            .respond_with(
                ResponseTemplate::new(200).set_body_bytes(read("argocd/application.json")),
            )
            .mount(&argo)
            .await;
        let harbor = MockServer::start().await;
        let digest = "sha256:9f2c1b3a7d5e4f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8";
        Mock::given(method("GET"))
            .and(path(format!(
                "/api/v2.0/projects/acme-shop/repositories/team%252Fapi/artifacts/{digest}"
            )))
            .respond_with(
                ResponseTemplate::new(200).set_body_bytes(read("harbor/artifact-scanned.json")),
            )
            .mount(&harbor)
            .await;
        let source = |kind: &str, url: String| {
            crate::config::SourceSpec {
                kind: Some(kind.into()),
                url: Some(url),
                ..crate::config::SourceSpec::default()
            }
            .into_source(kind)
            .unwrap()
        };
        let peers: BTreeMap<String, Source> =
            [("argocd".to_string(), source("argocd", argo.uri()))].into();
        let client = Client::new(&crate::fetch::FetchOptions::default());
        let request = |app: &str| {
            serde_json::json!({"op": "harbor-scan", "project": "acme-shop", "repository": "team/api",
                "reference": "", "deployed": {"source": "argocd", "app": app}})
            .to_string()
        };
        let set = query(
            "harbor",
            &source("harbor", harbor.uri()),
            &request("shop-prod"),
            &client,
            &peers,
        )
        .await
        .unwrap();
        assert_eq!(set.values["scanned"], Value::Bool(true));
        assert!(
            set.notes
                .iter()
                .any(|n| n.contains("reports as deployed") && n.contains(digest)),
            "{:?}",
            set.notes
        );
        let m = query(
            "harbor",
            &source("harbor", harbor.uri()),
            &request("shop-prod"),
            &client,
            &BTreeMap::new(),
        )
        .await
        .unwrap_err();
        assert_eq!(m.reason, MissingReason::NotConfigured);
        let other =
            serde_json::json!({"op": "harbor-scan", "project": "acme-shop", "repository": "web",
            "reference": "", "deployed": {"source": "argocd", "app": "shop-prod"}})
            .to_string();
        let m = query(
            "harbor",
            &source("harbor", harbor.uri()),
            &other,
            &client,
            &peers,
        )
        .await
        .unwrap_err();
        assert_eq!(m.reason, MissingReason::NotFound);
        assert!(
            m.detail.contains("docker.io/bitnami/redis:7.4.1"),
            "{}",
            m.detail
        );
    }

    #[test]
    fn running_scans_have_no_counts() {
        let a = serde_json::json!({"digest": "sha256:1", "scan_overview": {
            "application/vnd.security.vulnerability.report; version=1.1": {
                "scan_status": "Running", "complete_percent": 40}}});
        let set = scan_values(&a).unwrap();
        assert_eq!(set.values["scan_status"], Value::Text("Running".into()));
        assert_eq!(set.values["scanned"], Value::Bool(false));
        assert!(set.unavailable["critical"].contains("40% done"));
        assert!(!set.values.contains_key("critical"));
    }

    #[test]
    fn unscanned_artifacts_say_so() {
        let set = scan_values(&serde_json::json!({"digest": "sha256:1"})).unwrap();
        assert_eq!(set.values["scan_status"], Value::Text("Not Scanned".into()));
        assert!(set.unavailable["high"].contains("no vulnerability scan"));
    }

    #[test]
    fn negligible_counts_as_low_and_missing_severities_as_zero() {
        let a = serde_json::json!({"scan_overview": {
            "application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0": {
                "scan_status": "Success",
                "summary": {"total": 6, "fixable": 2,
                            "summary": {"High": 1, "Low": 2, "Negligible": 3}}}}});
        let set = scan_values(&a).unwrap();
        assert_eq!(set.values["critical"], Value::Number(0.0));
        assert_eq!(set.values["high"], Value::Number(1.0));
        assert_eq!(set.values["low"], Value::Number(5.0));
        assert_eq!(set.values["total"], Value::Number(6.0));
        assert_eq!(set.values["fixable"], Value::Number(2.0));
    }

    #[test]
    fn only_cosign_signatures_sign() {
        let mut set = ValueSet::default();
        signature_values(&mut set, &serde_json::json!([{"type": "build.sbom"}]));
        assert_eq!(set.values["signed"], Value::Bool(false));
        signature_values(&mut set, &serde_json::json!([{"type": "signature.cosign"}]));
        assert_eq!(set.values["signed"], Value::Bool(true));
    }
}
