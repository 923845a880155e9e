//! `gonogo rules`: the embedded packs as a listing, JSON, or the Markdown rule reference
//! (`docs/rules/`, one page per rule, generated here and drift-tested).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Failure, print, write_file};
use crate::checks::KINDS;
use crate::cli::{RulesArgs, RulesFormat};
use crate::diag::Diagnostics;
use crate::eval::Exit;
use crate::model::DEFAULT_PACK;
use crate::model::EnvType;
use crate::rules::load::CompiledPack;
use crate::rules::{CompiledRule, embedded_files, load_catalog};

fn embedded_pack() -> Result<CompiledPack, Failure> {
    let mut diags = Diagnostics::default();
    let catalog = load_catalog(&embedded_files(), &mut diags);
    let pack = catalog.compile(DEFAULT_PACK, &BTreeMap::new(), &mut diags);
    match pack {
        Some(p) if diags.is_empty() => Ok(p),
        _ => Err(Failure::Config(diags)),
    }
}

pub(super) fn rules(args: &RulesArgs) -> Result<Exit, Failure> {
    let pack = embedded_pack()?;
    if !std::path::Path::new(crate::config::DEFAULT_FILE).exists() {
        super::eprint(&format!(
            "{}\n",
            crate::t!(
                crate::i18n::process_lang(),
                "note-no-config-rules",
                file = crate::config::DEFAULT_FILE
            )
        ));
    }
    match (args.format, &args.out) {
        (RulesFormat::Markdown, Some(dir)) => {
            for (name, text) in markdown_pages(&pack) {
                write_file(&dir.join(name), &text)?;
            }
        }
        (RulesFormat::Markdown, None) => print(&markdown_index(&pack)),
        (RulesFormat::Summary, _) => print(&markdown_summary(&pack)),
        (RulesFormat::Json, _) => {
            let rules: Vec<&crate::rules::Rule> = pack.rules.iter().map(|r| &r.rule).collect();
            let out = serde_json::json!({"pack": pack.pack.name, "stages": pack.pack.stages, "vars": pack.vars, "rules": rules});
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&out).unwrap_or_default()
            ));
        }
        (RulesFormat::Human, _) => print(&human(&pack)),
    }
    Ok(Exit::Go)
}

fn human(pack: &CompiledPack) -> String {
    let mut out = format!("{} — {}\n", pack.pack.name, pack.pack.title);
    for stage in &pack.pack.stages {
        let _ = writeln!(
            out,
            "\nstage {} {} — {}",
            stage.number, stage.id, stage.title
        );
        for r in pack.rules.iter().filter(|r| r.since == stage.number) {
            let _ = writeln!(
                out,
                "  {:<12} {:<8} {}",
                r.rule.id,
                level_text(r),
                r.rule.title
            );
        }
    }
    out
}

fn level_text(r: &CompiledRule) -> String {
    let mut s = r.rule.level.to_string();
    for (stage, level) in &r.raise {
        let _ = write!(s, ", {level} from stage {stage}");
    }
    s
}

fn criteria(r: &CompiledRule) -> String {
    let mut parts: Vec<String> = r.expect.iter().map(|c| format!("`{c}`")).collect();
    parts.extend(r.prefer.iter().map(|c| format!("`{c}` (preferred)")));
    parts.join(", ")
}

fn page_name(id: &str) -> String {
    format!("{id}.md")
}

/// The P/I type of the requirements a rule cites: `P`, `I`, `P+I`, or `—`.
fn source_type(reference: &str) -> &'static str {
    let mut p = false;
    let mut i = false;
    for (at, _) in reference.match_indices('(') {
        let rest = &reference[at + 1..];
        let word: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if matches!(rest[word.len()..].chars().next(), Some(')' | ',')) {
            p |= word == "P";
            i |= word == "I";
        }
    }
    match (p, i) {
        (true, true) => "P+I",
        (true, false) => "P",
        (false, true) => "I",
        (false, false) => "—",
    }
}

fn own(r: &CompiledRule) -> &'static str {
    if r.rule.own_threshold {
        "own"
    } else {
        "source"
    }
}

