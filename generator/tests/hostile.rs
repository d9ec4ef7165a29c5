//! Files built to hurt a parser: oversized, exponentially aliased, deeply
//! nested. Each ends in a clear error (or in valid output) with memory and
//! stack bounded, never a panic, an abort or a hang.

use authentik_codegen::{ErrorKind, Generator, Source, MAX_SCHEMA_BYTES};

fn generate(text: String) -> Result<authentik_codegen::Generated, authentik_codegen::Error> {
    Generator::from_source(Source::new("hostile.yml", text)).generate()
}

/// The message of the error generating from `text` ends in, after
/// checking the error's kind.
fn refused(text: impl Into<String>, kind: ErrorKind) -> String {
    let error = generate(text.into()).expect_err("refused");
    assert_eq!(error.kind, kind, "{error}");
    error.to_string()
}

#[test]
fn a_schema_over_the_size_limit_is_refused_before_parsing() {
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n#{}\n",
        "x".repeat(MAX_SCHEMA_BYTES)
    );
    let error = generate(text.clone()).expect_err("too large");
    assert_eq!(error.kind, ErrorKind::TooLarge);
    assert!(error.to_string().contains("64 MiB"), "{error}");

    // From a file too, without reading more than the limit.
    let path = std::env::temp_dir().join(format!("authentik-hostile-{}.yml", std::process::id()));
    std::fs::write(&path, &text).expect("write");
    let error = Source::read(&path).expect_err("too large");
    std::fs::remove_file(&path).expect("remove");
    assert_eq!(error.kind, ErrorKind::TooLarge);
}

#[test]
fn exponential_yaml_aliases_are_refused() {
    // Each level refers to the one before nine times: 9^9 nodes if expanded.
    let mut text = String::from("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx-laughs:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let items = [previous.as_str(); 9].join(", ");
        text.push_str(&format!("  a{level}: &a{level} [{items}]\n"));
    }
    refused(text, ErrorKind::Syntax);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let yaml = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\nx-deep: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    // Refused before the YAML parser, whose work per token grows with the
    // depth: this took over a minute to reject when it reached the parser.
    let error = refused(yaml, ErrorKind::TooLarge);
    assert!(error.contains("hostile.yml:4:"), "{error}");
    let json = format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"x-deep\": {}{}}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    assert_eq!(
        generate(json).expect_err("too deep").kind,
        ErrorKind::Syntax
    );
}

#[test]
fn deeply_nested_inline_schemas_generate_a_type_per_level() {
    // Inline objects nested as deep as the parsers allow: every level is
    // its own generated type, so this exercises the recursive stages.
    let mut schema = String::from("{\"type\": \"string\"}");
    for _ in 0..40 {
        schema = format!(
            "{{\"type\": \"object\", \"required\": [\"inner\"], \"properties\": {{\"inner\": {schema}}}}}"
        );
    }
    let text = format!(
        "{{\"openapi\": \"3.0.3\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \"paths\": {{}}, \"components\": {{\"schemas\": {{\"Deep\": {schema}}}}}}}"
    );
    let generated = generate(text).unwrap_or_else(|e| panic!("{e}"));
    let types = generated
        .files
        .iter()
        .find(|f| f.path.to_str() == Some("src/types.rs"))
        .expect("types.rs");
    assert_eq!(types.contents.matches("pub struct ").count(), 40);
    let deepest = format!("pub struct Deep{} {{", "Inner".repeat(39));
    assert!(types.contents.contains(&deepest), "no `{deepest}`");
    assert!(
        generated.diagnostics.is_empty(),
        "{:?}",
        generated.diagnostics
    );
}

#[test]
fn duplicate_keys_are_a_located_error_not_a_panic() {
    // Found by the fuzzer: `openapiv3` panicked on a parameter naming `in`
    // twice (the byte after the JSON is from the fuzzer's input, too).
    let found = "{\"components\":{\"parameters\":{\"Q\":{\"in\":\".\",\"in\":\"query\",\"name\":\"e\",\"schema\":{}}\u{fffd}";
    refused(found, ErrorKind::Syntax);

    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  parameters:\n    Q:\n      in: path\n      in: query\n      name: e\n      schema: {}\n";
    let error = refused(yaml, ErrorKind::Syntax);
    assert!(error.contains("duplicate key `in`"), "{error}");
    assert!(error.contains("#/components/parameters/Q"), "{error}");

    let json = r#"{"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {}, "components": {"schemas": {"A": {"type": "string", "type": "integer"}}}}"#;
    let error = refused(json, ErrorKind::Syntax);
    assert!(error.contains("duplicate key `type`"), "{error}");
}

