//! What a verdict keeps so that a later run can be compared with it, and the names of the
//! comparisons rules may use.
//!
//! A verdict keeps, per rule, every metric it measured and the keys of its items (failed tests,
//! findings), each with its class (`failed`, `error`, `flaky`; a severity). Keys stay readable
//! while there are few; past [`PLAIN_KEYS`] they are kept as 64-bit hashes, so a project with
//! 100,000 failing legacy tests keeps a bounded record (17 bytes a key) and still compares in
//! milliseconds. A baseline is such a verdict from an earlier run.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::MetricDoc;

/// Keys kept as written up to this many; beyond, every key is hashed.
pub const PLAIN_KEYS: usize = 1000;

/// The item keys of one rule's result, with their classes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySet {
    /// Keys are `#` and 16 hex digits of their FNV-1a hash rather than the key itself.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hashed: bool,
    /// `class:key` (or `class:#hash`), sorted.
    pub keys: Vec<String>,
}

/// FNV-1a, 64 bits: stable across runs, machines and versions (the keys are written to disk).
pub fn key_hash(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

impl KeySet {
    /// The keys of `items` (`(class, key)`), hashed when there are many.
    pub fn of<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> KeySet {
        let items: Vec<(&str, &str)> = items.into_iter().collect();
        let hashed = items.len() > PLAIN_KEYS;
        let mut keys: Vec<String> = items
            .iter()
            .map(|(class, key)| {
                use std::fmt::Write;
                let mut k = String::with_capacity(class.len() + 18.max(key.len() + 1));
                k.push_str(class);
                k.push(':');
                if hashed {
                    let _ = write!(k, "#{:016x}", key_hash(key));
                } else {
                    k.push_str(key);
                }
                k
            })
            .collect();
        keys.sort_unstable();
        keys.dedup();
        KeySet { hashed, keys }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Every key's hash, with its class.
    pub fn hashes(&self) -> HashMap<u64, &str, Prehashed> {
        self.keys
            .iter()
            .filter_map(|k| {
                let (class, key) = k.split_once(':')?;
                let h = match key.strip_prefix('#') {
                    Some(hex) if self.hashed => u64::from_str_radix(hex, 16).ok()?,
                    _ => key_hash(key),
                };
                Some((h, class))
            })
            .collect()
    }
}

/// Which comparisons a check kind's results support beyond `<metric>_delta`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Items are failing tests: `new_failed`, `still_failed`, `fixed`.
    Failures,
    /// Items are findings with a severity: `new_total`, `new_<severity>`.
    Findings,
    /// Only deltas.
    Plain,
}

/// Classes of failing items (tests).
pub const FAILING: &[&str] = &["failed", "error"];

/// Severities a finding's class may be.
pub const SEVERITIES: &[&str] = &["critical", "high", "medium", "low", "info", "unknown"];

/// The comparison metrics of a kind with `metrics`, documented as its own are.
pub fn comparison_metrics(family: Family, metrics: &[MetricDoc]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = metrics
        .iter()
        .map(|m| {
            (
                format!("{}_delta", m.name),
                format!(
                    "`{}` now minus `{}` in the baseline (needs a baseline)",
                    m.name, m.name
                ),
            )
        })
        .collect();
    match family {
        Family::Failures => {
            for (name, what) in [
                (
                    "new_failed",
                    "tests failing now that passed or did not exist in the baseline",
                ),
                ("still_failed", "tests failing now and in the baseline"),
                ("fixed", "tests failing in the baseline and not now"),
            ] {
                out.push((name.into(), format!("{what} (needs a baseline)")));
            }
        }
        Family::Findings => {
            out.push((
                "new_total".into(),
                "findings not in the baseline (needs a baseline)".into(),
            ));
            for s in SEVERITIES {
                out.push((
                    format!("new_{s}"),
                    format!("{s} findings not in the baseline (needs a baseline)"),
                ));
            }
        }
        Family::Plain => {}
    }
    out
}

/// Whether `metric` is a comparison, hence needs a baseline.
pub fn is_comparison(metric: &str) -> bool {
    metric.ends_with("_delta")
        || metric.starts_with("new_")
        || matches!(metric, "still_failed" | "fixed")
}

/// The comparison of one rule's result with its baseline: each class counted new, still there,
/// and gone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyDiff {
    pub new: BTreeMap<String, u64>,
    pub still: BTreeMap<String, u64>,
    pub gone: BTreeMap<String, u64>,
    /// The keys found new, as written (for reports), in order.
    pub new_keys: Vec<String>,
}

/// Compares the current `(class, key)` items with a baseline's keys. Identity is the key; the
/// class counts it.
pub fn diff<'a>(now: impl IntoIterator<Item = (&'a str, &'a str)>, baseline: &KeySet) -> KeyDiff {
    let before = baseline.hashes();
    let mut seen: HashSet<u64, Prehashed> =
        HashSet::with_capacity_and_hasher(before.len(), Prehashed);
    let (mut new, mut still, mut gone) = (
        BTreeMap::<&str, u64>::new(),
        BTreeMap::<&str, u64>::new(),
        BTreeMap::<&str, u64>::new(),
    );
    let mut new_keys = Vec::new();
    for (class, key) in now {
        let h = key_hash(key);
        if !seen.insert(h) {
            continue;
        }
        if before.contains_key(&h) {
            *still.entry(class).or_default() += 1;
        } else {
            *new.entry(class).or_default() += 1;
            new_keys.push(key.to_string());
        }
    }
    for (h, class) in &before {
        if !seen.contains(h) {
            *gone.entry(class).or_default() += 1;
        }
    }
    let owned = |m: BTreeMap<&str, u64>| m.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    KeyDiff {
        new: owned(new),
        still: owned(still),
        gone: owned(gone),
        new_keys,
    }
}

/// Keys here are already FNV-1a hashes: hashing them again (SipHash, the std default) only costs
/// time, so the sets use the value as it is.
#[derive(Clone, Copy, Default)]
pub struct Prehashed;

impl std::hash::BuildHasher for Prehashed {
    type Hasher = PrehashedHasher;
    fn build_hasher(&self) -> PrehashedHasher {
        PrehashedHasher(0)
    }
}

/// See [`Prehashed`].
#[derive(Default)]
pub struct PrehashedHasher(u64);

impl std::hash::Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_compare_across_plain_and_hashed_records() {
        let before = KeySet::of([("failed", "a.t1"), ("failed", "a.t2"), ("error", "a.t3")]);
        assert!(!before.hashed);
        let d = diff([("failed", "a.t2"), ("failed", "a.t4")], &before);
        assert_eq!(d.new, [("failed".to_string(), 1)].into());
        assert_eq!(d.still, [("failed".to_string(), 1)].into());
        assert_eq!(
            d.gone,
            [("failed".to_string(), 1), ("error".to_string(), 1)].into()
        );
        assert_eq!(d.new_keys, vec!["a.t4".to_string()]);

        let many: Vec<String> = (0..PLAIN_KEYS + 1).map(|i| format!("t{i}")).collect();
        let hashed = KeySet::of(many.iter().map(|k| ("failed", k.as_str())));
        assert!(hashed.hashed);
        assert!(hashed.keys.iter().all(|k| k.len() == "failed:#".len() + 16));
        let d = diff([("failed", "t5"), ("failed", "new-one")], &hashed);
        assert_eq!(d.new["failed"], 1);
        assert_eq!(d.still["failed"], 1);
        assert_eq!(d.gone["failed"], PLAIN_KEYS as u64);
    }

    #[test]
    fn the_hash_is_fnv1a_and_stable() {
        assert_eq!(key_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(key_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
