//! `authentik-codegen`: an authentik OpenAPI schema in, a typed Rust client out.
//!
//! The pipeline runs in one direction, one job per stage:
//!
//! | stage | module | does |
//! | --- | --- | --- |
//! | load | `load` | bytes to `openapiv3::OpenAPI` (YAML or JSON, by content) |
//! | correct | [`overrides`] | the known disagreements between schema and server |
//! | lower | `lower` | `openapiv3` to the IR, following `$ref`s (`lower::refs`) |
//! | IR | [`ir`] | a small, language-neutral model: types, operations |
//! | analysis | [`ir::analysis`] | cycles, boxing, reachability, paging, error tables |
//! | naming | [`naming`] | every Rust identifier, collisions resolved |
//! | emit | `emit` | IR to `quote!` tokens, one piece of a module tree at a time |
//! | format | `format` | tokens to source with `prettyplease` |
//! | write | `write` | only files whose bytes changed |
//!
//! Emitting and formatting run together, piece by piece, on every core
//! (`parallel`): token streams cannot cross threads.
//!
//! [`diff`] compares the models of two schemas in terms of the generated API;
//! [`probe`] checks a live server's answers against the model (`check-server`).
//!
//! [`Generator`] drives it, for the command line and for build scripts:
//!
//! ```no_run
//! use authentik_codegen::{Generator, Layout};
//!
//! // In build.rs: one file of modules to `include!`.
//! let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap());
//! let report = Generator::new("schema/authentik.yml")
//!     .layout(Layout::Module)
//!     .write_to(&out)
//!     .unwrap_or_else(|e| panic!("{e}"));
//! for warning in &report.generated.diagnostics {
//!     println!("cargo:warning={warning}");
//! }
//! ```

#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod diff;
mod emission;
mod emit;
mod error;
mod format;
pub mod ir;
mod load;
mod lower;
pub mod naming;
pub mod overrides;
mod parallel;
pub mod probe;
mod write;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use emit::directions::Directions;

pub use emission::{Emission, Tokens};
pub use emit::directions::RoundTrip;
pub use emit::optional::Switch;
pub use emit::tree::{GeneratedFile, Layout};
pub use emit::{Dependency, DEPENDENCIES};
pub use error::{Diagnostic, Error, ErrorKind, Location};
pub use load::{Source, MAX_SCHEMA_BYTES};
pub use lower::LeftOut;
pub use overrides::Overrides;
pub use write::{CheckReport, WriteReport};

/// Where the schema comes from.
#[derive(Debug, Clone)]
enum Input {
    Path(PathBuf),
    Source(Source),
}

/// Configures and runs one generation.
#[derive(Debug, Clone)]
pub struct Generator {
    input: Input,
    crate_name: String,
    layout: Layout,
    strict: bool,
    operations: Option<Vec<String>>,
    builtin_overrides: bool,
    overrides: Vec<PathBuf>,
    tag_features: Option<bool>,
    round_trip: Option<RoundTrip>,
    tracing: Option<Switch>,
    middleware: Option<Switch>,
}

/// The crate name `generate` uses unless told otherwise.
pub const DEFAULT_CRATE_NAME: &str = "authentik-client";

impl Generator {
    /// Generates from the schema file at `schema` (YAML or JSON).
    pub fn new(schema: impl Into<PathBuf>) -> Self {
        Self::with_input(Input::Path(schema.into()))
    }

    /// Generates from a schema already in memory.
    pub fn from_source(source: Source) -> Self {
        Self::with_input(Input::Source(source))
    }

    fn with_input(input: Input) -> Self {
        Self {
            input,
            crate_name: DEFAULT_CRATE_NAME.to_string(),
            layout: Layout::Crate,
            strict: false,
            operations: None,
            builtin_overrides: true,
            overrides: Vec::new(),
            tag_features: None,
            round_trip: None,
            tracing: None,
            middleware: None,
        }
    }

    /// Whether to put each tag's operations, and the types they reach,
    /// behind a cargo feature named after the tag (default: yes for a crate,
    /// no for a module, whose includer has no such features).
    pub fn tag_features(mut self, enabled: bool) -> Self {
        self.tag_features = Some(enabled);
        self
    }

    /// Whether types get the serde half they do not travel by: a request
    /// type is only ever encoded and a response type only decoded, so by
    /// default each implements only that half, and a crate puts the other
    /// behind its `round-trip` feature ([`RoundTrip::Feature`]). A module
    /// has no features of its own, so by default it gets only the halves
    /// it uses ([`RoundTrip::AsTraveled`]); ask for [`RoundTrip::Always`]
    /// to cache responses or replay requests through serde.
    pub fn round_trip(mut self, round_trip: RoundTrip) -> Self {
        self.round_trip = Some(round_trip);
        self
    }

