//! Any bytes, as a schema: loading and generating must never panic, never
//! loop, and whatever generates must be Rust that parses.

#![no_main]

use authentik_codegen::{Generator, Source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(generated) = Generator::from_source(Source::new("fuzz.yml", text)).generate() else {
        return;
    };
    for file in &generated.files {
        let path = file.path.to_string_lossy();
        // The runtime is copied verbatim; everything else comes from the input.
        if path.ends_with(".rs") && !path.contains("runtime") {
            if let Err(error) = syn::parse_file(&file.contents) {
                panic!("{path} does not parse: {error}\n{}", file.contents);
            }
        }
    }
});
