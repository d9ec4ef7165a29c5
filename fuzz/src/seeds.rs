//! Writes the seed corpus for the `generate` target: the repository's own
//! schemas, the malformed cases in `fuzz/seeds/` (one per kind of error the
//! malformed-input suite checks), and fragments of the full authentik
//! schemas in `../shared` (each path with the components it needs, each
//! component alone), small enough for the fuzzer to mutate quickly.
//!
//! `cargo run --bin seeds -- <corpus dir> [schema ...]`

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{json, Map, Value};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(corpus) = args.next() else {
        eprintln!("usage: seeds <corpus dir> [schema ...]");
        std::process::exit(2);
    };
    let corpus = Path::new(&corpus);
    std::fs::create_dir_all(corpus).expect("corpus directory");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut written = 0;
    for file in ["schema/authentik.yml", "tests/fixtures/edge-cases.yml"] {
        let text = std::fs::read(root.join(file)).expect("repository schema");
        written += write(corpus, &text);
    }
    let mut malformed: Vec<_> = std::fs::read_dir(root.join("fuzz/seeds"))
        .expect("fuzz/seeds")
        .flatten()
        .map(|entry| entry.path())
        .collect();
    malformed.sort();
    for path in malformed {
        written += write(corpus, &std::fs::read(path).expect("malformed seed"));
    }
    for schema in args {
        let text = std::fs::read_to_string(&schema).expect("schema");
        let document: Value = yaml_serde::from_str(&text).expect("schema parses");
        written += fragments(corpus, &document);
    }
    eprintln!("{written} seeds in {}", corpus.display());
}

fn write(corpus: &Path, bytes: &[u8]) -> usize {
    // Named by content, so rerunning adds nothing twice.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
    }
    std::fs::write(corpus.join(format!("seed-{hash:016x}")), bytes).expect("write seed");
    1
}

fn fragments(corpus: &Path, document: &Value) -> usize {
    let schemas = document["components"]["schemas"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut written = 0;
    // Every 20th path with the components it reaches.
    if let Some(paths) = document["paths"].as_object() {
        for (path, item) in paths.iter().step_by(20) {
            let mut needed = BTreeSet::new();
            references(item, &schemas, &mut needed);
            let mini = mini_document(
                document,
                json!({ path.clone(): item.clone() }),
                &schemas,
                &needed,
            );
            written += write(corpus, mini.to_string().as_bytes());
        }
    }
    // Every 10th component alone, with what it reaches.
    for (name, _) in schemas.iter().step_by(10) {
        let mut needed = BTreeSet::from([name.clone()]);
        references(&schemas[name], &schemas, &mut needed);
        let mini = mini_document(document, json!({}), &schemas, &needed);
        written += write(corpus, mini.to_string().as_bytes());
    }
    written
}

fn mini_document(
    document: &Value,
    paths: Value,
    schemas: &Map<String, Value>,
    needed: &BTreeSet<String>,
) -> Value {
    let kept: Map<String, Value> = needed
        .iter()
        .filter_map(|name| {
            schemas
                .get(name)
                .map(|schema| (name.clone(), schema.clone()))
        })
        .collect();
    json!({
        "openapi": document["openapi"],
        "info": document["info"],
        "paths": paths,
        "components": {
            "schemas": kept,
            "parameters": document["components"]["parameters"],
            "responses": document["components"]["responses"],
            "securitySchemes": document["components"]["securitySchemes"],
        }
    })
}

fn references(value: &Value, schemas: &Map<String, Value>, needed: &mut BTreeSet<String>) {
    match value {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get("$ref") {
                if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                    if needed.insert(name.to_string()) {
                        if let Some(schema) = schemas.get(name) {
                            references(schema, schemas, needed);
                        }
                    }
                }
            }
            for child in object.values() {
                references(child, schemas, needed);
            }
        }
        Value::Array(items) => {
            for child in items {
                references(child, schemas, needed);
            }
        }
        _ => {}
    }
}