    /// Whether calls open a `tracing` span (and retries log an event): a
    /// crate puts it behind its `tracing` feature, off by default
    /// ([`Switch::Feature`]); a module has no features, so by default it
    /// does not trace ([`Switch::Off`]); ask for [`Switch::On`], and
    /// depend on `tracing` 0.1, to trace from a build script's module.
    pub fn tracing(mut self, tracing: Switch) -> Self {
        self.tracing = Some(tracing);
        self
    }

    /// Whether the client can send through `reqwest-middleware`'s client
    /// (`ClientBuilder::middleware_client`): a crate puts it behind its
    /// `middleware` feature, off by default ([`Switch::Feature`]); a module
    /// goes without ([`Switch::Off`]) unless asked for [`Switch::On`], for
    /// an includer that depends on `reqwest-middleware` 0.5 (with its
    /// `multipart` feature).
    pub fn middleware(mut self, middleware: Switch) -> Self {
        self.middleware = Some(middleware);
        self
    }

    /// Also applies the corrections in this overrides file (after the
    /// built-in ones and earlier files); see [`overrides`] for the format.
    pub fn overrides(mut self, path: impl Into<PathBuf>) -> Self {
        self.overrides.push(path.into());
        self
    }

    /// Whether to apply the corrections the generator ships for known
    /// disagreements between authentik's schema and its server (default: yes).
    pub fn builtin_overrides(mut self, apply: bool) -> Self {
        self.builtin_overrides = apply;
        self
    }

