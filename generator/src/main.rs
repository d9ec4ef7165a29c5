//! The `authentik-codegen` command line.
//!
//! Exit status: 0 on success, 1 when `check` finds a difference, `diff
//! --fail-on-breaking` a breaking change or `check-server` an answer that
//! does not decode, 2 when the input is bad, the output cannot be written
//! or the server cannot be used.

mod check_server;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use authentik_codegen::{Generated, Generator, DEFAULT_CRATE_NAME};
use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "authentik-codegen",
    version,
    about = "Generate a typed Rust client crate from an authentik OpenAPI schema"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Write a complete, standalone client crate into a directory.
    Generate(Target),
    /// Exit 0 if a directory is exactly what `generate` would write, 1 if not.
    Check(Target),
    /// Write the schema with the overrides applied, as JSON (for a mock server).
    Correct(Target),
    /// What changed between two schemas for code that uses the generated crate.
    Diff(DiffArgs),
    /// Call every safe GET of a live authentik and report each answer the
    /// generated client would fail to decode. The token comes from the
    /// AUTHENTIK_TOKEN environment variable.
    CheckServer(check_server::CheckServer),
}

#[derive(Args)]
struct DiffArgs {
    /// The old schema.
    old: PathBuf,
    /// The new schema.
    new: PathBuf,
    /// `text` (default) or `json`.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Exit 1 when any change is breaking.
    #[arg(long)]
    fail_on_breaking: bool,
    /// Apply the corrections in this overrides file to both; repeatable.
    #[arg(long = "overrides", value_name = "FILE")]
    overrides: Vec<PathBuf>,
    /// Do not apply the corrections the generator ships for known schema defects.
    #[arg(long)]
    no_builtin_overrides: bool,
}

impl DiffArgs {
    fn run(&self) -> Result<ExitCode, authentik_codegen::Error> {
        let model = |schema: &PathBuf| {
            let mut generator =
                Generator::new(schema).builtin_overrides(!self.no_builtin_overrides);
            for path in &self.overrides {
                generator = generator.overrides(path);
            }
            generator.model()
        };
        let report = authentik_codegen::diff::diff(&model(&self.old)?, &model(&self.new)?);
        if self.format == "json" {
            let json = serde_json::to_string_pretty(&report).map_err(|e| {
                authentik_codegen::Error::general(
                    authentik_codegen::ErrorKind::Internal,
                    e.to_string(),
                )
            })?;
            print_out(&format!("{json}\n"))?;
        } else {
            print_out(&report.to_text())?;
        }
        if self.fail_on_breaking && report.breaking() > 0 {
            eprintln!("authentik-codegen: {} breaking changes", report.breaking());
            return Ok(ExitCode::from(1));
        }
        Ok(ExitCode::SUCCESS)
    }
}

#[derive(Args)]
struct Target {
    /// The authentik OpenAPI schema (YAML or JSON, told apart by content).
    #[arg(long, value_name = "FILE")]
    schema: PathBuf,
    /// The crate directory to write or check (for `correct`, the JSON file).
    #[arg(long, value_name = "PATH")]
    out: PathBuf,
    /// The generated crate's name.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_CRATE_NAME)]
    crate_name: String,
    /// Fail instead of leaving out what the generator cannot express.
    #[arg(long)]
    strict: bool,
    /// Emit only this operation (and the types it needs); repeatable.
    #[arg(long = "operation", value_name = "OPERATION_ID")]
    operations: Vec<String>,
    /// Apply the corrections in this overrides file too; repeatable.
    #[arg(long = "overrides", value_name = "FILE")]
    overrides: Vec<PathBuf>,
    /// Do not apply the corrections the generator ships for known schema defects.
    #[arg(long)]
    no_builtin_overrides: bool,
}

impl Target {
    fn generator(&self) -> Generator {
        let mut generator = Generator::new(&self.schema)
            .crate_name(&self.crate_name)
            .strict(self.strict)
            .builtin_overrides(!self.no_builtin_overrides);
        for path in &self.overrides {
            generator = generator.overrides(path);
        }
        if self.operations.is_empty() {
            generator
        } else {
            generator.only_operations(self.operations.iter().cloned())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let started = Instant::now();
    let result = match &cli.command {
        Command::Generate(target) => target.generator().write_to(&target.out).map(|written| {
            report(&written.generated);
            let r = &written.report;
            eprintln!(
                "authentik-codegen: {} in {:.2} s: {} files written, {} unchanged, {} removed",
                totals(&written.generated),
                started.elapsed().as_secs_f64(),
                r.written.len(),
                r.unchanged,
                r.removed.len()
            );
            ExitCode::SUCCESS
        }),
        Command::Check(target) => target.generator().check(&target.out).map(|(generated, r)| {
            report(&generated);
            if r.is_fresh() {
                eprintln!(
                    "authentik-codegen: {} is up to date ({})",
                    target.out.display(),
                    totals(&generated)
                );
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "authentik-codegen: {} differs from what `generate` would write:\n{}",
                    target.out.display(),
                    r.summary()
                );
                ExitCode::from(1)
            }
        }),
        Command::Diff(args) => args.run(),
        Command::CheckServer(args) => args.run(),
        Command::Correct(target) => target.generator().corrected_schema().and_then(|json| {
            std::fs::write(&target.out, json).map_err(|e| {
                authentik_codegen::Error::general(
                    authentik_codegen::ErrorKind::Io,
                    format!("cannot write {}: {e}", target.out.display()),
                )
            })?;
            eprintln!(
                "authentik-codegen: wrote the corrected schema to {}",
                target.out.display()
            );
            Ok(ExitCode::SUCCESS)
        }),
    };
    result.unwrap_or_else(|error| {
        eprintln!("error: {error}");
        ExitCode::from(2)
    })
}

/// Writes a report to standard output. A reader that stops early (`| head`)
/// ends the output quietly; any other failure to write is an error.
fn print_out(text: &str) -> Result<(), authentik_codegen::Error> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(authentik_codegen::Error::general(
                authentik_codegen::ErrorKind::Io,
                format!("cannot write to standard output: {e}"),
            ))
        }
        _ => Ok(()),
    }
}

fn report(generated: &Generated) {
    for diagnostic in &generated.diagnostics {
        eprintln!("{diagnostic}");
    }
}

fn totals(generated: &Generated) -> String {
    let s = &generated.stats;
    format!(
        "{} types, {} operations ({} left out), {} warnings, {} lines",
        s.types,
        s.operations,
        s.left_out,
        generated.diagnostics.len(),
        s.lines
    )
}
