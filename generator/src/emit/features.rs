//! One cargo feature per tag.
//!
//! A downstream crate that enables only `stages` compiles only the
//! operations tagged `stages` and the types they reach; `default` enables
//! every tag. Each type is compiled when any tag that reaches it is enabled,
//! so a type shared across tags works whatever subset is chosen. Types no
//! operation reaches, and types every tag reaches, are always compiled.

use proc_macro2::TokenStream;
use quote::quote;

use super::mock::MOCK_FEATURE;
use super::optional::{MIDDLEWARE, TRACING};
use super::Selection;
use crate::ir::analysis::reachable;
use crate::ir::{Api, TypeId};
use crate::naming::{Identifier, Names};

/// Which tags reach what.
#[derive(Debug, Clone)]
pub struct TagFeatures {
    /// Per tag (by index in `Names::tags`): its feature name.
    pub names: Vec<String>,
    /// Per tag: whether any selected operation has it.
    pub used: Vec<bool>,
    /// Per type: the tags whose operations reach it, in tag order.
    pub per_type: Vec<Vec<usize>>,
}

impl TagFeatures {
    /// Works out the features of the selected operations.
    pub fn new(api: &Api, names: &Names, selection: &Selection) -> Self {
        let tag_count = names.tags.len();
        let mut per_type = vec![Vec::new(); api.types.len()];
        let mut used = vec![false; tag_count];
        for (tag, used) in used.iter_mut().enumerate() {
            let operations: Vec<_> = api
                .operations
                .iter()
                .zip(&names.operations)
                .zip(&selection.operations)
                .filter(|((_, op_names), selected)| **selected && op_names.tag == tag)
                .map(|((operation, _), _)| operation)
                .collect();
            *used = !operations.is_empty();
            for (index, reached) in reachable(api, operations).into_iter().enumerate() {
                if reached {
                    per_type[index].push(tag);
                }
            }
        }
        Self {
            names: names.tags.iter().map(|t| feature_name(&t.module)).collect(),
            used,
            per_type,
        }
    }

    /// `#[cfg(...)]` for a type: any tag that reaches it.
    pub fn for_type(&self, id: TypeId) -> Option<TokenStream> {
        self.for_tags(&self.per_type[id.0])
    }

    /// `#[cfg(...)]` for code any of `tags` needs. Code no tag needs, and
    /// code every tag needs (`ValidationError`, `Pagination`), is always
    /// compiled: gating the latter would only list every feature.
    pub fn for_tags(&self, tags: &[usize]) -> Option<TokenStream> {
        let used = self.used.iter().filter(|u| **u).count();
        if tags.len() >= used {
            return None;
        }
        let features: Vec<&str> = tags.iter().map(|t| self.names[*t].as_str()).collect();
        match features.as_slice() {
            [] => None,
            [one] => Some(quote! { #[cfg(feature = #one)] }),
            many => Some(quote! { #[cfg(any(#(feature = #many),*))] }),
        }
    }

    /// The entries of the manifest's `[features]` table: `default`, which
    /// enables every tag, and one feature per tag.
    pub fn manifest_entries(&self) -> String {
        let enabled: Vec<&String> = self
            .names
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| **used)
            .map(|(name, _)| name)
            .collect();
        let quoted: Vec<String> = enabled.iter().map(|name| format!("{name:?}")).collect();
        let mut out = format!("default = [{}]\n", quoted.join(", "));
        for name in enabled {
            out.push_str(&format!("{name} = []\n"));
        }
        out
    }
}

/// The features a crate has besides its tags': a tag of one of these names
/// gets a suffix, or the manifest would declare the feature twice.
const OWN_FEATURES: [&str; 4] = ["default", TRACING.feature, MIDDLEWARE.feature, MOCK_FEATURE];

/// A tag module's feature name: its module name, without `r#`, and with
/// `-tag` after a name the crate's own features take.
pub fn feature_name(module: &Identifier) -> String {
    let name = module.name();
    if OWN_FEATURES.contains(&name) {
        format!("{name}-tag")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_named_like_one_of_the_crates_features_gets_a_suffix() {
        assert_eq!(feature_name(&Identifier::plain("stages")), "stages");
        for own in OWN_FEATURES {
            assert_eq!(feature_name(&Identifier::plain(own)), format!("{own}-tag"));
        }
    }
}
