//! `gonogo schema`: the JSON Schema of gonogo.yaml or of rule files, for editors.

use super::{Failure, print};
use crate::cli::SchemaKind;
use crate::eval::Exit;

pub(super) fn schema(kind: SchemaKind) -> Result<Exit, Failure> {
    let schema = match kind {
        SchemaKind::Config => schemars::schema_for!(crate::config::ConfigFile).to_value(),
        SchemaKind::Rules => crate::rules::schema::rule_file_schema(),
    };
    print(&format!(
        "{}\n",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    ));
    Ok(Exit::Go)
}