    /// The name of the generated crate (its `Cargo.toml` `name`).
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.crate_name = name.into();
        self
    }

    /// A standalone crate, or one file of modules for `include!`.
    pub fn layout(mut self, layout: Layout) -> Self {
        self.layout = layout;
        self
    }

    /// Treat every warning as an error: an operation or schema the generator
    /// cannot express fails the run instead of being left out.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// Emit only these operations (by `operationId`) and the types they need.
    pub fn only_operations<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.operations = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// The schema with the overrides applied, as JSON: the contract the
    /// generated client follows (for a mock server, say).
    pub fn corrected_schema(&self) -> Result<String, Error> {
        let document = self.document()?;
        serde_json::to_string_pretty(&document.openapi).map_err(|e| {
            Error::general(
                ErrorKind::Internal,
                format!("the corrected schema does not serialize: {e}"),
            )
        })
    }

    /// Runs the pipeline up to the model: what an API has, and every Rust
    /// name, without emitting code. Tools that reason about the generated
    /// API (the `diff` command, test generators) start here.
    pub fn model(&self) -> Result<Model, Error> {
        let started = Instant::now();
        let document = self.document()?;
        let load_time = started.elapsed();
        let mut model = self
            .build_model(&document.openapi, &document.name)
            .map_err(|error| load::place(error, &document.text))?;
        model.diagnostics.splice(0..0, document.diagnostics);
        model.load_time = load_time;
        self.check_strict(&model.diagnostics)?;
        Ok(model)
    }

    /// The model of a document already parsed and corrected (see
    /// [`Generator::document`]); `file` names it in messages.
    /// [`Generator::model`] is this after loading.
    pub fn model_of(&self, document: &openapiv3::OpenAPI, file: &str) -> Result<Model, Error> {
        let model = self.build_model(document, file)?;
        self.check_strict(&model.diagnostics)?;
        Ok(model)
    }

    fn build_model(&self, document: &openapiv3::OpenAPI, file: &str) -> Result<Model, Error> {
        let started = Instant::now();
        let lowered = lower::lower(document, file)?;
        let mut api = lowered.api;
        ir::analysis::check_aliases(&api, file)?;
        ir::analysis::check_inhabited(&api, file)?;
        ir::analysis::indirection(&mut api);
        ir::analysis::facts(&mut api);
        let (names, naming_diagnostics) = naming::assign(&api, file);
        let mut diagnostics = lowered.diagnostics;
        diagnostics.extend(naming_diagnostics);
        Ok(Model {
            api,
            names,
            diagnostics,
            left_out: lowered.left_out,
            schema_label: schema_label(file),
            load_time: Duration::ZERO,
            build_time: started.elapsed(),
        })
    }

    /// In strict mode, the first warning as the error, saying how many more
    /// there are.
    fn check_strict(&self, diagnostics: &[Diagnostic]) -> Result<(), Error> {
        let Some(first) = diagnostics.first().filter(|_| self.strict) else {
            return Ok(());
        };
        let mut error = first.clone().into_error();
        if diagnostics.len() > 1 {
            error.message.push_str(&format!(
                " (and {} more problems; run without --strict to see them all)",
                diagnostics.len() - 1
            ));
        }
        Err(error)
    }

    /// Runs the pipeline and returns the files in memory.
    pub fn generate(&self) -> Result<Generated, Error> {
        if self.layout == Layout::Crate {
            check_crate_name(&self.crate_name)?;
        }
        let model = self.model()?;
        let emitting = Instant::now();
        let emission = Emission::new(self, &model)?;
        let rendered = emission.render()?;
        let selection = emission.selection();
        let header = emit::header(&model.api, &model.schema_label);
        let mut files = emit::tree::files(&rendered, self.layout, &header);
        if self.layout == Layout::Crate {
            files.insert(
                0,
                GeneratedFile {
                    path: PathBuf::from("Cargo.toml"),
                    contents: emit::manifest(&model.api, &self.crate_name, &header, selection),
                },
            );
        }
        let stats = Stats {
            types: selection.types.iter().filter(|t| **t).count(),
            operations: selection.operations.iter().filter(|o| **o).count(),
            left_out: model.left_out.len(),
            lines: files.iter().map(|f| f.contents.lines().count()).sum(),
            load: model.load_time,
            model: model.build_time,
            emit: emitting.elapsed(),
        };
        Ok(Generated {
            files,
            diagnostics: model.diagnostics,
            left_out: model.left_out,
            stats,
        })
    }

    fn source(&self) -> Result<Source, Error> {
        match &self.input {
            Input::Path(path) => Source::read(path),
            Input::Source(source) => Ok(source.clone()),
        }
    }

    /// Reads and parses the schema and applies the overrides: the load
    /// stage, whose result [`Generator::model_of`] takes.
    pub fn document(&self) -> Result<Document, Error> {
        let source = self.source()?;
        let mut openapi = load::parse(&source)?;
        let mut diagnostics = Vec::new();
        if self.builtin_overrides {
            // The built-in corrections span releases; one that a release
            // does not need is not worth a warning.
            Overrides::builtin()?.apply(&mut openapi, &source.name);
        }
        for path in &self.overrides {
            diagnostics.extend(Overrides::read(path)?.apply(&mut openapi, &source.name));
        }
        Ok(Document {
            name: source.name,
            text: source.text,
            openapi,
            diagnostics,
        })
    }

    /// Generates and writes into `dir`, touching only changed files.
    pub fn write_to(&self, dir: &Path) -> Result<Written, Error> {
        let generated = self.generate()?;
        let report = generated.write_to(dir)?;
        Ok(Written { generated, report })
    }

    /// Generates and compares with `dir` without writing.
    pub fn check(&self, dir: &Path) -> Result<(Generated, CheckReport), Error> {
        let generated = self.generate()?;
        let report = write::check(dir, &generated.files)?;
        Ok((generated, report))
    }

    fn selection(&self, model: &Model) -> Result<emit::Selection, Error> {
        let mut selection = self.chosen(&model.api, &model.schema_label)?;
        let round_trip = self.round_trip.unwrap_or(match self.layout {
            Layout::Crate => RoundTrip::Feature,
            Layout::Module => RoundTrip::AsTraveled,
        });
        let selected = model
            .api
            .operations
            .iter()
            .zip(&selection.operations)
            .filter(|(_, selected)| **selected)
            .map(|(operation, _)| operation);
        selection.directions = Directions::new(&model.api, selected, round_trip);
        let by_layout = match self.layout {
            Layout::Crate => Switch::Feature,
            Layout::Module => Switch::Off,
        };
        selection.tracing = self.tracing.unwrap_or(by_layout);
        selection.middleware = self.middleware.unwrap_or(by_layout);
        // The mock answers with response types, which need `Serialize`:
        // `round-trip` gives it.
        selection.mock = self.layout == Layout::Crate && round_trip == RoundTrip::Feature;
        if self.tag_features.unwrap_or(self.layout == Layout::Crate) {
            selection.features = Some(emit::features::TagFeatures::new(
                &model.api,
                &model.names,
                &selection,
            ));
        }
        Ok(selection)
    }

    fn chosen(&self, api: &ir::Api, label: &str) -> Result<emit::Selection, Error> {
        let Some(wanted) = &self.operations else {
            return Ok(emit::Selection::all(api));
        };
        for id in wanted {
            if !api.operations.iter().any(|op| &op.id == id) {
                return Err(Error::at(
                    ErrorKind::Invalid,
                    Location::new(label, "/paths"),
                    format!("no operation has the operationId `{id}`"),
                ));
            }
        }
        let operations: Vec<bool> = api
            .operations
            .iter()
            .map(|op| wanted.contains(&op.id))
            .collect();
        let chosen = api.operations.iter().filter(|op| wanted.contains(&op.id));
        Ok(emit::Selection {
            types: ir::analysis::reachable(api, chosen),
            operations,
            features: None,
            directions: Directions::both(api),
            tracing: Switch::Off,
            middleware: Switch::Off,
            mock: false,
        })
    }
}

