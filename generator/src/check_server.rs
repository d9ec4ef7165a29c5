//! `authentik-codegen check-server`: the probe of a live server, as a
//! person reads it. Findings go to standard output, progress and the
//! summary to standard error.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use authentik_codegen::ir::ParamLocation;
use authentik_codegen::probe::corrections::Corrections;
use authentik_codegen::probe::decode::{Change, Fix, Mismatch, Verdict};
use authentik_codegen::probe::server::{Outcome, Probe, Server};
use authentik_codegen::{Error, ErrorKind, Generator, Model};
use clap::Args;

/// The environment variable the token is read from; a flag would leave it
/// in shell histories and process lists.
const TOKEN_VARIABLE: &str = "AUTHENTIK_TOKEN";

/// How many distinct mismatches are shown per operation.
const SHOWN: usize = 5;

#[derive(Args)]
pub struct CheckServer {
    /// The server, as the client's base URL (`https://authentik.example.com`).
    #[arg(long, value_name = "URL")]
    url: String,
    /// Judge the answers against this schema instead of the one the server
    /// serves at /api/v3/schema/ (the one your crate was generated from).
    #[arg(long, value_name = "FILE")]
    schema: Option<PathBuf>,
    /// Apply the corrections in this overrides file too; repeatable.
    #[arg(long = "overrides", value_name = "FILE")]
    overrides: Vec<PathBuf>,
    /// Do not apply the corrections the generator ships for known schema defects.
    #[arg(long)]
    no_builtin_overrides: bool,
    /// Write the corrections that make every answer decode to this file, for
    /// `generate --overrides`.
    #[arg(long, value_name = "FILE")]
    write_overrides: Option<PathBuf>,
    /// Save every answer to DIR/responses.jsonl (for a bug report).
    #[arg(long, value_name = "DIR")]
    save_responses: Option<PathBuf>,
    /// Seconds to wait for each answer.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
}

impl CheckServer {
    pub fn run(&self) -> Result<ExitCode, Error> {
        let started = Instant::now();
        let token = std::env::var(TOKEN_VARIABLE).map_err(|_| {
            Error::general(
                ErrorKind::Server,
                format!("set {TOKEN_VARIABLE} to an API token of the server"),
            )
        })?;
        let server = Server::new(&self.url, token, Duration::from_secs(self.timeout.max(1)))?;
        let generator = match &self.schema {
            Some(path) => Generator::new(path),
            None => {
                eprintln!("check-server: fetching the schema of {}", server.url());
                Generator::from_source(server.schema()?)
            }
        };
        let mut generator = generator.builtin_overrides(!self.no_builtin_overrides);
        for path in &self.overrides {
            generator = generator.overrides(path);
        }
        let model = generator.model()?;
        // What the model worked around, as `generate` reports it: an
        // override that matched nothing, an operation left out (and so
        // not checked).
        for diagnostic in &model.diagnostics {
            eprintln!("{diagnostic}");
        }
        let api = &model.api;
        let progress = progress_line();
        let probe = server.probe(api, self.schema.is_some(), &progress)?;
        if std::io::stderr().is_terminal() {
            eprintln!();
        }
        if let Some(dir) = &self.save_responses {
            probe.save(api, dir)?;
        }
        let findings = Findings::of(&model, &probe);
        crate::print_out(&findings.text(&model))?;
        let source = format!("{} (authentik {})", server.url(), api.info.version);
        summary(&model, &probe, &findings, &source, started);
        if let Some(path) = &self.write_overrides {
            std::fs::write(path, findings.corrections.to_yaml(&source)).map_err(|e| {
                Error::general(
                    ErrorKind::Io,
                    format!("cannot write {}: {e}", path.display()),
                )
            })?;
            eprintln!(
                "check-server: wrote {} corrections to {}",
                findings.corrections.len(),
                path.display()
            );
            for conflict in findings.corrections.conflicts() {
                eprintln!("check-server: {conflict}");
            }
        }
        Ok(
            if findings.mismatched.is_empty() && findings.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            },
        )
    }
}

