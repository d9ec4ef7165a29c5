//! Regenerates the client from `schema/authentik.yml` (or the schema named by
//! `AUTHENTIK_SCHEMA`) into `OUT_DIR` on every build where either changed.
//!
//! This is also the reference example of driving the generator from a build
//! script: the same library and the same code path as the command line.

use std::path::PathBuf;

use authentik_codegen::{Generator, Layout};

fn main() {
    println!("cargo:rerun-if-env-changed=AUTHENTIK_SCHEMA");
    let schema = std::env::var_os("AUTHENTIK_SCHEMA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("schema/authentik.yml"));
    println!("cargo:rerun-if-changed={}", schema.display());
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));

    match Generator::new(&schema)
        .layout(Layout::Module)
        .write_to(&out)
    {
        Ok(written) => {
            for warning in &written.generated.diagnostics {
                println!("cargo:warning={warning}");
            }
        }
        Err(error) => {
            // One readable line: file, JSON pointer, what is wrong.
            eprintln!("error: authentik client generation failed\n  {error}");
            std::process::exit(1);
        }
    }
}