#[test]
fn a_parameter_with_both_schema_and_content_is_an_error_not_a_panic() {
    // Found by the fuzzer (minimized): `openapiv3` tries `schema` (the first
    // key) and fails on its null, then parses the object again through
    // `serde_json::Value`, whose map sorted `content` first; that parse
    // succeeded, and `openapiv3` panicked expecting it to fail.
    let found = "paths:\n /{t:\n  ra: []\n  parameters:\n  - name: th\n    in: path\n    schema:\n    content:\n     m n:\n      spe: stng\n";
    // With nothing to panic on, the next problem is the missing version.
    refused(found, ErrorKind::Version);

    // The same shape in a well-formed document names the parameter.
    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /t/{id}/:\n    get:\n      parameters:\n      - name: id\n        in: path\n        required: true\n        schema:\n        content:\n          text/plain: {schema: {type: string}}\n      responses:\n        '204': {description: none}\n";
    let error = refused(yaml, ErrorKind::Syntax);
    assert!(
        error.contains("#/paths/~1t~1{id}~1/get/parameters/0"),
        "{error}"
    );
}

#[test]
fn a_link_naming_its_operation_twice_is_an_error_not_a_panic() {
    // The same trap as above in another flattened choice: `operationRef`
    // comes first in the document, `operationId` first once sorted.
    let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  links:\n    L:\n      operationRef:\n      operationId: things_list\n";
    refused(yaml, ErrorKind::Syntax);
}

#[test]
fn non_finite_numbers_are_an_error_not_a_panic() {
    // YAML has `.nan` and `.inf`; `serde_json::Value` has no such numbers
    // and turns them into null, which `openapiv3`'s second parse accepts
    // where its first refused the number.
    for number in [".nan", ".inf", "-.inf"] {
        let yaml = format!("openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n    A:\n      type: string\n      description: {number}\n");
        let error = refused(yaml, ErrorKind::Syntax);
        assert!(
            error.contains("#/components/schemas/A"),
            "{number}: {error}"
        );
    }
}

#[test]
fn carriage_returns_in_schema_text_still_give_rust_that_parses() {
    // Found by the fuzzer: a description with a lone `\r` became a `///`
    // line holding a bare carriage return, which Rust does not allow in a
    // doc comment, so the generated file did not parse.
    let text = "openapi: 3.0.3\ninfo: {title: \"t\\rx\", version: \"1\\r\", description: \"a\\rb\\r\\nc\"}\npaths:\n  \"/t/{id}/\":\n    get:\n      operationId: \"t_get\"\n      tags: [\"a\\rtag\"]\n      parameters:\n      - {name: \"id\", in: path, required: true, description: \"x\\ry\", schema: {type: string, pattern: \"^a\\r$\"}}\n      responses:\n        '200':\n          description: \"ok\\r\"\n          content: {application/json: {schema: {$ref: '#/components/schemas/E'}}}\ncomponents:\n  schemas:\n    E:\n      type: string\n      description: \"the us\\r.pk\\n\"\n      title: \"T\\r\"\n      enum: [\"on\\re\", \"two\\n\"]\n";
    let generated = generate(text.to_string()).expect("generates");
    for file in &generated.files {
        if file.path.extension().is_some_and(|e| e == "rs") {
            if let Err(error) = syn::parse_file(&file.contents) {
                panic!("{} does not parse: {error}", file.path.display());
            }
            assert!(
                !file
                    .contents
                    .lines()
                    .any(|l| l.trim_start().starts_with("//") && l.contains('\r')),
                "{} has a carriage return in a comment",
                file.path.display()
            );
        }
    }
}

#[test]
fn line_breaks_in_schema_text_cannot_inject_code_or_manifest_entries() {
    // The title and version go into the `//` header of every file (`#` in
    // Cargo.toml) and into the crate's `//!` docs, which are written as
    // text: a line break there would end the comment.
    let title = "t\\npub fn injected() {}\\n[dependencies]\\ninjected = \\\"1\\\"";
    let text = format!(
        "openapi: 3.0.3\ninfo: {{title: \"{title}\", version: \"1\\r\\npub fn also_injected() {{}}\"}}\npaths: {{}}\n"
    );
    let generated = Generator::from_source(Source::new("a\nb.yml", text))
        .generate()
        .expect("generates");
    for file in &generated.files {
        for line in file.contents.lines() {
            assert!(
                !line.starts_with("pub fn injected")
                    && !line.starts_with("pub fn also_injected")
                    && !line.starts_with("injected =")
                    && !line.starts_with("b.yml"),
                "{}: {line}",
                file.path.display()
            );
        }
        if file.path.extension().is_some_and(|e| e == "rs") {
            syn::parse_file(&file.contents).expect("parses");
        }
    }
    let manifest = generated
        .files
        .iter()
        .find(|f| f.path.ends_with("Cargo.toml"))
        .expect("a manifest");
    assert_eq!(
        manifest
            .contents
            .lines()
            .filter(|l| *l == "[dependencies]")
            .count(),
        1,
        "{}",
        manifest.contents
    );
}

#[test]
fn a_chain_of_refs_into_schemas_past_the_limit_is_an_error() {
    let mut text = String::from(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    S0: {type: object, properties: {next: {type: string}}}\n",
    );
    for i in 1..=100 {
        text.push_str(&format!(
            "    S{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/S{}/properties/next'}}}}}}\n",
            i - 1
        ));
    }
    let message = refused(text, ErrorKind::RefCycle);
    assert!(
        message.contains("a chain of more than 64 references"),
        "{message}"
    );
}