/// `checking: N/M` on one rewritten line on a terminal; elsewhere a line
/// every hundred calls.
fn progress_line() -> impl Fn(usize, usize) + Sync {
    let terminal = std::io::stderr().is_terminal();
    move |done, total| {
        if terminal {
            eprint!("\rcheck-server: {done}/{total} calls");
        } else if done % 100 == 0 || done == total {
            eprintln!("check-server: {done}/{total} calls");
        }
    }
}

/// What the calls came to, per operation.
struct Findings {
    /// Operations with answers that do not decode: their distinct
    /// mismatches, each with how often it was seen.
    mismatched: BTreeMap<usize, Vec<(Mismatch, usize)>>,
    /// Operations that answered an error status: the statuses.
    refused: BTreeMap<usize, Vec<u16>>,
    /// Calls with the id of a listed object that answered 404: the object
    /// was deleted after it was listed (authentik replaces some objects in
    /// the background). Their targets.
    gone: BTreeMap<usize, Vec<String>>,
    /// Calls that got no answer, with why.
    failures: Vec<(usize, String)>,
    decoded: usize,
    called: usize,
    corrections: Corrections,
    /// Mismatches no override can correct.
    uncorrectable: usize,
}

impl Findings {
    fn of(model: &Model, probe: &Probe) -> Self {
        let api = &model.api;
        let mut findings = Findings {
            mismatched: BTreeMap::new(),
            refused: BTreeMap::new(),
            gone: BTreeMap::new(),
            failures: Vec::new(),
            decoded: 0,
            called: 0,
            corrections: Corrections::default(),
            uncorrectable: 0,
        };
        let mut called = std::collections::BTreeSet::new();
        let mut answered = std::collections::BTreeSet::new();
        for call in &probe.calls {
            called.insert(call.operation);
            let id = &api.operations[call.operation].id;
            match &call.outcome {
                Outcome::Answered {
                    verdict: Verdict::Mismatches(mismatches),
                    ..
                } => {
                    let seen = findings.mismatched.entry(call.operation).or_default();
                    for mismatch in mismatches {
                        match &mismatch.fix {
                            Some(fix) => {
                                findings
                                    .corrections
                                    .add(fix, id, &mismatch.path, &mismatch.found)
                            }
                            None => findings.uncorrectable += 1,
                        }
                        let shape = pattern(&mismatch.path);
                        match seen.iter_mut().find(|(m, _)| {
                            pattern(&m.path) == shape && m.expected == mismatch.expected
                        }) {
                            Some((_, count)) => *count += 1,
                            None => seen.push((mismatch.clone(), 1)),
                        }
                    }
                }
                Outcome::Answered {
                    verdict: Verdict::Refused(404),
                    ..
                } if names_an_object(&api.operations[call.operation]) => findings
                    .gone
                    .entry(call.operation)
                    .or_default()
                    .push(call.target.clone()),
                Outcome::Answered {
                    verdict: Verdict::Refused(status),
                    ..
                } => findings
                    .refused
                    .entry(call.operation)
                    .or_default()
                    .push(*status),
                Outcome::Answered { .. } => {
                    answered.insert(call.operation);
                }
                Outcome::Failed(why) => findings.failures.push((call.operation, why.clone())),
            }
        }
        findings.called = called.len();
        findings.decoded = answered
            .iter()
            .filter(|op| {
                !findings.mismatched.contains_key(op)
                    && !findings.refused.contains_key(op)
                    && !findings.failures.iter().any(|(f, _)| f == *op)
            })
            .count();
        findings
    }

