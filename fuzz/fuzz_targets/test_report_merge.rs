#![no_main]

//! Merging test reports (a glob's files, reruns folded across them) in any order: the counts
//! never underflow or panic whatever the reports hold.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut merged = gonogo::evidence::TestReport::default();
    for part in data.split(|&b| b == 0xFF).take(8) {
        if let Ok(report) = gonogo::parse::go_test::parse(part) {
            merged.merge(report);
        } else if let Ok(report) = gonogo::parse::tap::parse(part) {
            merged.merge(report);
        }
    }
    assert!(merged.passed + merged.failed + merged.errors + merged.skipped >= merged.flaky);
    merged.apply_rerun_policy(gonogo::evidence::RerunPolicy::Fail);
});
