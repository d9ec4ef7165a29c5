//! Any bytes, as a schema: loading and generating must never panic, never
//! loop, and whatever generates must be Rust that parses, with the schema's
//! text kept inside the comments written as text (a line break there would
//! put the rest of the text into the code and still parse).

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
        let first = file.contents.lines().next().unwrap_or_default();
        if !first.ends_with("Do not edit: regenerate.") {
            panic!("{path}: the header comment was broken: {first:?}");
        }
        if path.ends_with("lib.rs") {
            let mut docs = file.contents.lines().take_while(|l| !l.starts_with("#!["));
            if let Some(line) = docs.find(|l| !l.starts_with("//")) {
                panic!("{path}: the crate docs were broken: {line:?}");
            }
        }
        // The runtime is copied verbatim; everything else comes from the input.
        if path.ends_with(".rs") && !path.contains("runtime") {
            if let Err(error) = syn::parse_file(&file.contents) {
                panic!("{path} does not parse: {error}\n{}", file.contents);
            }
        }
    }
});