    /// The findings, a line each.
    fn text(&self, model: &Model) -> String {
        let api = &model.api;
        let mut out = String::new();
        for (op, mismatches) in &self.mismatched {
            let operation = &api.operations[*op];
            let _ = writeln!(
                out,
                "{}: GET {}{} does not decode",
                operation.id, api.base_path, operation.path
            );
            for (mismatch, count) in mismatches.iter().take(SHOWN) {
                let more = if *count > 1 {
                    format!(" (and {} more like it)", count - 1)
                } else {
                    String::new()
                };
                let fix = mismatch
                    .fix
                    .as_ref()
                    .map_or_else(|| "no override can say it".to_string(), describe_fix);
                let _ = writeln!(
                    out,
                    "  at {}: the schema says {}, the server sent {}{more}; correction: {fix}",
                    mismatch.path, mismatch.expected, mismatch.found
                );
            }
            if mismatches.len() > SHOWN {
                let _ = writeln!(
                    out,
                    "  and {} more kinds of mismatch",
                    mismatches.len() - SHOWN
                );
            }
        }
        for (op, statuses) in &self.refused {
            let operation = &api.operations[*op];
            let _ = writeln!(
                out,
                "{}: GET {}{} answered {} (an error status: not checked)",
                operation.id,
                api.base_path,
                operation.path,
                statuses
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        for (op, targets) in &self.gone {
            let _ = writeln!(
                out,
                "{}: GET {} answered 404: gone since it was listed (not checked)",
                api.operations[*op].id,
                targets.join(", ")
            );
        }
        for (op, why) in &self.failures {
            let _ = writeln!(out, "{}: {why}", api.operations[*op].id);
        }
        out
    }
}

/// Whether the operation is called with the id of a listed object.
fn names_an_object(op: &authentik_codegen::ir::Operation) -> bool {
    op.parameters
        .iter()
        .any(|p| p.location == ParamLocation::Path)
}

/// A JSON path with its indexes taken out, so `results[0].a` and
/// `results[7].a` are one kind of mismatch.
fn pattern(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            c if !in_index => out.push(c),
            _ => {}
        }
    }
    out
}

fn describe_fix(fix: &Fix) -> String {
    let change = match fix.change {
        Change::Nullable => "nullable: true".to_string(),
        Change::Optional => "required: false".to_string(),
        Change::Type(scalar) => format!("type: {}", scalar.as_str()),
    };
    format!("{}.{} {change}", fix.schema, fix.property)
}

fn summary(model: &Model, probe: &Probe, findings: &Findings, source: &str, started: Instant) {
    let followed = probe
        .calls
        .iter()
        .map(|c| c.operation)
        .filter(|op| names_an_object(&model.api.operations[*op]))
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    eprintln!(
        "check-server: {source}: {} of {} GET operations called in {:.1} s ({} with the ids of listed objects; {} found no object in their list; {} left out): {} decode, {} do not, {} answered an error status, {} found an object gone, {} calls failed",
        findings.called,
        probe.gets,
        started.elapsed().as_secs_f64(),
        followed,
        probe.unfollowed.len(),
        probe.skipped.len(),
        findings.decoded,
        findings.mismatched.len(),
        findings.refused.len(),
        findings.gone.len(),
        findings.failures.len(),
    );
    let mut by_reason: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (op, reason) in &probe.skipped {
        by_reason
            .entry(reason)
            .or_default()
            .push(&model.api.operations[*op].id);
    }
    for (reason, ids) in by_reason {
        eprintln!("  left out {} ({reason}): {}", ids.len(), ids.join(", "));
    }
    if !model.left_out.is_empty() {
        eprintln!(
            "check-server: {} operations the generator leaves out are not checked",
            model.left_out.len()
        );
    }
    if findings.uncorrectable > 0 {
        eprintln!(
            "check-server: {} mismatches have no correction the overrides language can say",
            findings.uncorrectable
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_forgets_the_indexes() {
        assert_eq!(pattern("results[0].group_obj"), "results[].group_obj");
        assert_eq!(pattern("results[12].a[3]"), "results[].a[]");
        assert_eq!(pattern("."), ".");
    }
}
