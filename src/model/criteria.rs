//! Criteria: `metric: "<op> <value>"`, the one comparison language every check kind shares.
//!
//! A check kind only measures named metrics; what is acceptable is data in the rule. That keeps
//! thresholds overridable by users and comparable, so a user file that *loosens* a rule can be
//! told apart from one that tightens it.

use std::fmt;

use serde::Serialize;

use crate::evidence::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Op {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Eq => "==",
            Op::Ne => "!=",
        }
    }
}

/// One comparison against a measured metric.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    pub metric: String,
    pub op: Op,
    pub value: Value,
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.metric, self.op.as_str(), self.value)
    }
}

impl Criterion {
    /// Parses `">= 80"`, `"== 0"`, `"== OK"`, `"== true"`.
    pub fn parse(metric: &str, expr: &str) -> Result<Criterion, String> {
        let expr = expr.trim();
        let (op, rest) = [
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<", Op::Lt),
            (">", Op::Gt),
        ]
        .iter()
        .find_map(|(s, op)| expr.strip_prefix(s).map(|r| (*op, r.trim())))
        .ok_or_else(|| {
            format!(
                "`{expr}` is not a comparison: write an operator and a value, e.g. `>= 80` or `== 0`"
            )
        })?;
        if rest.is_empty() {
            return Err(format!("`{expr}` has an operator but no value"));
        }
        let value = match rest {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => match rest.trim_end_matches('%').parse::<f64>() {
                Ok(n) if n.is_finite() => Value::Number(n),
                _ => Value::Text(rest.trim_matches('"').trim_matches('\'').to_string()),
            },
        };
        if matches!(value, Value::Text(_) | Value::Bool(_)) && !matches!(op, Op::Eq | Op::Ne) {
            return Err(format!(
                "`{expr}`: only `==` and `!=` compare text or booleans"
            ));
        }
        Ok(Criterion {
            metric: metric.to_string(),
            op,
            value,
        })
    }

    /// `Some(true)` when `measured` meets the criterion, `None` when they cannot be compared
    /// (NaN or ±Inf, which a `x/0` ratio gives; text against a number): never a silent pass.
    pub fn check(&self, measured: &Value) -> Option<bool> {
        match (measured, &self.value) {
            (Value::Number(m), Value::Number(t)) => {
                if !m.is_finite() {
                    return None;
                }
                Some(match self.op {
                    Op::Lt => m < t,
                    Op::Le => m <= t,
                    Op::Gt => m > t,
                    Op::Ge => m >= t,
                    Op::Eq => (m - t).abs() < 1e-9,
                    Op::Ne => (m - t).abs() >= 1e-9,
                })
            }
            (Value::Bool(m), Value::Bool(t)) => match self.op {
                Op::Eq => Some(m == t),
                Op::Ne => Some(m != t),
                _ => None,
            },
            (Value::Text(m), Value::Text(t)) => match self.op {
                Op::Eq => Some(m.eq_ignore_ascii_case(t)),
                Op::Ne => Some(!m.eq_ignore_ascii_case(t)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `self` accepts something `base` rejected: the test for "loosening" a rule.
    pub fn is_looser_than(&self, base: &Criterion) -> bool {
        if self.op != base.op {
            let same_direction = matches!(
                (self.op, base.op),
                (Op::Ge, Op::Gt) | (Op::Gt, Op::Ge) | (Op::Le, Op::Lt) | (Op::Lt, Op::Le)
            );
            if !same_direction {
                return true;
            }
        }
        match (&self.value, &base.value) {
            (Value::Number(new), Value::Number(old)) => match self.op {
                Op::Ge => new < old || (base.op == Op::Gt && new <= old),
                Op::Gt => new < old,
                Op::Le => new > old || (base.op == Op::Lt && new >= old),
                Op::Lt => new > old,
                Op::Eq | Op::Ne => new != old,
            },
            (new, old) => new != old,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(m: &str, e: &str) -> Criterion {
        Criterion::parse(m, e).unwrap()
    }

    #[test]
    fn parses_and_checks() {
        assert!(c("x", ">= 80").check(&Value::Number(80.0)).unwrap());
        assert!(!c("x", ">= 80").check(&Value::Number(79.99)).unwrap());
        assert!(c("x", "== 0").check(&Value::Number(0.0)).unwrap());
        assert!(c("s", "== OK").check(&Value::Text("ok".into())).unwrap());
        assert!(c("b", "== true").check(&Value::Bool(true)).unwrap());
        assert_eq!(c("x", ">= 80").check(&Value::Number(f64::NAN)), None);
        assert_eq!(
            c("x", ">= 80").check(&Value::Number(f64::INFINITY)),
            None,
            "defect 7: +Inf never meets >="
        );
        assert_eq!(
            c("x", "<= 3").check(&Value::Number(f64::NEG_INFINITY)),
            None,
            "defect 7: -Inf never meets <="
        );
        assert_eq!(c("x", ">= 80").check(&Value::Text("80".into())), None);
        assert!(Criterion::parse("x", "80").is_err());
        assert!(Criterion::parse("x", ">=").is_err());
        assert!(Criterion::parse("x", "> OK").is_err());
    }

    #[test]
    fn loosening_is_detected() {
        assert!(c("x", ">= 70").is_looser_than(&c("x", ">= 80")));
        assert!(!c("x", ">= 90").is_looser_than(&c("x", ">= 80")));
        assert!(c("x", "<= 3").is_looser_than(&c("x", "<= 0")));
        assert!(!c("x", "<= 0").is_looser_than(&c("x", "<= 3")));
        assert!(c("x", "== 1").is_looser_than(&c("x", "== 0")));
        assert!(c("x", "<= 0").is_looser_than(&c("x", ">= 1")));
        assert!(!c("x", "> 80").is_looser_than(&c("x", ">= 80")));
    }
}
