//! Timing whole processes: wall time and peak memory, the same way for our
//! generator and for OpenAPI Generator, and cargo builds of generated crates.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use crate::stats::Samples;

/// A process run: how long it took and its peak resident memory.
#[derive(Debug, Clone, Copy)]
pub struct Run {
    /// Wall-clock time.
    pub wall: Duration,
    /// Peak resident set size of the process and its children, in KiB,
    /// when GNU time is available to measure it.
    pub peak_kib: Option<u64>,
}

/// Runs `command` to completion under GNU time (`/usr/bin/time -f %M`),
/// which reports the largest resident set of the process tree.
pub fn run(command: &mut Command, scratch: &Path) -> Result<Run, String> {
    let gnu_time = Path::new("/usr/bin/time");
    let stats = scratch.join("time-stats.txt");
    let mut wrapped = if gnu_time.is_file() {
        let mut wrapped = Command::new(gnu_time);
        wrapped.arg("-f").arg("%M").arg("-o").arg(&stats);
        wrapped.arg(command.get_program()).args(command.get_args());
        if let Some(dir) = command.get_current_dir() {
            wrapped.current_dir(dir);
        }
        for (key, value) in command.get_envs() {
            match value {
                Some(value) => wrapped.env(key, value),
                None => wrapped.env_remove(key),
            };
        }
        wrapped
    } else {
        std::mem::replace(command, Command::new("true"))
    };
    let start = Instant::now();
    let output = wrapped
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", wrapped.get_program()))?;
    let wall = start.elapsed();
    if !output.status.success() {
        return Err(format!(
            "{:?} failed:\n{}\n{}",
            wrapped.get_program(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let peak_kib = std::fs::read_to_string(&stats)
        .ok()
        .and_then(|text| text.lines().last().and_then(|l| l.trim().parse().ok()));
    Ok(Run { wall, peak_kib })
}

/// Lines and files of Rust source under `dir`.
pub fn rust_source(dir: &Path) -> (usize, usize) {
    let mut lines = 0;
    let mut files = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                files += 1;
                lines += std::fs::read_to_string(&path).map_or(0, |t| t.lines().count());
            }
        }
    }
    (lines, files)
}

/// How long one crate takes to check and to build, its dependencies built.
pub struct BuildTimes {
    /// `cargo check` of the crate alone.
    pub check: Samples,
    /// `cargo build` of the crate alone.
    pub build: Samples,
    /// Compiler warnings in the crate.
    pub warnings: usize,
    /// The largest resident set of any process (rustc) in a timed check, in KiB.
    pub check_peak_kib: Option<u64>,
    /// The same for a timed build.
    pub build_peak_kib: Option<u64>,
}

/// Builds the crate in `dir` once to have its dependencies (and counts its
/// warnings), then times `cargo check` and `cargo build` of the crate alone,
/// non-incremental, `runs` times each.
pub fn build_times(
    dir: &Path,
    target: &Path,
    package: &str,
    features: &[&str],
    runs: usize,
    scratch: &Path,
) -> Result<BuildTimes, String> {
    let cargo = |args: &[&str]| -> Command {
        let mut command = cargo_command();
        command
            .args(args)
            .args(features)
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_TERM_COLOR", "never")
            .env_remove("RUSTFLAGS");
        command
    };
    let succeed = |mut command: Command| -> Result<String, String> {
        let output = command.output().map_err(|e| e.to_string())?;
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        if output.status.success() {
            Ok(stderr)
        } else {
            Err(stderr)
        }
    };
    // Warm-up: dependencies for both profiles, and the warnings.
    let built = succeed(cargo(&["build", "--message-format=short"]))?;
    succeed(cargo(&["check"]))?;
    // Short messages put each diagnostic on one line: `file:line:col: warning: ...`.
    let warnings = built
        .lines()
        .filter(|line| line.contains(": warning: "))
        .count();
    let clean = || succeed(cargo_clean(dir, target, package));
    let mut check = Vec::new();
    let mut build = Vec::new();
    let (mut check_peak_kib, mut build_peak_kib) = (None, None);
    for _ in 0..runs {
        clean()?;
        let checked = run(&mut cargo(&["check"]), scratch)?;
        check.push(checked.wall);
        check_peak_kib = check_peak_kib.max(checked.peak_kib);
        clean()?;
        let built = run(&mut cargo(&["build"]), scratch)?;
        build.push(built.wall);
        build_peak_kib = build_peak_kib.max(built.peak_kib);
    }
    Ok(BuildTimes {
        check: Samples(check),
        build: Samples(build),
        warnings,
        check_peak_kib,
        build_peak_kib,
    })
}

/// The cargo running this bench, or the one on `PATH`.
fn cargo_command() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn cargo_clean(dir: &Path, target: &Path, package: &str) -> Command {
    let mut command = cargo_command();
    command
        .args(["clean", "--quiet", "-p", package])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target);
    command
}

/// The OpenAPI Generator command line, if installed (scripts/bench puts it
/// in `target/bench-venv`; `OPENAPI_GENERATOR_CLI` names another).
pub fn openapi_generator(workspace: &Path) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("OPENAPI_GENERATOR_CLI") {
        return Some(PathBuf::from(path));
    }
    let venv = workspace.join("target/bench-venv/bin/openapi-generator-cli");
    venv.is_file().then_some(venv)
}
