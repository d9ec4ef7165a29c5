//! The emit and format stages of one model, as [`Generator::generate`] runs
//! them, and one at a time for benchmarks that time them apart.

use crate::emit::{self, tree::Module, tree::Piece, tree::Rendered, Code, Emitted, Selection};
use crate::error::Error;
use crate::{format, parallel, Generator, Model};

/// A model with its selection and module tree planned, ready to emit.
pub struct Emission<'m> {
    model: &'m Model,
    selection: Selection,
    plan: Module,
    pieces: Vec<Piece>,
}

/// The tokens of every code piece of an [`Emission`], not yet formatted.
pub struct Tokens(Vec<Code>);

impl Tokens {
    /// How many pieces of code there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'m> Emission<'m> {
    /// Plans what `generator` emits of `model`: the chosen operations, the
    /// types they need, the tag features, and the module tree.
    pub fn new(generator: &Generator, model: &'m Model) -> Result<Self, Error> {
        let selection = generator.selection(model)?;
        let plan = emit::plan(&model.api, &model.names, &selection, &model.schema_label);
        let pieces = emit::pieces(&plan);
        Ok(Self {
            model,
            selection,
            plan,
            pieces,
        })
    }

    /// What is emitted.
    pub(crate) fn selection(&self) -> &Selection {
        &self.selection
    }

    /// Emits every piece of code on this thread.
    pub fn emit(&self) -> Tokens {
        Tokens(
            self.pieces
                .iter()
                .filter_map(|piece| match self.emit_piece(piece) {
                    Emitted::Code(code) => Some(code),
                    Emitted::Text(_) => None,
                })
                .collect(),
        )
    }

    /// Formats emitted tokens on this thread; returns the bytes of text.
    pub fn format(tokens: Tokens) -> Result<usize, Error> {
        let mut bytes = 0;
        for code in tokens.0 {
            bytes += format::piece(Emitted::Code(code))?.len();
        }
        Ok(bytes)
    }

    /// Emits and formats every piece on every core, and assembles the
    /// module tree: what [`Generator::generate`] does.
    pub fn render(&self) -> Result<Rendered, Error> {
        let texts = parallel::map(&self.pieces, |piece| format::piece(self.emit_piece(piece)));
        emit::tree::assemble(&self.plan, texts)
    }

    fn emit_piece<'p>(&self, piece: &'p Piece) -> Emitted<'p> {
        emit::piece(&self.model.api, &self.model.names, &self.selection, piece)
    }
}