/// The README's table: one line per rule, linking to its page.
pub(super) fn markdown_summary(pack: &CompiledPack) -> String {
    let mut out = String::from(
        "| stage | rule | title | level | type | threshold |\n|---|---|---|---|---|---|\n",
    );
    for r in &pack.rules {
        let _ = writeln!(
            out,
            "| {} | [{}](docs/rules/{}) | {} | {} | {} | {} |",
            stage_name(pack, r.since),
            r.rule.id,
            page_name(&r.rule.id),
            r.rule.title,
            level_text(r),
            source_type(&r.rule.reference),
            own(r)
        );
    }
    out
}

/// `README.md` (index) and one page per rule.
pub(super) fn markdown_pages(pack: &CompiledPack) -> Vec<(String, String)> {
    let mut pages = vec![("README.md".to_string(), markdown_index(pack))];
    for r in &pack.rules {
        pages.push((page_name(&r.rule.id), rule_page(pack, r)));
    }
    pages
}

fn stage_name(pack: &CompiledPack, n: u32) -> String {
    pack.pack
        .stages
        .iter()
        .find(|s| s.number == n)
        .map_or_else(|| n.to_string(), |s| format!("{} `{}`", s.number, s.id))
}

pub(super) fn markdown_index(pack: &CompiledPack) -> String {
    let mut out = format!(
        "# Rule reference: `{}`\n\n<!-- generated by `gonogo rules --format markdown --out docs/rules`; do not edit -->\n\n{}\n\n",
        pack.pack.name, pack.pack.description
    );
    out.push_str("| stage | id | title | check | level | criteria | threshold | source | type |\n|---|---|---|---|---|---|---|---|---|\n");
    for r in &pack.rules {
        let _ = writeln!(
            out,
            "| {} | [{}]({}) | {} | `{}` | {} | {} | {} | {} | {} |",
            r.since,
            r.rule.id,
            page_name(&r.rule.id),
            r.rule.title,
            r.rule.check.kind_id(),
            level_text(r),
            criteria(r).replace('|', "\\|"),
            own(r),
            r.rule.reference.replace('|', "\\|"),
            source_type(&r.rule.reference)
        );
    }
    out.push_str("\n## Stages\n\n");
    for s in &pack.pack.stages {
        let _ = writeln!(
            out,
            "- **{} `{}`** — {}. {}",
            s.number, s.id, s.title, s.gate
        );
    }
    out.push_str("\n## Check kinds\n\n");
    for k in KINDS {
        let _ = writeln!(out, "### `{}`\n\n{}\n", k.id, k.summary);
        for m in k.metrics {
            let _ = writeln!(out, "- `{}`: {}", m.name, m.description);
        }
        out.push('\n');
    }
    out.push_str("## Variables\n\n| name | default |\n|---|---|\n");
    for (k, v) in &pack.vars {
        match pack.pack.required.get(k) {
            Some(req) if v.is_null() => {
                let _ = writeln!(
                    out,
                    "| `{k}` | **required**, no default: {} (e.g. `{}`) |",
                    req.help,
                    req.example
                        .as_str()
                        .map_or_else(|| req.example.to_string(), str::to_string)
                );
            }
            _ => {
                let _ = writeln!(out, "| `{k}` | `{}` |", v.to_string().replace('|', "\\|"));
            }
        }
    }
    out
}