/// A schema as loaded: parsed, with the overrides applied.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path or label messages call the schema by.
    pub name: String,
    /// The text it was parsed from, which places errors found later by line.
    pub text: String,
    /// The document.
    pub openapi: openapiv3::OpenAPI,
    /// What applying the overrides reported (an override that matched
    /// nothing, say).
    pub diagnostics: Vec<Diagnostic>,
}

/// The model of an API: everything the emitters read.
#[derive(Debug, Clone)]
pub struct Model {
    /// The IR.
    pub api: ir::Api,
    /// Every Rust identifier.
    pub names: naming::Names,
    /// What the generator worked around.
    pub diagnostics: Vec<Diagnostic>,
    /// Operations the generator could not express.
    pub left_out: Vec<LeftOut>,
    /// The schema's file name, as generated files cite it.
    pub schema_label: String,
    /// How long reading and parsing the schema took, overrides included
    /// (zero for [`Generator::model_of`], which starts from a document).
    pub load_time: Duration,
    /// How long lowering, analysis and naming took.
    pub build_time: Duration,
}

/// The output of [`Generator::generate`].
#[derive(Debug, Clone)]
pub struct Generated {
    /// The files, relative to the output directory, in a fixed order.
    pub files: Vec<GeneratedFile>,
    /// What the generator worked around.
    pub diagnostics: Vec<Diagnostic>,
    /// Operations the generator could not express.
    pub left_out: Vec<LeftOut>,
    /// Counts and timings.
    pub stats: Stats,
}

impl Generated {
    /// Writes the files into `dir`, touching only those whose bytes changed
    /// and removing generated files this output no longer has.
    pub fn write_to(&self, dir: &Path) -> Result<WriteReport, Error> {
        write::write(dir, &self.files)
    }
}

/// The output of [`Generator::write_to`].
#[derive(Debug, Clone)]
pub struct Written {
    /// What was generated.
    pub generated: Generated,
    /// What was written.
    pub report: WriteReport,
}

/// Counts and timings of one run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// Types emitted.
    pub types: usize,
    /// Operations emitted: the model's, or those chosen with
    /// [`Generator::only_operations`].
    pub operations: usize,
    /// Operations left out.
    pub left_out: usize,
    /// Lines of generated code.
    pub lines: usize,
    /// Reading and parsing the schema.
    pub load: Duration,
    /// Resolving, building the IR, analysis and naming.
    pub model: Duration,
    /// Emitting and formatting.
    pub emit: Duration,
}

/// Refuses a name cargo would refuse in the generated `Cargo.toml`, before
/// anything is written: ASCII letters, digits, `-` and `_`, not starting
/// with a digit, and not a Rust keyword (the library is named after it).
fn check_crate_name(name: &str) -> Result<(), Error> {
    let problem = if name.is_empty() {
        Some("it is empty")
    } else if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(crate_name_error(
            name,
            &format!("it contains {bad:?}; use ASCII letters, digits, `-` and `_`"),
        ));
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        Some("it starts with a digit")
    } else if naming::Identifier::keyword_safe(name.replace('-', "_")).to_string()
        != name.replace('-', "_")
    {
        Some("it is a Rust keyword")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(crate_name_error(name, problem)),
        None => Ok(()),
    }
}

fn crate_name_error(name: &str, problem: &str) -> Error {
    Error::general(
        ErrorKind::Invalid,
        format!("{name:?} cannot be the generated crate's name: {problem}"),
    )
}

/// How generated files name their schema: the file name only, so the output
/// is the same on every machine whatever the checkout path.
fn schema_label(name: &str) -> String {
    Path::new(name)
        .file_name()
        .map_or_else(|| name.to_string(), |n| n.to_string_lossy().into_owned())
}
