//! Parts of the runtime a program opts into: tracing, middleware.
//!
//! Each is a runtime module with two implementations of one small API, the
//! one that uses the optional dependency and one that does without it, so
//! the client's code has no conditions of its own. A crate gets both,
//! chosen by a cargo feature (off by default), so the dependency is
//! compiled only for programs that ask for it; a module, which has no
//! features of its own, gets the one its build script picks.

use super::tree::{Cfg, Module, Piece};
use crate::naming::Identifier;

/// Whether an optional part of the runtime is compiled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    /// Never; its dependency is not one of the crate's.
    Off,
    /// With the crate's cargo feature (for a standalone crate, whose
    /// manifest declares it and the optional dependency).
    Feature,
    /// Always: the includer depends on the crate itself.
    On,
}

/// An optional part of the runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Optional {
    /// The runtime module's name, and the stem of the file that uses the
    /// dependency.
    module: &'static str,
    /// The stem of the file that does without it, in a crate.
    off_file: &'static str,
    /// The module's doc line.
    doc: &'static str,
    /// The cargo feature that turns it on.
    pub feature: &'static str,
    /// The manifest's comment on the feature.
    feature_doc: &'static str,
    /// The dependency's name in the manifest.
    dependency: &'static str,
    /// Its version and the features the runtime uses.
    spec: &'static str,
    /// The implementation that uses it.
    on: &'static str,
    /// The one that does not.
    off: &'static str,
}

/// A `tracing` span per call and an event per retry.
pub const TRACING: Optional = Optional {
    module: "trace",
    off_file: "trace_off",
    doc: "A span per call and an event per retry, with the `tracing` feature.",
    feature: "tracing",
    feature_doc: "A tracing span per call and an event per retry.",
    dependency: "tracing",
    spec: r#"version = "0.1", default-features = false, features = ["std"]"#,
    on: include_str!("../../runtime/trace.rs"),
    off: include_str!("../../runtime/trace_off.rs"),
};

/// Requests sent through `reqwest-middleware`'s client.
pub const MIDDLEWARE: Optional = Optional {
    module: "middleware",
    off_file: "middleware_off",
    doc: "The HTTP client requests go through: reqwest's, or reqwest-middleware's with the `middleware` feature.",
    feature: "middleware",
    feature_doc: "Requests go through a reqwest-middleware client (ClientBuilder::middleware_client).",
    dependency: "reqwest-middleware",
    spec: r#"version = "0.5", default-features = false, features = ["multipart"]"#,
    on: include_str!("../../runtime/middleware.rs"),
    off: include_str!("../../runtime/middleware_off.rs"),
};

impl Optional {
    /// The runtime module(s): one, or two under opposite conditions.
    pub fn runtime_modules(self, switch: Switch) -> Vec<Module> {
        let module = |source: &str, cfg, file| Module {
            name: Identifier::plain(self.module),
            public: false,
            doc: vec![self.doc.into()],
            pieces: vec![Piece::Text(source.into())],
            children: Vec::new(),
            cfg,
            file,
        };
        match switch {
            Switch::Off => vec![module(self.off, None, None)],
            Switch::On => vec![module(self.on, None, None)],
            Switch::Feature => vec![
                module(self.on, Some(Cfg::Feature(self.feature.into())), None),
                module(
                    self.off,
                    Some(Cfg::NotFeature(self.feature.into())),
                    Some(self.off_file),
                ),
            ],
        }
    }

    /// The manifest's dependency line, if the crate has one.
    pub fn dependency(self, switch: Switch) -> Option<String> {
        let (name, spec) = (self.dependency, self.spec);
        match switch {
            Switch::Off => None,
            Switch::Feature => Some(format!("{name} = {{ {spec}, optional = true }}\n")),
            Switch::On => Some(format!("{name} = {{ {spec} }}\n")),
        }
    }

    /// The manifest's `[features]` entry, if the crate has one.
    pub fn feature_entry(self, switch: Switch) -> Option<String> {
        (switch == Switch::Feature).then(|| {
            format!(
                "# {}\n{} = [\"dep:{}\"]\n",
                self.feature_doc, self.feature, self.dependency
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_gets_both_implementations_under_opposite_conditions() {
        for (part, off_file) in [(TRACING, "trace_off"), (MIDDLEWARE, "middleware_off")] {
            let modules = part.runtime_modules(Switch::Feature);
            let conditions: Vec<_> = modules.iter().map(|m| (m.cfg.clone(), m.file)).collect();
            assert_eq!(
                conditions,
                [
                    (Some(Cfg::Feature(part.feature.into())), None),
                    (Some(Cfg::NotFeature(part.feature.into())), Some(off_file)),
                ]
            );
            assert!(part
                .dependency(Switch::Feature)
                .is_some_and(|d| d.contains("optional = true")));
            assert!(part
                .feature_entry(Switch::Feature)
                .is_some_and(|f| f.contains(&format!("dep:{}", part.dependency))));
        }
    }

    #[test]
    fn a_module_gets_one_implementation_and_no_feature() {
        for switch in [Switch::Off, Switch::On] {
            let modules = MIDDLEWARE.runtime_modules(switch);
            assert_eq!(modules.len(), 1);
            assert!(modules[0].cfg.is_none() && modules[0].file.is_none());
            assert!(MIDDLEWARE.feature_entry(switch).is_none());
        }
        assert!(TRACING.dependency(Switch::Off).is_none());
        assert_eq!(
            MIDDLEWARE.dependency(Switch::On).as_deref(),
            Some("reqwest-middleware = { version = \"0.5\", default-features = false, features = [\"multipart\"] }\n")
        );
    }
}
