//! `authentik-bench`: every figure BENCHMARKS.md reports, measured in one run.
//!
//! ```sh
//! scripts/bench                                  # everything (installs OpenAPI Generator with pip)
//! scripts/bench --save-baseline bench/baseline.json
//! scripts/bench --baseline bench/baseline.json   # compare with a saved run
//! cargo run -p authentik-bench -- --smoke        # a quick pass that exercises every section
//! ```
//!
//! Options: `--schema FILE`, `--runs N` (in-process repetitions, default
//! 10), `--build-runs N` (crate builds, default 3), `--decode-items N`
//! (default 20000), `--skip-peer`, `--skip-builds`, `--skip-downstream`,
//! `--smoke`.

mod decode;
mod downstream;
mod generation;
mod process;
mod stats;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Duration;

use stats::{ratio, seconds, Samples};

/// What to measure, from the command line.
struct Options {
    schema: PathBuf,
    runs: usize,
    build_runs: usize,
    decode_items: usize,
    peer: bool,
    builds: bool,
    downstream: bool,
    save_baseline: Option<PathBuf>,
    baseline: Option<PathBuf>,
}

fn workspace() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.join("..").canonicalize().unwrap_or(manifest)
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        schema: workspace().join("../shared/schemas/authentik-2026.11.0-rc1.yml"),
        runs: 10,
        build_runs: 3,
        decode_items: 20_000,
        peer: true,
        builds: true,
        downstream: true,
        save_baseline: None,
        baseline: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        let number = |text: String| text.parse::<usize>().map_err(|e| format!("{text}: {e}"));
        match arg.as_str() {
            "--schema" => options.schema = PathBuf::from(value()?),
            "--runs" => options.runs = number(value()?)?,
            "--build-runs" => options.build_runs = number(value()?)?,
            "--decode-items" => options.decode_items = number(value()?)?,
            "--skip-peer" => options.peer = false,
            "--skip-builds" => options.builds = false,
            "--skip-downstream" => options.downstream = false,
            "--save-baseline" => options.save_baseline = Some(PathBuf::from(value()?)),
            "--baseline" => options.baseline = Some(PathBuf::from(value()?)),
            "--smoke" => {
                options.runs = 1;
                options.decode_items = 2_000;
                options.peer = false;
                options.builds = false;
                options.downstream = false;
            }
            other => {
                return Err(format!(
                    "unknown argument `{other}` (see the doc comment of bench/src/main.rs)"
                ))
            }
        }
    }
    Ok(options)
}

/// Medians by metric name, for baselines.
#[derive(Default)]
struct Report {
    medians: BTreeMap<String, f64>,
    baseline: BTreeMap<String, f64>,
}

