//! Requests to endpoints, as data: what a check asks of a source (a PromQL query, a quality-gate
//! lookup, a pipeline of a commit). A check builds one and serialises it into its [`Need`]
//! (canonical JSON, so equal requests are fetched once); fetch reads it back and sends it.
//!
//! [`Need`]: crate::model::Need

pub mod alertmanager;
pub mod argocd;
pub mod github;
pub mod gitlab;
pub mod harbor;
pub mod http;
pub mod loki;
pub mod prometheus;
pub mod sampling;
pub mod sonarqube;

pub use sampling::{Sampling, Timing, meets};

macro_rules! endpoint_kinds {
    ($($variant:ident = $id:literal, $what:literal;)*) => {
        /// The kinds of live systems a source can be: the closed set that `kind:` accepts
        /// besides report formats. Adding one is a variant here, its request type in this
        /// module, and its client in `fetch::endpoints` (the compiler points at the dispatch).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EndpointKind { $($variant,)* }

        impl EndpointKind {
            pub const ALL: &[EndpointKind] = &[$(EndpointKind::$variant,)*];

            pub fn id(self) -> &'static str {
                match self { $(EndpointKind::$variant => $id,)* }
            }

            /// What the kind is, and which checks it answers.
            pub fn describe(self) -> &'static str {
                match self { $(EndpointKind::$variant => $what,)* }
            }

            pub fn from_id(id: &str) -> Option<EndpointKind> {
                match id { $($id => Some(EndpointKind::$variant),)* _ => None }
            }
        }
    };
}

endpoint_kinds! {
    Prometheus = "prometheus", "a Prometheus-compatible query API (Prometheus, Thanos, Mimir, VictoriaMetrics); answers `metric` checks";
    Loki = "loki", "a Loki query API (Loki, an Observatorium logs tenant, Grafana's datasource proxy); answers `logs` checks";
    Alertmanager = "alertmanager", "an Alertmanager API v2; answers `alerts` checks";
    Http = "http", "any HTTP service; answers `http-json` and `http-health` checks";
    Sonarqube = "sonarqube", "a SonarQube server; answers `quality-gate` and `sonar-measures` checks";
    Gitlab = "gitlab", "a GitLab API v4; answers `pipeline` checks";
    Github = "github", "a GitHub REST API; answers `check-run` checks";
    Harbor = "harbor", "a Harbor registry API v2; answers `harbor-scan` checks";
    Argocd = "argocd", "an Argo CD API; answers `argocd-app` checks";
}
