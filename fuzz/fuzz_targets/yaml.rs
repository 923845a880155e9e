#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(docs) = gonogo::yaml::parse_documents(text) {
        let mut spans = gonogo::yaml::SpanIndex::default();
        for doc in &docs {
            let _ = doc.to_json(&mut spans);
        }
    }
});
