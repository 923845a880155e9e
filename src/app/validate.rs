//! `gonogo validate`: gonogo.yaml and the rule files it names are valid, and what the declared
//! stage will read.

use super::load::load;
use super::{Failure, print};
use crate::cli::ConfigArgs;
use crate::eval::Exit;
use crate::model::Need;

pub(super) fn validate(args: &ConfigArgs) -> Result<Exit, Failure> {
    let today = super::load::today();
    let loaded = load(args, today)?;
    let mut summary = format!(
        "{}: valid ({} sources, {} waivers; pack {} with {} rules)\n",
        loaded.config.file.display(),
        loaded.config.sources.len(),
        loaded.config.waivers.len(),
        loaded.pack.pack.name,
        loaded.pack.rules.len()
    );
    if loaded.has_stage() {
        let stage = loaded.stage()?.clone();
        let plan = loaded.plan(&stage, today)?;
        summary.push_str(&format!(
            "stage {} {}: {} rules apply\n",
            stage.number,
            stage.id,
            plan.rules.len()
        ));
        let unconfigured: std::collections::BTreeSet<String> = plan
            .needs()
            .into_iter()
            .filter_map(|need| match need {
                Need::Source(name) | Need::Query { source: name, .. } => Some(name),
                _ => None,
            })
            .filter(|name| !loaded.config.sources.contains_key(name))
            .collect();
        for name in unconfigured {
            summary.push_str(&format!(
                "warning: rules at this stage read source `{name}`, which is not configured (they will be inconclusive)\n"
            ));
        }
    }
    print(&summary);
    Ok(Exit::Go)
}
