//! The cost of comparing with a baseline, at the sizes issue 14 names: 100,000 test ids and
//! 50,000 findings. A verdict keeps at most `MAX_ITEMS` items per rule, so these are the worst
//! cases of the key sets a comparison hashes and diffs (hashed past 1,000 keys, as on disk).
//!
//! `cargo bench --bench baseline` prints the best and median of 15 runs of each step; the
//! end-to-end figure (a `gonogo check` with and without `--baseline`) is bench/baseline.sh.

// A benchmark's output is its result.
#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use gonogo::model::baseline::{KeySet, diff};

fn time(label: &str, runs: usize, mut f: impl FnMut()) -> Duration {
    let mut all: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    all.sort();
    println!(
        "{label:<58} best {:>8.2} ms   median {:>8.2} ms",
        all[0].as_secs_f64() * 1e3,
        all[runs / 2].as_secs_f64() * 1e3
    );
    all[runs / 2]
}

fn main() {
    let tests: Vec<String> = (0..100_000)
        .map(|i| {
            format!(
                "tests.module_{:03}.TestClass{:02}.test_case_{i}",
                i % 997,
                i % 31
            )
        })
        .collect();
    let findings: Vec<String> = (0..50_000)
        .map(|i| format!("CVE-2024-{:05} libpkg{}@1.{}.{}", i, i % 613, i % 17, i % 5))
        .collect();
    let classes = ["critical", "high", "medium", "low"];
    let before_tests = KeySet::of(tests.iter().map(|k| ("failed", k.as_str())));
    let before_findings = KeySet::of(
        findings
            .iter()
            .enumerate()
            .map(|(i, k)| (classes[i % 4], k.as_str())),
    );
    // Now: a tenth of the ids changed.
    let now_tests: Vec<String> = tests
        .iter()
        .enumerate()
        .map(|(i, k)| {
            if i % 10 == 0 {
                format!("{k}_renamed")
            } else {
                k.clone()
            }
        })
        .collect();
    let now_findings: Vec<String> = findings
        .iter()
        .enumerate()
        .map(|(i, k)| {
            if i % 10 == 0 {
                format!("{k}-new")
            } else {
                k.clone()
            }
        })
        .collect();

    let mut total = Duration::ZERO;
    total += time(
        "key set of 100,000 failing test ids (the verdict's keys)",
        15,
        || {
            black_box(KeySet::of(now_tests.iter().map(|k| ("failed", k.as_str()))));
        },
    );
    total += time("diff of 100,000 test ids with the baseline's", 15, || {
        black_box(diff(
            now_tests.iter().map(|k| ("failed", k.as_str())),
            &before_tests,
        ));
    });
    total += time("key set of 50,000 findings", 15, || {
        black_box(KeySet::of(
            now_findings
                .iter()
                .enumerate()
                .map(|(i, k)| (classes[i % 4], k.as_str())),
        ));
    });
    total += time("diff of 50,000 findings with the baseline's", 15, || {
        black_box(diff(
            now_findings
                .iter()
                .enumerate()
                .map(|(i, k)| (classes[i % 4], k.as_str())),
            &before_findings,
        ));
    });
    println!(
        "total (medians): {:.2} ms (the budget is 100 ms)",
        total.as_secs_f64() * 1e3
    );
}
