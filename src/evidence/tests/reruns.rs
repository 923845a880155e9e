//! Repeated runs of the same test, recognised by identity (suite, class, name) so that a rerun is
//! one test, not two: failed then passed is flaky, failed every time is failed once, passed twice
//! is passed once.
//!
//! Within one report, folding is the parser's choice (`TestReport::folding_reruns`): a
//! `go test -json` stream names each test once per run, so a repeat is a rerun; a JUnit file does
//! not (TestNG data providers and mocha's duplicate titles give distinct tests one name), so a
//! repeat there is a second test, and the identity is marked ambiguous: it is then never folded
//! with another file either, because nobody can tell which of the two a rerun repeats. Across the
//! files of a glob (`TestReport::merge`) an unambiguous identity seen in both is one test.
//!
//! Skipped runs are counted as they come and never folded: a skip says nothing about a rerun, and
//! real reports list distinct skipped tests under one name (Ginkgo's Kubernetes e2e suites).
//!
//! Memory stays bounded whatever the report: identities are 64-bit keyed hashes under a
//! process-wide random secret (collisions cannot be planned, so a crafted test name cannot turn
//! a failure into a flaky pass). Failing tests are few and always kept, in a map; passing ones in a
//! vector capped at [`MAX_TRACKED`] (8 MiB), sorted only when a report is settled. Passing tests
//! past the cap are counted without being remembered, and a note says so, because a rerun of one
//! of them would then count twice.
//!
//! Each remembered identity has a [`RunState`]; a new run of it, or the same identity in a report
//! being merged, combines the two states, and the counts move by the difference of what the old
//! and new states contribute. That one rule serves both `record` and `merge`, so merging a glob
//! of rerun files gives the same counts in any file order.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use serde::Serialize;

use super::TestOutcome;

/// Most passing identities remembered per report (8 MiB); failing ones are always remembered.
pub(super) const MAX_TRACKED: usize = 1 << 20;

/// What to make of a test that failed and then passed on a rerun.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RerunPolicy {
    /// Flaky: counted in `flaky` and `passed`, not in `failed` (the default).
    #[default]
    Flaky,
    /// Failed: a test that needed a rerun to pass counts as failed.
    Fail,
}

/// The outcome so far of one test identity, and where its kept case sits in `cases`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RunState {
    pub(super) outcome: TestOutcome,
    pub(super) case: Option<u32>,
    /// Two distinct tests of one report share this identity: never folded.
    pub(super) ambiguous: bool,
}

/// Which counters one test contributes to in a given state.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Contribution {
    pub(super) passed: u64,
    pub(super) failed: u64,
    pub(super) errors: u64,
    pub(super) skipped: u64,
    pub(super) flaky: u64,
}

impl Contribution {
    pub(super) fn of(outcome: TestOutcome) -> Contribution {
        let mut c = Contribution::default();
        match outcome {
            TestOutcome::Passed => c.passed = 1,
            TestOutcome::Failed => c.failed = 1,
            TestOutcome::Errored => c.errors = 1,
            TestOutcome::Skipped => c.skipped = 1,
            TestOutcome::Flaky => {
                c.flaky = 1;
                c.passed = 1;
            }
        }
        c
    }
}

/// The outcome of a test run twice (`first` then `second`, or two merged reports).
///
/// A pass on either side of a failure makes it flaky; two failures stay the first failure. Skips
/// are not folded (see the module docs), so they only meet here through a caller's own states.
pub(super) fn combine(first: TestOutcome, second: TestOutcome) -> TestOutcome {
    use TestOutcome::{Errored, Failed, Flaky, Passed, Skipped};
    match (first, second) {
        (Flaky, _) | (_, Flaky) => Flaky,
        (Failed | Errored, Passed) | (Passed, Failed | Errored) => Flaky,
        (Failed | Errored, _) => first,
        (Skipped, other) => other,
        (Passed, Passed | Skipped) => Passed,
    }
}

