//! `gonogo explain`: the rules that apply at a stage and the evidence each needs, without
//! reading any.

use super::{Failure, print};
use crate::cli::{ExplainArgs, OutputFormat};
use crate::config::{Config, Location};
use crate::eval::Exit;
use crate::fetch::endpoints::display_url;
use crate::model::Need;

pub(super) fn explain(args: &ExplainArgs) -> Result<Exit, Failure> {
    let today = super::load::today();
    let loaded = super::load::load_or_defaults(&args.config, today)?;
    let stage = loaded.stage()?.clone();
    let plan = loaded.plan(&stage, today)?;
    let reads = |need: &Need| where_from(need, &loaded.config);
    print(&match args.format {
        OutputFormat::Json => crate::report::plan::json(&plan, &reads),
        OutputFormat::Human => crate::report::plan::human(&plan, &reads),
    });
    Ok(Exit::Go)
}

/// Where a need would be read from, in words.
fn where_from(need: &Need, config: &Config) -> String {
    let not_configured = |name: &str| format!("NOT CONFIGURED (add sources.{name} to gonogo.yaml)");
    match need {
        Need::Source(name) | Need::Query { source: name, .. } => match config.sources.get(name) {
            None => not_configured(name),
            Some(source) => {
                let loc = match &source.location {
                    Location::Files(p) => p.join(", "),
                    other => other.url().map(display_url).unwrap_or_default(),
                };
                match source.kind.id() {
                    Some(k) => format!("{loc} ({k})"),
                    None => format!("{loc} (format detected)"),
                }
            }
        },
        Need::Files(p) | Need::Documents(p) => format!("project files {}", p.join(", ")),
        Need::Manifests { patterns, .. } => format!(
            "project files {} (Helm charts rendered with `helm template` when helm is on PATH)",
            patterns.join(", ")
        ),
        Need::Document(p) => format!("project file {p}"),
    }
}
