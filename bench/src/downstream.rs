//! What a downstream crate pays for the client: a cold build that generates
//! it in a build script against one that depends on the generated crate,
//! and the rebuild after a one-line change to the crate's own code.
//!
//! Each variant is a small library crate written to the scratch directory,
//! built in the dev profile (the one `cargo build` uses) in a target
//! directory of its own that is emptied first, so a cold build compiles
//! every dependency as a new project's first build would.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How a downstream crate gets the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// It depends on the generated crate (`authentik-client`).
    Dependency,
    /// Its build script runs the generator (`Layout::Module`).
    BuildScript,
    /// The same, with the build script and its dependencies optimised
    /// (`[profile.dev.build-override] opt-level = 3`).
    BuildScriptOptimised,
}

impl Variant {
    /// Every variant, in the order they are measured.
    pub const ALL: [Variant; 3] = [
        Variant::Dependency,
        Variant::BuildScript,
        Variant::BuildScriptOptimised,
    ];

    /// What the report calls it.
    pub fn label(self) -> &'static str {
        match self {
            Variant::Dependency => "depending on the generated crate",
            Variant::BuildScript => "generating the client in build.rs",
            Variant::BuildScriptOptimised => "the same, build-override opt-level = 3",
        }
    }

    /// Its name in file names and, with underscores, in baseline keys.
    pub fn dir_name(self) -> &'static str {
        match self {
            Variant::Dependency => "dependency",
            Variant::BuildScript => "build-script",
            Variant::BuildScriptOptimised => "build-script-optimised",
        }
    }
}

/// One variant, measured.
pub struct Measured {
    /// The build from an empty target directory.
    pub cold: Duration,
    /// The generator's run inside the build script, as the script timed it.
    pub generation: Option<Duration>,
    /// The build after one line of the crate's own code changed.
    pub edit: Duration,
    /// Whether that build compiled the client again: the `authentik-client`
    /// crate, or with a build script the downstream crate, which holds the
    /// generated module.
    pub client_recompiled: bool,
    /// Whether that build ran the build script again.
    pub build_script_rerun: bool,
}

/// Measures `variant` for the generated crate in `client` (from `schema`).
pub fn measure(
    variant: Variant,
    workspace: &Path,
    client: &Path,
    schema: &Path,
    scratch: &Path,
) -> Result<Measured, String> {
    let dir = scratch.join("downstream").join(variant.dir_name());
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let write = |path: &str, text: &str| {
        std::fs::write(dir.join(path), text).map_err(|e| format!("{path}: {e}"))
    };
    let dependencies = client_dependencies(client)?;
    let (manifest, lib) = match variant {
        Variant::Dependency => (
            format!(
                "[package]\nname = \"downstream\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
                 [dependencies]\nauthentik-client = {{ path = {:?} }}\n",
                client.display().to_string()
            ),
            format!(
                "pub use authentik_client::{{Client, API_PREFIX}};\n{}",
                calls("authentik_client")
            ),
        ),
        Variant::BuildScript | Variant::BuildScriptOptimised => {
            let optimised = if variant == Variant::BuildScriptOptimised {
                "\n[profile.dev.build-override]\nopt-level = 3\n"
            } else {
                ""
            };
            write("build.rs", &build_script(schema))?;
            (
                format!(
                    "[package]\nname = \"downstream\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n\
                     {dependencies}\n\
                     [build-dependencies]\nauthentik-codegen = {{ path = {:?}, default-features = false }}\n\
                     {optimised}",
                    workspace.join("generator").display().to_string()
                ),
                format!(
                    "include!(concat!(env!(\"OUT_DIR\"), \"/lib.rs\"));\n{}",
                    calls("crate")
                ),
            )
        }
    };
    write("Cargo.toml", &manifest)?;
    // The workspace's lock file: the same dependency versions as every
    // other figure, and no resolution against the registry.
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let own_code = |label: &str| {
        format!("{lib}\n/// The downstream crate's own code.\npub fn label() -> &'static str {{\n    {label:?}\n}}\n")
    };
    write("src/lib.rs", &own_code("before"))?;

    let target = workspace
        .join("target/bench-downstream")
        .join(variant.dir_name());
    let _ = std::fs::remove_dir_all(&target);
    let build = || -> Result<(Duration, String), String> {
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command
            .args(["build", "-v"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_INCREMENTAL");
        let start = Instant::now();
        let output = command.output().map_err(|e| e.to_string())?;
        let wall = start.elapsed();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if output.status.success() {
            Ok((wall, stderr))
        } else {
            Err(format!(
                "downstream ({}) build failed:\n{stderr}",
                variant.label()
            ))
        }
    };
    let (cold, log) = build()?;
    let generation = log.lines().find_map(|line| {
        let seconds = line.split("generation took ").nth(1)?.strip_suffix(" s")?;
        seconds.parse().ok().map(Duration::from_secs_f64)
    });
    write("src/lib.rs", &own_code("after"))?;
    let (edit, log) = build()?;
    let holder = match variant {
        Variant::Dependency => "Compiling authentik-client",
        Variant::BuildScript | Variant::BuildScriptOptimised => "Compiling downstream",
    };
    let client_recompiled = log
        .lines()
        .any(|line| line.trim_start().starts_with(holder));
    let build_script_rerun = log
        .lines()
        .any(|line| line.contains("Running") && line.contains("build-script-build"));
    Ok(Measured {
        cold,
        generation,
        edit,
        client_recompiled,
        build_script_rerun,
    })
}

/// Code that awaits a few operations of the client at `path`: a response's
/// decoder is compiled where its operation is awaited, so a crate that only
/// named `Client` would leave that cost out of the downstream figures.
fn calls(path: &str) -> String {
    format!(
        "\n/// A few calls, as a real user of the client makes them.\n\
         pub async fn work(client: &{path}::Client) -> Result<i64, {path}::Error> {{\n    \
         let users = client.core().users_list(&Default::default()).await?;\n    \
         let _me = client.core().users_me_retrieve().await?;\n    \
         let _user = client.core().users_partial_update(1, &Default::default()).await?;\n    \
         let flows = client.flows().instances_list(&Default::default()).await?;\n    \
         Ok(users.pagination.count + flows.pagination.count)\n}}\n"
    )
}

/// The build script of the build-script variants: the generator as a
/// library, timing its own run so the report can split it from the build.
fn build_script(schema: &Path) -> String {
    format!(
        r#"fn main() {{
    let schema = {schema:?};
    println!("cargo:rerun-if-changed={{schema}}");
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let start = std::time::Instant::now();
    authentik_codegen::Generator::new(schema)
        .layout(authentik_codegen::Layout::Module)
        .write_to(&out)
        .unwrap_or_else(|error| panic!("generation failed: {{error}}"));
    println!("cargo:warning=generation took {{:.3}} s", start.elapsed().as_secs_f64());
}}
"#,
        schema = schema.display().to_string()
    )
}

/// The `[dependencies]` table of the generated crate's manifest: what the
/// generated module needs when a build script writes it instead.
fn client_dependencies(client: &Path) -> Result<String, String> {
    let path: PathBuf = client.join("Cargo.toml");
    let manifest =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let start = manifest
        .find("[dependencies]")
        .ok_or_else(|| format!("{}: no [dependencies]", path.display()))?;
    let rest = &manifest[start..];
    let end = rest[1..].find("\n[").map_or(rest.len(), |i| i + 2);
    Ok(rest[..end].to_string())
}
