//! `gonogo schema`: the JSON Schema of gonogo.yaml or of rule files, for editors.

use super::{Failure, print};
use crate::cli::SchemaKind;
use crate::eval::Exit;

pub(super) fn schema(kind: SchemaKind) -> Result<Exit, Failure> {
    let schema = match kind {
        SchemaKind::Config => schemars::schema_for!(crate::config::ConfigFile).to_value(),
        SchemaKind::Rules => crate::rules::schema::rule_file_schema(),
        SchemaKind::Answers => answers_schema()?,
    };
    print(&format!(
        "{}\n",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    ));
    Ok(Exit::Go)
}

/// The answers file's schema, from the default pack's `yaml-fields` rules that read the file its
/// `answers_file` variable names.
fn answers_schema() -> Result<serde_json::Value, Failure> {
    use crate::checks::Check;
    let mut diags = crate::diag::Diagnostics::default();
    let catalog = crate::rules::load_catalog(&crate::rules::embedded_files(), &mut diags);
    let pack = catalog
        .compile(
            crate::model::DEFAULT_PACK,
            &std::collections::BTreeMap::new(),
            &mut diags,
        )
        .ok_or_else(|| Failure::Usage(diags.render()))?;
    let file = pack.vars.get("answers_file").and_then(|v| v.as_str());
    let checks: Vec<&crate::checks::yaml_fields::YamlFieldsCheck> = pack
        .rules
        .iter()
        .filter_map(|r| match &r.rule.check {
            Check::YamlFields(c) if file.is_none_or(|f| c.file == f) => Some(c),
            _ => None,
        })
        .collect();
    Ok(crate::checks::yaml_fields::answers_schema(&checks))
}
