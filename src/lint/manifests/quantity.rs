//! Kubernetes resource quantities (`500m`, `1.5`, `128Mi`, `1e9`, `2Ti`) as plain numbers.
//!
//! The grammar is the API server's: a signed decimal number, then a binary suffix (`Ki`…`Ei`), a
//! decimal suffix (`n`, `u`, `m`, `k`, `M`…`E`) or a decimal exponent (`e3`). CPU comes out in
//! cores, memory and storage in bytes. A value the API server would refuse is `None`, so the
//! checks report it instead of guessing.

use crate::yaml::{Node, NodeKind};

/// The value of a quantity written as a YAML scalar (`cpu: 1` and `cpu: "1"` are the same).
pub(super) fn of_node(node: &Node) -> Option<f64> {
    match &node.kind {
        NodeKind::Int(i) => Some(*i as f64),
        NodeKind::Float(f) if f.is_finite() => Some(*f),
        NodeKind::Str(s) => parse(s),
        _ => None,
    }
}

pub fn parse(text: &str) -> Option<f64> {
    let s = text.trim();
    let number_end = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || ((c == '+' || c == '-') && i == 0)))
        .map_or(s.len(), |(i, _)| i);
    let (number, suffix) = s.split_at(number_end);
    if !number.bytes().any(|b| b.is_ascii_digit()) || number.matches('.').count() > 1 {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let multiplier = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        exp if exp.starts_with(['e', 'E']) => {
            let e: i32 = exp[1..].parse().ok()?;
            if !(-30..=30).contains(&e) {
                return None;
            }
            10f64.powi(e)
        }
        _ => return None,
    };
    let v = value * multiplier;
    v.is_finite().then_some(v)
}

/// Bytes as the largest binary unit that keeps at least one whole unit (`1.5Ti`, `512Mi`).
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 5] = ["Ki", "Mi", "Gi", "Ti", "Pi"];
    let mut unit = "";
    let mut v = bytes;
    for u in UNITS {
        if v.abs() < 1024.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    format!("{}{unit}", crate::evidence::format_number(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suffixes_and_exponents() {
        assert_eq!(parse("500m"), Some(0.5));
        assert_eq!(parse("2"), Some(2.0));
        assert_eq!(parse("0.25"), Some(0.25));
        assert_eq!(parse("128Mi"), Some(128.0 * 1024.0 * 1024.0));
        assert_eq!(parse("1Ti"), Some(1024f64.powi(4)));
        assert_eq!(parse("1e3"), Some(1000.0));
        assert_eq!(parse("1G"), Some(1e9));
        assert_eq!(parse("+1k"), Some(1000.0));
        for bad in ["", "Mi", "1.2.3", "12XB", "1e", "1e400", "--1", "1 Gi"] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(format_bytes(1.5 * 1024f64.powi(4)), "1.5Ti");
        assert_eq!(format_bytes(512.0 * 1024.0 * 1024.0), "512Mi");
    }
}
