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
pub mod prometheus;
pub mod sampling;
pub mod sonarqube;

pub use sampling::{Sampling, Timing, meets};