fn rule_page(pack: &CompiledPack, r: &CompiledRule) -> String {
    let rule = &r.rule;
    let check = serde_json::to_value(&rule.check).unwrap_or_default();
    let check_yaml: Vec<String> = check
        .as_object()
        .map(|o| o.iter().map(|(k, v)| format!("  {k}: {v}")).collect())
        .unwrap_or_default();
    let mut out = format!(
        "# {} — {}\n\n<!-- generated by `gonogo rules --format markdown --out docs/rules`; do not edit -->\n\n",
        rule.id, rule.title
    );
    let _ = writeln!(out, "**Why.** {}\n", rule.why);
    let _ = writeln!(
        out,
        "**Source.** {} (type: {}).\n",
        rule.reference,
        match source_type(&rule.reference) {
            "P" => "P, primordiale",
            "I" => "I, importante",
            "P+I" => "P and I",
            _ => "none: not a typed CCT requirement",
        }
    );
    if let Some(d) = &rule.sources_disagree {
        let _ = writeln!(out, "**Where the sources disagree.** {d}\n");
    }
    let _ = writeln!(
        out,
        "**Applies from** stage {}.\n",
        stage_name(pack, r.since)
    );
    let _ = writeln!(
        out,
        "**Level.** {} (nonprod: {}, prod: {}).{}\n",
        level_text(r),
        rule.level.resolve(EnvType::Nonprod).as_str(),
        rule.level.resolve(EnvType::Prod).as_str(),
        match &rule.level_reason {
            Some(why) => format!(" {why}"),
            None => match source_type(&rule.reference) {
                "P" | "P+I" =>
                    " A P requirement fails at the gate of the stage that introduces it."
                        .to_string(),
                _ => " An I requirement warns.".to_string(),
            },
        }
    );
    let _ = writeln!(
        out,
        "**Threshold.** {}\n",
        if rule.own_threshold {
            "gonogo's own default: no source writes this number or window."
        } else {
            "from the source (or no number involved)."
        }
    );
    let required: Vec<&String> = pack
        .pack
        .required
        .keys()
        .filter(|k| pack.vars.get(*k).is_some_and(serde_json::Value::is_null))
        .filter(|k| {
            r.not_configured
                .as_deref()
                .is_some_and(|m| m.contains(&format!("vars.{k} ")))
        })
        .collect();
    if !required.is_empty() {
        let _ = writeln!(
            out,
            "**Needs** {} set in gonogo.yaml (no default exists); until then the rule is inconclusive, `not configured`.\n",
            required
                .iter()
                .map(|k| format!("`vars.{k}`"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(
        out,
        "**Evidence.** check `{}`{}:\n\n```yaml\ncheck:\n{}\n```\n",
        rule.check.kind_id(),
        if required.is_empty() {
            String::new()
        } else {
            format!(
                " (shown with the documented example of {}, which has no default)",
                required
                    .iter()
                    .map(|k| format!("`vars.{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        check_yaml.join("\n")
    );
    let _ = writeln!(out, "**Criteria.** {}\n", criteria(r));
    let _ = writeln!(
        out,
        "**Missing evidence.** `{}`: {}\n",
        rule.on_missing.as_str(),
        match rule.on_missing {
            crate::model::OnMissing::Block =>
                "the verdict is INCONCLUSIVE (exit 3) unless something failed.",
            crate::model::OnMissing::Fail => "the rule fails.",
            crate::model::OnMissing::Warn => "a warning; it never blocks.",
        }
    );
    let _ = writeln!(
        out,
        "**Waive it** in `gonogo.yaml` (a reason and an expiry date are required; `match` narrows it to items):\n\n```yaml\nwaivers:\n  - rule: {}\n    reason: \"why this is acceptable for now\"\n    expires: 2026-12-31\n```",
        rule.id
    );
    out
}

#[cfg(test)]
mod cpn_doc_tests {
    use super::*;

    /// docs/cloud-pi-native.md lists every rule with its type, level and threshold as the pack
    /// has them; regenerate its tables when this fails.
    #[test]
    fn the_cloud_pi_native_page_lists_every_rule_as_the_pack_has_it() {
        let pack = embedded_pack().unwrap_or_else(|_| panic!("the default pack compiles"));
        let doc = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/cloud-pi-native.md"
        ))
        .unwrap();
        let mut wrong = Vec::new();
        for r in &pack.rules {
            let id = &r.rule.id;
            let line = doc
                .lines()
                .find(|l| l.starts_with(&format!("| [{id}](rules/{id}.md) |")));
            let Some(line) = line else {
                wrong.push(format!("{id}: no line in the stage tables"));
                continue;
            };
            let cells: Vec<&str> = line.split(" | ").collect();
            let tail = &cells[cells.len().saturating_sub(3)..];
            let want = [
                source_type(&r.rule.reference),
                &level_text(r),
                if r.rule.own_threshold {
                    "own |"
                } else {
                    "source |"
                },
            ];
            if tail != want {
                wrong.push(format!("{id}: {tail:?}, want {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
