//! Generating the full client, stage by stage, in this process.

use std::path::{Path, PathBuf};

use authentik_codegen::{Emission, Generator, Tokens};

use crate::stats::Samples;

/// The timings of one schema's generation.
pub struct Generation {
    /// Reading and parsing the YAML into openapiv3 types, overrides applied.
    pub load: Samples,
    /// Resolving references, building the IR, analysis, naming.
    pub model: Samples,
    /// IR to token streams, one thread.
    pub emit: Samples,
    /// Token streams to text with syn and prettyplease, one thread.
    pub format: Samples,
    /// Emitting and formatting as `generate` does it, on every core.
    pub render: Samples,
    /// Writing every file into an empty directory.
    pub write_fresh: Samples,
    /// Writing again when nothing changed (what a rebuild pays).
    pub write_unchanged: Samples,
    /// `Generator::generate` and writing, end to end.
    pub whole: Samples,
    /// Lines generated.
    pub lines: usize,
    /// Files generated.
    pub files: usize,
}

/// Times each stage `runs` times.
pub fn measure(schema: &Path, runs: usize, scratch: &Path) -> Generation {
    let generator = Generator::new(schema);
    let document = || generator.document().unwrap_or_else(|e| panic!("{e}"));
    let load = Samples::measure(runs, true, document);
    let document = document();
    let model_of = || {
        generator
            .model_of(&document.openapi, &document.name)
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let model_samples = Samples::measure(runs, true, model_of);
    let model = model_of();
    let emission = Emission::new(&generator, &model).unwrap_or_else(|e| panic!("{e}"));
    let emit = Samples::measure(runs, true, || emission.emit());

    // Formatting consumes the tokens: emit a fresh set for each run first.
    let mut batches: Vec<Tokens> = (0..=runs).map(|_| emission.emit()).collect();
    let format = Samples::measure(runs, true, || {
        let batch = batches.pop().unwrap_or_else(|| emission.emit());
        Emission::format(batch).unwrap_or_else(|e| panic!("{e}"))
    });
    let render = Samples::measure(runs, true, || {
        emission.render().unwrap_or_else(|e| panic!("{e}"))
    });

    let generated = generator.generate().unwrap_or_else(|e| panic!("{e}"));
    let mut fresh_dirs = (0..=runs).map(|i| fresh(scratch, &format!("fresh-{i}")));
    let write_fresh = Samples::measure(runs, true, || {
        let dir = fresh_dirs
            .next()
            .unwrap_or_else(|| fresh(scratch, "fresh-extra"));
        generated.write_to(&dir).unwrap_or_else(|e| panic!("{e}"))
    });
    let unchanged_dir = fresh(scratch, "unchanged");
    let write_unchanged = Samples::measure(runs, true, || {
        generated
            .write_to(&unchanged_dir)
            .unwrap_or_else(|e| panic!("{e}"))
    });
    let mut whole_dirs = (0..=runs).map(|i| fresh(scratch, &format!("whole-{i}")));
    let whole = Samples::measure(runs, true, || {
        let dir = whole_dirs
            .next()
            .unwrap_or_else(|| fresh(scratch, "whole-extra"));
        generator.write_to(&dir).unwrap_or_else(|e| panic!("{e}"))
    });

    Generation {
        load,
        model: model_samples,
        emit,
        format,
        render,
        write_fresh,
        write_unchanged,
        whole,
        lines: generated.stats.lines,
        files: generated.files.len(),
    }
}

/// An empty directory under `scratch`.
fn fresh(scratch: &Path, name: &str) -> PathBuf {
    let dir = scratch.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}
