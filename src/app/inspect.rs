//! `gonogo inspect`: parse one report and show what gonogo read, to debug a configuration.

use serde_json::json;

use super::{Failure, print};
use crate::cli::{InspectArgs, OutputFormat};
use crate::eval::Exit;
use crate::evidence::{Evidence, Severity, format_number};
use crate::parse::format::Format;

pub(super) fn inspect(args: &InspectArgs) -> Result<Exit, Failure> {
    let format = match &args.kind {
        None => None,
        Some(k) => Some(Format::from_id(k).ok_or_else(|| {
            let ids: Vec<&str> = Format::ALL.iter().map(|f| f.id()).collect();
            Failure::Usage(format!(
                "unknown report kind `{k}`; known: {}",
                ids.join(", ")
            ))
        })?),
    };
    let (evidence, format) = match crate::fetch::read_source_file(&args.path, format) {
        Ok(r) => r,
        Err(missing) => return Err(Failure::Io(missing.detail)),
    };
    let summary = summarize(&evidence, format);
    match args.format {
        OutputFormat::Json => {
            print(&format!(
                "{}\n",
                serde_json::to_string_pretty(&summary).unwrap_or_default()
            ));
        }
        OutputFormat::Human => print(&human(&summary)),
    }
    Ok(Exit::Go)
}

fn pct(v: Option<f64>) -> serde_json::Value {
    v.map_or(serde_json::Value::Null, |p| {
        json!((p * 100.0).round() / 100.0)
    })
}

/// The JSON shape of `inspect` output, by evidence kind.
pub(super) fn summarize(evidence: &Evidence, format: Format) -> serde_json::Value {
    let body = match evidence {
        Evidence::Tests(t) => json!({"tests": {
            "total": t.total, "passed": t.passed, "failed": t.failed,
            "errors": t.errors, "skipped": t.skipped, "flaky": t.flaky,
        }, "notes": t.notes}),
        Evidence::Coverage(c) => json!({"coverage": {
            "lines_covered": c.lines_covered, "lines_total": c.lines_total,
            "line_percent": pct(c.line_percent()),
            "branches_covered": if c.has_branches { json!(c.branches_covered) } else { serde_json::Value::Null },
            "branches_total": if c.has_branches { json!(c.branches_total) } else { serde_json::Value::Null },
            "branch_percent": pct(c.branch_percent()),
            "files": c.files.len() as u64 + c.files_truncated,
        }, "notes": c.notes}),
        Evidence::Findings(f) => {
            let mut by_sev = serde_json::Map::new();
            for s in Severity::ALL {
                let n = f.findings.iter().filter(|x| x.severity == s).count() as u64
                    + f.overflow_by_severity.get(&s).copied().unwrap_or(0);
                by_sev.insert(s.as_str().into(), json!(n));
            }
            let mut by_cat = std::collections::BTreeMap::<&str, u64>::new();
            for x in &f.findings {
                *by_cat.entry(x.category.as_str()).or_default() += 1;
            }
            json!({"findings": {"total": f.total(), "by_severity": by_sev, "by_category": by_cat}, "notes": f.notes})
        }
        other => json!({other.type_name(): {}}),
    };
    let mut out = json!({"kind": format.id()});
    if let (Some(o), serde_json::Value::Object(b)) = (out.as_object_mut(), body) {
        o.extend(b);
    }
    out
}

fn human(summary: &serde_json::Value) -> String {
    let mut out = format!("kind: {}\n", summary["kind"].as_str().unwrap_or("?"));
    for key in ["tests", "coverage", "findings"] {
        if let Some(obj) = summary.get(key).and_then(|v| v.as_object()) {
            out.push_str(&format!("{key}:\n"));
            for (k, v) in obj {
                let shown = match v {
                    serde_json::Value::Number(n) => {
                        n.as_f64().map_or_else(|| n.to_string(), format_number)
                    }
                    serde_json::Value::Null => "n/a".into(),
                    other => other.to_string(),
                };
                out.push_str(&format!("  {k}: {shown}\n"));
            }
        }
    }
    if let Some(notes) = summary.get("notes").and_then(|n| n.as_array()) {
        for n in notes {
            out.push_str(&format!("note: {}\n", n.as_str().unwrap_or_default()));
        }
    }
    out
}
