//! gonogo: a go/no-go gate for CI/CD pipelines.
//!
//! The flow is one straight line: config → plan → fetch (the only IO) → evaluate (pure) →
//! verdict → reporters → exit code. Each module's doc says why it is shaped the way it is.

pub mod app;
pub mod checks;
pub mod cli;
pub mod config;
pub mod diag;
pub mod eval;
pub mod evidence;
pub mod fetch;
pub mod i18n;
pub mod lint;
pub mod model;
pub mod parse;
pub mod publish;
pub mod read;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod yaml;

#[cfg(test)]
mod layering;
