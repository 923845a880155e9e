//! The report formats gonogo reads, by id, with content detection.
//!
//! Detection asks each format's sniffer in a fixed order, most specific first, on the first
//! bytes of the file; a user who names `kind:` skips it.

use std::io::BufRead;

use super::ParseError;
use crate::evidence::Evidence;

macro_rules! formats {
    ($($variant:ident = $id:literal => $module:ident as $wrap:ident, $what:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Format { $($variant,)* }

        impl Format {
            /// Every format, in detection order.
            pub const ALL: &[Format] = &[$(Format::$variant,)*];

            pub fn id(self) -> &'static str {
                match self { $(Format::$variant => $id,)* }
            }

            /// What the format is, for `gonogo inspect` and the docs.
            pub fn describe(self) -> &'static str {
                match self { $(Format::$variant => $what,)* }
            }

            pub fn from_id(id: &str) -> Option<Format> {
                match id { $($id => Some(Format::$variant),)* _ => None }
            }

            fn sniff(self, head: &[u8]) -> bool {
                match self { $(Format::$variant => super::$module::sniff(head),)* }
            }

            /// Parses a whole report of this format.
            pub fn parse(self, reader: &mut dyn BufRead) -> Result<Evidence, ParseError> {
                match self { $(Format::$variant => super::$module::parse(reader).map(Evidence::$wrap),)* }
            }
        }
    };
}

formats! {
    Junit = "junit" => junit as Tests, "JUnit XML test report (any dialect)";
    GitlabTestReport = "gitlab-test-report" => gitlab_test_report as Tests, "GitLab pipeline test_report / test_report_summary JSON";
    Trx = "trx" => trx as Tests, "Visual Studio TRX (dotnet test --logger trx, vstest, MSTest)";
    Nunit = "nunit" => nunit as Tests, "NUnit 3 (<test-run>) and NUnit 2 (<test-results>) result XML";
    Mochawesome = "mochawesome" => mochawesome as Tests, "mochawesome JSON (mocha, Cypress)";
    Mocha = "mocha-json" => mocha as Tests, "mocha --reporter json";
    Rspec = "rspec-json" => rspec as Tests, "RSpec JSON formatter (rspec --format json)";
    GoTest = "go-test-json" => go_test as Tests, "go test -json (test2json) and gotestsum --jsonfile event streams";
    Dart = "dart-json" => dart as Tests, "Dart / Flutter test --reporter json event stream";
    Xunit = "xunit" => xunit as Tests, "xUnit.net v1/v2/v3 XML (<assemblies>, <assembly>)";
    Cobertura = "cobertura" => cobertura as Coverage, "Cobertura XML coverage";
    Jacoco = "jacoco" => jacoco as Coverage, "JaCoCo XML coverage";
    Clover = "clover" => clover as Coverage, "Clover XML coverage";
    OpenCover = "opencover" => opencover as Coverage, "OpenCover XML coverage";
    Lcov = "lcov" => lcov as Coverage, "LCOV tracefile";
    GoCover = "gocover" => gocover as Coverage, "Go cover profile (go test -coverprofile)";
    Tap = "tap" => tap as Tests, "TAP 12-14 (prove / Test::More, node --test, tap, Bats)";
    Sarif = "sarif" => sarif as Findings, "SARIF 2.1.0 static analysis results";
    Trivy = "trivy" => trivy as Findings, "Trivy JSON (image, filesystem, config, k8s)";
    Grype = "grype" => grype as Findings, "Grype JSON vulnerability report";
    DependencyCheck = "dependency-check" => dependency_check as Findings, "OWASP Dependency-Check JSON";
    NpmAudit = "npm-audit" => npm_audit as Findings, "npm audit --json (v6 and v7+)";
    Osv = "osv" => osv as Findings, "osv-scanner JSON";
    Gitleaks = "gitleaks" => gitleaks as Findings, "Gitleaks JSON (v7, v8)";
    CodeQuality = "codequality" => codequality as Findings, "GitLab Code Quality (Code Climate) JSON";
}

/// The format whose sniffer recognises `head`, if any.
pub fn detect(head: &[u8]) -> Option<Format> {
    Format::ALL.iter().copied().find(|f| f.sniff(head))
}

#[cfg(test)]
mod tests;
