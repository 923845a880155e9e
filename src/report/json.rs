//! The JSON verdict: the machine contract (`schema_version`), stable field and item order.

use crate::eval::Verdict;

pub fn render(verdict: &Verdict) -> String {
    let mut s = serde_json::to_string_pretty(verdict)
        .unwrap_or_else(|e| format!("{{\"error\": \"verdict could not be serialised: {e}\"}}"));
    s.push('\n');
    s
}
