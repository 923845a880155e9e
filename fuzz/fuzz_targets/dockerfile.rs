#![no_main]

use gonogo::lint::dockerfile::{self, Options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(df) = dockerfile::parse(text) {
        let options = Options {
            rules: Vec::new(),
            build_args: [("TAG".to_string(), "1.0".to_string())].into(),
        };
        let _ = dockerfile::check("Dockerfile", &df, &options);
    }
});