/// Identities seen in a report, with the bookkeeping behind rerun notes.
///
/// Failing identities (few) sit in a map with their state; passing ones in a plain vector,
/// appended on the hot path (a JUnit file of a million passing cases costs one hash and one push
/// each, no random access) and sorted and deduplicated only when a report is settled: before a
/// merge, or at the end of a parse that folds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reruns {
    pub(super) failing: HashMap<u64, RunState, BuildHasherDefault<IdHasher>>,
    pub(super) passes: Vec<u64>,
    /// `passes` is sorted and deduplicated, `ambiguous` sorted.
    pub(super) settled: bool,
    /// Passing identities shared by two distinct tests of one report: never folded.
    pub(super) ambiguous: Vec<u64>,
    /// Runs folded into an earlier run of the same test.
    pub(super) repeated: u64,
    /// Tests that failed, then passed on a rerun (or the other way round across files).
    pub(super) recovered: u64,
    /// Set once an identity could not be remembered because the table was full.
    pub(super) overflowed: bool,
    /// Whether a repeat within this report is a rerun (see the module docs).
    pub(super) fold_within: bool,
}

impl Reruns {
    pub(super) fn is_empty(&self) -> bool {
        self.repeated == 0 && !self.overflowed
    }

    /// Remembers a passing identity while there is room.
    pub(super) fn push_pass(&mut self, id: u64) {
        if self.passes.len() < MAX_TRACKED {
            self.passes.push(id);
            self.settled = false;
        } else {
            self.overflowed = true;
        }
    }

    /// Whether `id` passed (only meaningful once settled).
    pub(super) fn has_pass(&self, id: u64) -> bool {
        self.passes.binary_search(&id).is_ok()
    }

    /// Whether distinct tests of this report share the passing identity `id` (once settled).
    pub(super) fn is_ambiguous_pass(&self, id: u64) -> bool {
        self.ambiguous.binary_search(&id).is_ok()
    }

    /// Notes for the reader: reruns folded and whether the table overflowed.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.repeated > 0 {
            let recovered = match self.recovered {
                0 => String::new(),
                n => format!("; {n} failed and then passed (flaky)"),
            };
            notes.push(format!(
                "{} repeated run(s) of the same test (suite, class and name) counted once{recovered}",
                self.repeated
            ));
        }
        if self.overflowed {
            notes.push(format!(
                "more than {MAX_TRACKED} distinct tests: reruns of passing tests past that many are counted again"
            ));
        }
        notes
    }
}

impl Serialize for Reruns {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Reruns", 3)?;
        s.serialize_field("repeated", &self.repeated)?;
        s.serialize_field("recovered", &self.recovered)?;
        s.serialize_field("overflowed", &self.overflowed)?;
        s.end()
    }
}

/// The identity hash of a test: suite, class and name, each length-prefixed so that
/// `("a", "bc")` and `("ab", "c")` differ. `None` for a nameless test, which is never folded.
///
/// A keyed multiply-fold hash (the wyhash construction: each 8-byte word is multiplied as 128
/// bits against a secret and folded), with a secret drawn from the process's random source, so
/// collisions cannot be planned from outside; it runs at a few bytes per cycle where SipHash,
/// on a JUnit file of a million passing cases, was a tenth of the parse.
pub(super) fn test_id(suite: &str, classname: &str, name: &str) -> Option<u64> {
    if name.is_empty() {
        return None;
    }
    static SECRET: OnceLock<[u64; 2]> = OnceLock::new();
    let [k0, k1] = *SECRET.get_or_init(|| {
        let seed = RandomState::new();
        let draw = |n: u64| {
            let mut h = seed.build_hasher();
            h.write_u64(n);
            h.finish() | 1
        };
        [draw(0), draw(1)]
    });
    let mut h = k0;
    for part in [suite, classname, name] {
        h = fold(h ^ part.len() as u64, k1);
        let mut words = part.as_bytes().chunks_exact(8);
        for word in &mut words {
            let mut w = [0u8; 8];
            w.copy_from_slice(word);
            h = fold(h ^ u64::from_le_bytes(w), k1);
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            h = fold(h ^ u64::from_le_bytes(w) ^ 0x8000_0000_0000_0000, k1);
        }
    }
    Some(fold(h ^ 0x9E37_79B9_7F4A_7C15, k0 ^ k1))
}

/// 128-bit multiply, high and low halves folded together.
fn fold(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// The table's keys are already hashes: hashing them again would only cost time.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}
