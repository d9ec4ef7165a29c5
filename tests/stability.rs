//! Regenerating after a one-field change to the schema changes only the
//! lines that field touches: no reordering, no churn in other files, so the
//! diff of `generated-client/` is what a reviewer needs to read.

use std::collections::BTreeMap;

use authentik_codegen::{Generator, Source};
use test_support::golden::changed_lines;

fn embedded() -> String {
    std::fs::read_to_string(test_support::workspace().join("schema/authentik.yml")).expect("schema")
}

fn generate(text: &str) -> BTreeMap<String, String> {
    Generator::from_source(Source::new("authentik.yml", text))
        .generate()
        .expect("generates")
        .files
        .into_iter()
        .map(|file| (file.path.to_string_lossy().into_owned(), file.contents))
        .collect()
}

/// Per file: (lines removed, lines added).
fn churn(old: &str, new: &str) -> BTreeMap<String, (usize, usize)> {
    let (before, after) = (generate(old), generate(new));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the same files"
    );
    before
        .iter()
        .map(|(path, contents)| (path.clone(), changed_lines(contents, &after[path])))
        .filter(|(_, counts)| *counts != (0, 0))
        .collect()
}

#[test]
fn a_changed_constraint_changes_one_doc_line() {
    let old = embedded();
    // The first `maxLength: 50` is Invitation.name.
    let new = old.replacen("maxLength: 50", "maxLength: 60", 1);
    assert_ne!(old, new);
    let churn = churn(&old, &new);
    assert_eq!(churn.len(), 1, "{churn:?}");
    assert_eq!(churn["src/types.rs"], (1, 1), "{churn:?}");
}

#[test]
fn a_new_optional_property_adds_its_field_and_nothing_else() {
    let old = embedded();
    let anchor = "        uid:\n          type: string\n          readOnly: true\n";
    assert!(old.contains(anchor));
    let new = old.replacen(
        anchor,
        &format!("{anchor}        avatar:\n          type: string\n          description: The avatar's URL.\n"),
        1,
    );
    let churn = churn(&old, &new);
    assert_eq!(churn.len(), 1, "{churn:?}");
    let (removed, added) = churn["src/types.rs"];
    assert_eq!(removed, 0, "nothing else moves");
    assert!(
        (6..=9).contains(&added),
        "the field, its doc and its serde attribute, and its key, slot, match arm and \
         value in the struct's `Deserialize`: {added} lines"
    );
}
