//! Whether the client traces its calls with `tracing`.
//!
//! The runtime's `trace` module has two implementations of one small API:
//! `trace.rs` opens a span per call and an event per retry, `trace_off.rs`
//! does nothing and costs nothing. A crate gets both, chosen by its
//! `tracing` feature (off by default), so the `tracing` crate is a
//! dependency only of programs that ask for it; a module, which has no
//! features of its own, gets the one its build script picks.

use super::tree::{Cfg, Module};
use crate::naming::Identifier;

/// The cargo feature that turns tracing on.
pub const TRACING_FEATURE: &str = "tracing";

/// The `tracing` dependency's version and the features the runtime uses.
const TRACING_SPEC: &str = r#"version = "0.1", default-features = false, features = ["std"]"#;

/// The runtime that traces.
const TRACE_ON: &str = include_str!("../../runtime/trace.rs");

/// The runtime that does not.
const TRACE_OFF: &str = include_str!("../../runtime/trace_off.rs");

/// Whether the generated code traces its calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tracing {
    /// Never; `tracing` is not a dependency.
    Off,
    /// With the crate's `tracing` feature (for a standalone crate, whose
    /// manifest declares it and the optional dependency).
    Feature,
    /// Always: the includer depends on `tracing` itself.
    On,
}

impl Tracing {
    /// The runtime's `trace` module(s): one, or two under opposite
    /// conditions.
    pub fn runtime_modules(self) -> Vec<Module> {
        let module = |source: &str, cfg, file| Module {
            name: Identifier::plain("trace"),
            public: false,
            doc: vec!["A span per call and an event per retry, with the `tracing` feature.".into()],
            pieces: vec![super::tree::Piece::Text(source.into())],
            children: Vec::new(),
            cfg,
            file,
        };
        match self {
            Tracing::Off => vec![module(TRACE_OFF, None, None)],
            Tracing::On => vec![module(TRACE_ON, None, None)],
            Tracing::Feature => vec![
                module(TRACE_ON, Some(Cfg::Feature(TRACING_FEATURE.into())), None),
                module(
                    TRACE_OFF,
                    Some(Cfg::NotFeature(TRACING_FEATURE.into())),
                    Some("trace_off"),
                ),
            ],
        }
    }

    /// The manifest's `tracing` dependency line, if the crate has one.
    pub fn dependency(self) -> Option<String> {
        match self {
            Tracing::Off => None,
            Tracing::Feature => Some(format!("tracing = {{ {TRACING_SPEC}, optional = true }}\n")),
            Tracing::On => Some(format!("tracing = {{ {TRACING_SPEC} }}\n")),
        }
    }

    /// The manifest's `[features]` entry, if the crate has one.
    pub fn feature_entry(self) -> Option<String> {
        (self == Tracing::Feature).then(|| {
            format!("# A tracing span per call and an event per retry.\n{TRACING_FEATURE} = [\"dep:tracing\"]\n")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_gets_both_implementations_under_opposite_conditions() {
        let modules = Tracing::Feature.runtime_modules();
        let conditions: Vec<_> = modules.iter().map(|m| (m.cfg.clone(), m.file)).collect();
        assert_eq!(
            conditions,
            [
                (Some(Cfg::Feature("tracing".into())), None),
                (Some(Cfg::NotFeature("tracing".into())), Some("trace_off")),
            ]
        );
        assert!(Tracing::Feature
            .dependency()
            .is_some_and(|d| d.contains("optional = true")));
        assert!(Tracing::Feature
            .feature_entry()
            .is_some_and(|f| f.contains("dep:tracing")));
    }

    #[test]
    fn a_module_gets_one_implementation_and_no_feature() {
        for tracing in [Tracing::Off, Tracing::On] {
            let modules = tracing.runtime_modules();
            assert_eq!(modules.len(), 1);
            assert!(modules[0].cfg.is_none() && modules[0].file.is_none());
            assert!(tracing.feature_entry().is_none());
        }
        assert!(Tracing::Off.dependency().is_none());
    }
}
