//! Report parsers: bytes or a reader in, typed evidence out. No IO beyond the reader given.
//!
//! Each format lives in its own module and is fuzzed on its own. Errors carry a position (line
//! and column where the format has lines, a byte offset otherwise) so the caller can name the
//! file and the place.

pub mod clover;
pub mod cobertura;
pub mod codequality;
mod coverage_common;
mod coverage_xml;
pub mod dart;
pub mod dependency_check;
pub mod diff;
pub mod format;
pub mod gitlab_test_report;
pub mod gitleaks;
pub mod go_test;
pub mod gocover;
pub mod grype;
pub mod jacoco;
pub mod junit;
pub mod lcov;
mod lines;
pub mod mocha;
pub mod mochawesome;
pub mod npm_audit;
pub mod nunit;
pub mod opencover;
pub mod osv;
pub mod rspec;
pub mod sarif;
mod scan_json;
pub mod tap;
mod tests_common;
pub mod trivy;
pub mod trx;
mod xml;
pub mod xunit;

use std::fmt;

/// Where in the input a parse error happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    LineCol { line: u64, column: u64 },
    Offset(u64),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::LineCol { line, column } => write!(f, "{line}:{column}"),
            Position::Offset(o) => write!(f, "byte {o}"),
        }
    }
}

/// A report that could not be read as the expected format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", position.map(|p| format!("{p}: ")).unwrap_or_default())]
pub struct ParseError {
    pub message: String,
    pub position: Option<Position>,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> Self {
        ParseError {
            message: message.into(),
            position: None,
        }
    }

    pub fn at(message: impl Into<String>, position: Position) -> Self {
        ParseError {
            message: message.into(),
            position: Some(position),
        }
    }
}
