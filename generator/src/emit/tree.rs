//! The generated crate as a tree of modules, and its two layouts.
//!
//! [`Layout::Crate`] writes a standalone crate: `src/lib.rs`, a file per
//! leaf module and a directory with `mod.rs` per module with children.
//! [`Layout::Module`] writes one file of inline modules for a build script
//! to `include!`; it carries no crate-level attributes, and every path in
//! the generated code is relative (`super::`), so it works wherever it is
//! included.

use std::path::PathBuf;

use crate::error::Error;
use crate::ir::TypeId;
use crate::naming::Identifier;

/// How the output is laid out on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A standalone crate: `Cargo.toml` and `src/`.
    Crate,
    /// One `.rs` file of inline modules, for `include!` from a build script.
    Module,
}

/// One piece of a module's body, rendered and formatted later.
#[derive(Debug, Clone)]
pub enum Piece {
    /// The item for a named type.
    Type(TypeId),
    /// The items of a tag's module, by index in `Names::tags`.
    Tag(usize),
    /// The `Error` type and its helpers.
    Error,
    /// Source text copied as is.
    Text(String),
}

/// The condition a module is compiled under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cfg {
    /// Only with this cargo feature.
    Feature(String),
    /// Only without this cargo feature.
    NotFeature(String),
}

/// A module before rendering.
#[derive(Debug, Clone)]
pub struct Module {
    /// The module's name (empty for the crate root).
    pub name: Identifier,
    /// Declared `pub`?
    pub public: bool,
    /// Documentation: inner (`//!`) docs of the module's file in the crate
    /// layout, outer docs of the inline module in the module layout.
    pub doc: Vec<String>,
    /// The body, in order.
    pub pieces: Vec<Piece>,
    /// Submodules, in declaration order.
    pub children: Vec<Module>,
    /// The condition the module is compiled under, if any.
    pub cfg: Option<Cfg>,
    /// The file stem, in the crate layout, when it is not the module's
    /// name: two modules of one name under opposite conditions need two
    /// files.
    pub file: Option<&'static str>,
}

/// A module after rendering: its body is final source text.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The module's name (empty for the crate root).
    pub name: Identifier,
    /// Declared `pub`?
    pub public: bool,
    /// Documentation lines, placed as for [`Module::doc`].
    pub doc: Vec<String>,
    /// Attributes only a crate root can carry (`#![forbid(unsafe_code)]`).
    pub crate_attributes: Vec<String>,
    /// The body.
    pub body: String,
    /// Submodules.
    pub children: Vec<Rendered>,
    /// The condition the module is compiled under, if any.
    pub cfg: Option<Cfg>,
    /// The file stem in the crate layout, if not the module's name.
    pub file: Option<&'static str>,
}

/// Puts the text of every piece (in the order of [`super::pieces`]) into
/// the tree.
pub fn assemble(
    root: &Module,
    texts: impl IntoIterator<Item = Result<String, Error>>,
) -> Result<Rendered, Error> {
    assemble_module(root, &mut texts.into_iter())
}

fn assemble_module(
    module: &Module,
    formatted: &mut impl Iterator<Item = Result<String, Error>>,
) -> Result<Rendered, Error> {
    let mut parts = Vec::with_capacity(module.pieces.len());
    for _ in &module.pieces {
        if let Some(text) = formatted.next() {
            parts.push(text?);
        }
    }
    let children = module
        .children
        .iter()
        .map(|child| assemble_module(child, formatted))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Rendered {
        name: module.name.clone(),
        public: module.public,
        doc: module.doc.clone(),
        crate_attributes: if module.name.name().is_empty() {
            vec!["#![forbid(unsafe_code)]".into()]
        } else {
            Vec::new()
        },
        body: parts.join("\n"),
        children,
        cfg: module.cfg.clone(),
        file: module.file,
    })
}

/// A file of the output, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Relative path (`src/types.rs`, `Cargo.toml`).
    pub path: PathBuf,
    /// Exact contents.
    pub contents: String,
}

/// Lays out a rendered tree. `header` starts every Rust file.
pub fn files(root: &Rendered, layout: Layout, header: &str) -> Vec<GeneratedFile> {
    match layout {
        Layout::Crate => {
            let mut out = Vec::new();
            crate_files(root, PathBuf::from("src"), true, header, &mut out);
            out
        }
        Layout::Module => {
            let mut text = String::from(header);
            for child in &root.children {
                inline_module(child, &mut text);
            }
            push_body(&mut text, &root.body);
            vec![GeneratedFile {
                path: PathBuf::from("lib.rs"),
                contents: text,
            }]
        }
    }
}

fn crate_files(
    module: &Rendered,
    dir: PathBuf,
    is_root: bool,
    header: &str,
    out: &mut Vec<GeneratedFile>,
) {
    let path = if is_root {
        dir.join("lib.rs")
    } else if module.children.is_empty() {
        dir.join(format!("{}.rs", file_stem(module)))
    } else {
        dir.join(module.name.name()).join("mod.rs")
    };
    let mut text = String::from(header);
    let inner = &module.doc[..];
    for line in inner {
        text.push_str(&inner_doc(line));
    }
    if is_root {
        for attribute in &module.crate_attributes {
            text.push_str(attribute);
            text.push('\n');
        }
    }
    if !inner.is_empty() || (is_root && !module.crate_attributes.is_empty()) {
        text.push('\n');
    }
    for child in &module.children {
        // Generated files are formatted by prettyplease; `cargo fmt` on a
        // workspace holding the crate must leave them alone, or the
        // freshness check would fail after every format.
        if is_root {
            text.push_str("#[rustfmt::skip]\n");
        }
        text.push_str(&gate(child));
        if let Some(file) = child.file {
            text.push_str(&format!("#[path = \"{file}.rs\"]\n"));
        }
        text.push_str(&format!("{}mod {};\n", visibility(child), child.name));
    }
    if !module.children.is_empty() && !module.body.is_empty() {
        text.push('\n');
    }
    push_body(&mut text, &module.body);
    out.push(GeneratedFile {
        path,
        contents: text,
    });
    let child_dir = if is_root {
        dir
    } else {
        dir.join(module.name.name())
    };
    for child in &module.children {
        crate_files(child, child_dir.clone(), false, header, out);
    }
}

