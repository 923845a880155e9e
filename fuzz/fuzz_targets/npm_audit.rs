#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = gonogo::parse::npm_audit::sniff(data);
    let _ = gonogo::parse::npm_audit::parse(data);
});
