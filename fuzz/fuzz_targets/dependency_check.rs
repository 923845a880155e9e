#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gonogo::parse::dependency_check::sniff(data);
    let _ = gonogo::parse::dependency_check::parse(data);
});