fn inline_module(module: &Rendered, text: &mut String) {
    // Outer docs only: mixing `///` and `//!` on one item is a lint.
    for line in &module.doc {
        text.push_str(&outer_doc(line));
    }
    text.push_str(&gate(module));
    text.push_str(&format!("{}mod {} {{\n", visibility(module), module.name));
    for child in &module.children {
        inline_module(child, text);
    }
    push_body(text, &module.body);
    text.push_str("}\n");
}

fn push_body(text: &mut String, body: &str) {
    text.push_str(body);
    if !body.is_empty() && !body.ends_with('\n') {
        text.push('\n');
    }
}

/// `#[cfg(...)]` for a module compiled under a condition.
fn gate(module: &Rendered) -> String {
    match &module.cfg {
        None => String::new(),
        Some(Cfg::Feature(feature)) => format!("#[cfg(feature = {feature:?})]\n"),
        Some(Cfg::NotFeature(feature)) => format!("#[cfg(not(feature = {feature:?}))]\n"),
    }
}

fn file_stem(module: &Rendered) -> &str {
    module.file.unwrap_or_else(|| module.name.name())
}

fn visibility(module: &Rendered) -> &'static str {
    if module.public {
        "pub "
    } else {
        ""
    }
}

// Module docs are written as text, not tokens: a line break here would put
// the rest of the line into the code, so none gets through, whatever the
// caller passed.
fn inner_doc(line: &str) -> String {
    let line = super::docs::one_line(line);
    if line.is_empty() {
        "//!\n".to_string()
    } else {
        format!("//! {line}\n")
    }
}

fn outer_doc(line: &str) -> String {
    let line = super::docs::one_line(line);
    if line.is_empty() {
        "///\n".to_string()
    } else {
        format!("/// {line}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(name: &str, body: &str) -> Rendered {
        Rendered {
            name: Identifier::plain(name),
            public: true,
            doc: vec![format!("The {name} module.")],
            crate_attributes: vec![],
            body: body.into(),
            children: vec![],
            cfg: None,
            file: None,
        }
    }

    fn tree() -> Rendered {
        let mut runtime = leaf("runtime", "pub use self::a::A;\n");
        runtime.children.push(leaf("a", "pub struct A;\n"));
        Rendered {
            name: Identifier::default(),
            public: true,
            doc: vec!["Crate docs.".into()],
            crate_attributes: vec!["#![forbid(unsafe_code)]".into()],
            body: "pub use self::runtime::A;\n".into(),
            children: vec![leaf("types", "pub struct T;\n"), runtime],
            cfg: None,
            file: None,
        }
    }

    #[test]
    fn crate_layout_nests_directories() {
        let files = files(&tree(), Layout::Crate, "// h\n");
        let paths: Vec<_> = files
            .iter()
            .map(|f| f.path.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            paths,
            [
                "src/lib.rs",
                "src/types.rs",
                "src/runtime/mod.rs",
                "src/runtime/a.rs"
            ]
        );
        assert_eq!(
            files[0].contents,
            "// h\n//! Crate docs.\n#![forbid(unsafe_code)]\n\n#[rustfmt::skip]\npub mod types;\n#[rustfmt::skip]\npub mod runtime;\n\npub use self::runtime::A;\n"
        );
    }

    #[test]
    fn modules_of_one_name_under_opposite_conditions_get_files_of_their_own() {
        let mut root = tree();
        let mut on = leaf("trace", "pub struct On;\n");
        on.cfg = Some(Cfg::Feature("tracing".into()));
        let mut off = leaf("trace", "pub struct Off;\n");
        off.cfg = Some(Cfg::NotFeature("tracing".into()));
        off.file = Some("trace_off");
        root.children[1].children.extend([on, off]);
        let crate_files = files(&root, Layout::Crate, "");
        let runtime = &crate_files[2];
        assert!(runtime.contents.contains(
            "#[cfg(feature = \"tracing\")]\npub mod trace;\n#[cfg(not(feature = \"tracing\"))]\n#[path = \"trace_off.rs\"]\npub mod trace;\n"
        ));
        let paths: Vec<_> = crate_files.iter().map(|f| f.path.clone()).collect();
        assert!(paths.contains(&PathBuf::from("src/runtime/trace.rs")));
        assert!(paths.contains(&PathBuf::from("src/runtime/trace_off.rs")));
        let inline = &files(&root, Layout::Module, "")[0].contents;
        assert!(inline
            .contains("#[cfg(not(feature = \"tracing\"))]\npub mod trace {\npub struct Off;\n}\n"));
        assert!(!inline.contains("#[path"));
    }

    #[test]
    fn module_layout_inlines_everything_without_crate_attributes() {
        let files = files(&tree(), Layout::Module, "// h\n");
        assert_eq!(files.len(), 1);
        let text = &files[0].contents;
        assert!(
            text.contains("pub mod runtime {\n/// The a module.\npub mod a {\npub struct A;\n}\n")
        );
        assert!(!text.contains("#!["));
        assert!(text.ends_with("pub use self::runtime::A;\n"));
    }
}