impl Report {
    /// Prints one measured row and remembers its median.
    fn row(&mut self, key: &str, label: &str, samples: &Samples) {
        let median = samples.median().as_secs_f64();
        let trend = match self.baseline.get(key) {
            Some(before) if *before > 0.0 => {
                format!("  {:+.1}% vs baseline", (median / before - 1.0) * 100.0)
            }
            _ => String::new(),
        };
        println!("  {label:<52} {}{trend}", samples.row());
        self.medians.insert(key.to_string(), median);
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() == Some("--child-generate") {
        return child_generate(args.next(), args.next());
    }
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if !options.schema.is_file() {
        eprintln!(
            "error: {} not found (give --schema)",
            options.schema.display()
        );
        return ExitCode::from(2);
    }
    match run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The generator alone in a process of its own, for peak memory.
fn child_generate(schema: Option<String>, out: Option<String>) -> ExitCode {
    let (Some(schema), Some(out)) = (schema, out) else {
        return ExitCode::from(2);
    };
    match authentik_codegen::Generator::new(schema).write_to(Path::new(&out)) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    // Generated crates live outside the workspace (cargo would take them for
    // members); their build artifacts stay in the workspace's target.
    let scratch = std::env::temp_dir().join("authentik-bench");
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    let mut report = Report::default();
    if let Some(path) = &options.baseline {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        report.baseline =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    println!(
        "authentik-rs benchmarks: schema {}, {} cores, {} in-process runs",
        options
            .schema
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        std::thread::available_parallelism().map_or(1, usize::from),
        options.runs
    );

    // 1. Generation, stage by stage.
    println!(
        "\ngeneration, in process{:>40} {:>9} {:>9}",
        "min", "median", "max"
    );
    let generation = generation::measure(&options.schema, options.runs, &scratch);
    report.row(
        "load",
        "load: read + parse YAML (openapiv3) + overrides",
        &generation.load,
    );
    report.row(
        "model",
        "model: resolve, IR, analysis, naming",
        &generation.model,
    );
    report.row("emit", "emit: IR to tokens (1 thread)", &generation.emit);
    report.row(
        "format",
        "format: syn + prettyplease (1 thread)",
        &generation.format,
    );
    report.row(
        "render",
        "emit + format as generate does (all cores)",
        &generation.render,
    );
    report.row(
        "write_fresh",
        &format!("write: {} files to an empty directory", generation.files),
        &generation.write_fresh,
    );
    report.row(
        "write_unchanged",
        "write: again, nothing changed",
        &generation.write_unchanged,
    );
    report.row("whole", "whole: generate + write", &generation.whole);
    println!(
        "  whole / parse: {} (median), {} lines in {} files (Cargo.toml included)",
        ratio(generation.whole.median(), generation.load.median()),
        generation.lines,
        generation.files
    );

    // 2. Our generator and OpenAPI Generator as processes: wall and memory.
    println!("\ngeneration as a process (wall, peak memory)");
    let ours_dir = scratch.join("ours");
    let _ = std::fs::remove_dir_all(&ours_dir);
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let mut ours_command = Command::new(exe);
    ours_command
        .arg("--child-generate")
        .arg(&options.schema)
        .arg(&ours_dir);
    let ours = process::run(&mut ours_command, &scratch)?;
    print_process("authentik-codegen", &ours);
    report
        .medians
        .insert("process_wall".into(), ours.wall.as_secs_f64());
    let (our_lines, our_files) = process::rust_source(&ours_dir);

    let peer_dir = scratch.join("openapi-generator");
    let peer = if options.peer {
        peer_generate(&options.schema, &peer_dir, &scratch)?
    } else {
        println!("  OpenAPI Generator: skipped");
        None
    };
    if let Some(peer) = &peer {
        print_process("OpenAPI Generator 7.26.0 (rust, reqwest)", peer);
        let memory = match (ours.peak_kib, peer.peak_kib) {
            (Some(a), Some(b)) if a > 0 => format!(", {:.1}x less memory", b as f64 / a as f64),
            _ => String::new(),
        };
        println!("  ours is {} faster{memory}", ratio(peer.wall, ours.wall));
        let (lines, files) = process::rust_source(&peer_dir);
        println!("  Rust source: ours {our_lines} lines in {our_files} files; theirs {lines} lines in {files} files");
    } else {
        println!("  Rust source: ours {our_lines} lines in {our_files} files");
    }

    // 3. Building the generated crates, dependencies already built.
    if options.builds {
        builds(
            options,
            &ours_dir,
            peer.is_some().then_some(peer_dir.as_path()),
            &mut report,
            &scratch,
        )?;
    } else {
        println!("\ncrate builds: skipped");
    }

    // 4. What a downstream crate pays: cold builds and a one-line change.
    if options.downstream {
        downstream(&options.schema, &ours_dir, &mut report, &scratch)?;
    } else {
        println!("\ndownstream crate: skipped");
    }

    // 5. Decoding a large list.
    let decode = decode::measure(options.decode_items, options.runs);
    println!(
        "\ndecoding a page of {} invitations ({:.1} MB), {} runs{:>11} {:>9} {:>9}",
        decode.items,
        decode.bytes as f64 / 1e6,
        options.runs,
        "min",
        "median",
        "max"
    );
    report.row(
        "decode_value",
        "serde_json::from_slice::<Value>",
        &decode.value,
    );
    report.row(
        "decode_typed",
        "serde_json::from_slice::<PaginatedInvitationList>",
        &decode.typed,
    );
    println!(
        "  typed / Value: {} (median)",
        ratio(decode.typed.median(), decode.value.median())
    );

    if let Some(path) = &options.save_baseline {
        let json = serde_json::to_string_pretty(&report.medians).map_err(|e| e.to_string())?;
        std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("\nbaseline saved to {}", path.display());
    }
    Ok(())
}

/// The peak memory of rustc in the timed check and build of one crate.
fn print_peaks(label: &str, times: &process::BuildTimes) {
    let mb = |kib: Option<u64>| {
        kib.map_or_else(
            || "n/a".into(),
            |kib| format!("{:.0} MB", kib as f64 / 1024.0),
        )
    };
    println!(
        "  peak memory, {label}: check {}, build {}",
        mb(times.check_peak_kib),
        mb(times.build_peak_kib)
    );
}

fn print_process(label: &str, run: &process::Run) {
    let memory = run.peak_kib.map_or_else(
        || "peak memory n/a (no /usr/bin/time)".to_string(),
        |kib| format!("peak {:.0} MB", kib as f64 / 1024.0),
    );
    println!("  {label:<44} {:>9}, {memory}", seconds(run.wall));
}

fn peer_generate(
    schema: &Path,
    out: &Path,
    scratch: &Path,
) -> Result<Option<process::Run>, String> {
    let Some(cli) = process::openapi_generator(&workspace()) else {
        println!("  OpenAPI Generator: not installed (scripts/bench installs it with pip)");
        return Ok(None);
    };
    let _ = std::fs::remove_dir_all(out);
    let mut command = Command::new(cli);
    command
        .args(["generate", "-g", "rust", "-i"])
        .arg(schema)
        .arg("-o")
        .arg(out)
        .args(["--additional-properties=packageName=openapi-authentik,library=reqwest"]);
    process::run(&mut command, scratch).map(Some)
}

fn builds(
    options: &Options,
    ours: &Path,
    peer: Option<&Path>,
    report: &mut Report,
    scratch: &Path,
) -> Result<(), String> {
    let target = workspace().join("target/bench-builds");
    println!(
        "\ncrate builds, dependencies built, CARGO_INCREMENTAL=0, {} runs{:>12} {:>9} {:>9}",
        options.build_runs, "min", "median", "max"
    );
    let times = |dir: &Path, package: &str, features: &[&str]| {
        process::build_times(dir, &target, package, features, options.build_runs, scratch)
    };
    let full = times(ours, "authentik-client", &[])?;
    report.row("check_ours", "cargo check: ours", &full.check);
    report.row("build_ours", "cargo build: ours", &full.build);
    let round_trip = times(ours, "authentik-client", &["--features", "round-trip"])?;
    report.row(
        "check_ours_round_trip",
        "cargo check: ours, round-trip",
        &round_trip.check,
    );
    report.row(
        "build_ours_round_trip",
        "cargo build: ours, round-trip",
        &round_trip.build,
    );
    let stages = times(
        ours,
        "authentik-client",
        &["--no-default-features", "--features", "stages"],
    )?;
    report.row(
        "check_ours_stages",
        "cargo check: ours, stages only",
        &stages.check,
    );
    report.row(
        "build_ours_stages",
        "cargo build: ours, stages only",
        &stages.build,
    );
    println!(
        "  warnings: ours {} (round-trip {})",
        full.warnings, round_trip.warnings
    );
    print_peaks("ours", &full);
    print_peaks("ours, round-trip", &round_trip);
    let Some(peer) = peer else {
        return Ok(());
    };
    let theirs = times(peer, "openapi-authentik", &[])?;
    report.row(
        "check_theirs",
        "cargo check: OpenAPI Generator's",
        &theirs.check,
    );
    report.row(
        "build_theirs",
        "cargo build: OpenAPI Generator's",
        &theirs.build,
    );
    println!("  warnings: theirs {}", theirs.warnings);
    print_peaks("theirs", &theirs);
    let pair = |label: &str, ours: Duration, theirs: Duration| {
        println!("  {label}: ours / theirs = {}", ratio(ours, theirs));
    };
    pair("check", full.check.median(), theirs.check.median());
    pair("build", full.build.median(), theirs.build.median());
    pair(
        "check, stages only",
        stages.check.median(),
        theirs.check.median(),
    );
    pair(
        "build, stages only",
        stages.build.median(),
        theirs.build.median(),
    );
    Ok(())
}

/// A downstream crate's cold build and its rebuild after a one-line change,
/// for each way of getting the client.
fn downstream(
    schema: &Path,
    client: &Path,
    report: &mut Report,
    scratch: &Path,
) -> Result<(), String> {
    println!("\ndownstream crate, dev profile, 1 run each (cold: empty target directory)");
    let mut cold_dependency = None;
    for variant in downstream::Variant::ALL {
        let measured = downstream::measure(variant, &workspace(), client, schema, scratch)?;
        let key = variant.dir_name().replace('-', "_");
        report.row(
            &format!("downstream_cold_{key}"),
            &format!("cold build, {}", variant.label()),
            &Samples(vec![measured.cold]),
        );
        report.row(
            &format!("downstream_edit_{key}"),
            &format!("one-line change, {}", variant.label()),
            &Samples(vec![measured.edit]),
        );
        let mut notes = Vec::new();
        if let Some(time) = measured.generation {
            notes.push(format!("generation in the build script {}", seconds(time)));
        }
        if let Some(base) = cold_dependency {
            notes.push(format!(
                "cold build {} more than depending on the crate",
                seconds(measured.cold.saturating_sub(base))
            ));
        }
        notes.push(format!(
            "after the change the client was {} and the build script {}",
            if measured.client_recompiled {
                "recompiled"
            } else {
                "not recompiled"
            },
            if measured.build_script_rerun {
                "ran again"
            } else {
                "did not run"
            },
        ));
        println!("    {}", notes.join("; "));
        if variant == downstream::Variant::Dependency {
            cold_dependency = Some(measured.cold);
        }
    }
    Ok(())
}
