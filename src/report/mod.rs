//! Reporters: pure functions from a [`Verdict`] to bytes. No IO here; `main` writes the result.

pub mod human;
pub mod json;

use crate::eval::Verdict;

/// The output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn render(verdict: &Verdict, format: Format) -> String {
    match format {
        Format::Human => human::render(verdict),
        Format::Json => json::render(verdict),
    }
}
