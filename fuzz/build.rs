//! Generates what the `respond` target fuzzes: the client of the full
//! authentik 2026.11.0-rc1 schema in `../shared` (or the schema named by
//! `AUTHENTIK_FUZZ_SCHEMA`), built with middleware, which is how the target
//! answers its requests without a network, and with both serde halves on
//! every type, which is how it makes request bodies; and a call of every
//! operation with made-up arguments, by index (`OUT_DIR/calls.rs`).
//!
//! Without the schema the `respond` target does not compile, and says why;
//! the `generate` target does not need it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use authentik_codegen::{Generator, Layout, RoundTrip, Switch};
use test_support::sweep::OperationCall;

fn main() {
    println!("cargo:rerun-if-env-changed=AUTHENTIK_FUZZ_SCHEMA");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let schema = std::env::var_os("AUTHENTIK_FUZZ_SCHEMA")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../shared/schemas/authentik-2026.11.0-rc1.yml"));
    println!("cargo:rerun-if-changed={}", schema.display());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    if !schema.is_file() {
        let message = format!(
            "the respond target fuzzes the client of {}, which is missing (set AUTHENTIK_FUZZ_SCHEMA)",
            schema.display()
        );
        let stub = format!("compile_error!({message:?});\n");
        for file in ["lib.rs", "operations.rs", "calls.rs"] {
            write(&out.join(file), &stub);
        }
        return;
    }
    let generator = Generator::new(&schema)
        .layout(Layout::Module)
        .round_trip(RoundTrip::Always)
        .middleware(Switch::On);
    let model = generator.model().unwrap_or_else(|error| fail(&error));
    generator
        .write_to(&out)
        .unwrap_or_else(|error| fail(&error));
    let calls = test_support::sweep::every_call(&model);
    write(&out.join("operations.rs"), &operations(&calls));
    write(&out.join("calls.rs"), &dispatch(&calls));
}

/// `OPERATIONS`: every operation's id, by index.
fn operations(calls: &[OperationCall]) -> String {
    let mut out =
        String::from("/// Every operation's id, by index.\npub const OPERATIONS: &[&str] = &[\n");
    for call in calls {
        let _ = writeln!(out, "    {:?},", call.id);
    }
    out.push_str("];\n");
    out
}

/// `call` and `stream`, which make the call of an operation by its index
/// in `OPERATIONS`.
fn dispatch(calls: &[OperationCall]) -> String {
    let mut out = String::from(
        "/// Calls operation `index`, with its response if `with_response`.\npub async fn call(client: &authentik_client::Client, index: usize, with_response: bool) -> Result<(), authentik_client::Error> {\n    match index {\n",
    );
    for (index, call) in calls.iter().enumerate() {
        let _ = writeln!(
            out,
            "        {index} => send({}, with_response).await,",
            call.call
        );
    }
    out.push_str(
        "        _ => unreachable!(\"an index below OPERATIONS.len()\"),\n    }\n}\n\n/// Walks the pages of operation `index`, if it is a paginated list: the items, in order.\npub async fn stream(client: &authentik_client::Client, index: usize) -> Option<Vec<Result<(), authentik_client::Error>>> {\n    match index {\n",
    );
    for (index, call) in calls.iter().enumerate() {
        if let Some(stream) = &call.stream {
            let _ = writeln!(out, "        {index} => Some(drain({stream}).await),");
        }
    }
    out.push_str("        _ => None,\n    }\n}\n");
    out.push_str(test_support::sweep::VALUES);
    out
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn fail(error: &authentik_codegen::Error) -> ! {
    eprintln!("error: generating the fuzzed client failed\n  {error}");
    std::process::exit(1);
}
