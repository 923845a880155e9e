#![no_main]

use gonogo::lint::manifests::{self, Manifests, Options, Quota};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut set = Manifests::default();
    if manifests::load("fuzz.yaml", text, &mut set).is_ok() {
        let options = Options {
            quota: Some(Quota {
                cpu: Some(4.0),
                memory: Some(16.0 * 1024.0 * 1024.0 * 1024.0),
                gpu: Some(0.0),
            }),
            ..Options::default()
        };
        let _ = manifests::check(&set, &options);
    }
});
