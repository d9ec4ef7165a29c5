//! `generated-client/` must be exactly what `authentik-codegen generate` writes
//! for `schema/authentik.yml`; regenerate it when this fails.

use authentik_codegen::Generator;

#[test]
fn generated_client_is_fresh() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (_, report) = Generator::new(root.join("schema/authentik.yml"))
        .check(&root.join("generated-client"))
        .expect("the embedded schema generates");
    assert!(
        report.is_fresh(),
        "generated-client/ is stale:\n{}\nRegenerate it with:\n    cargo run -p authentik-codegen -- generate --schema schema/authentik.yml --out generated-client\n",
        report.summary()
    );
}

#[test]
fn root_manifest_has_what_generated_code_needs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).expect("Cargo.toml");
    let dependencies = manifest
        .split("\n[dependencies]\n")
        .nth(1)
        .and_then(|rest| rest.split("\n[").next())
        .expect("the root package has [dependencies]");
    for dependency in authentik_codegen::DEPENDENCIES {
        let line = format!("{} = {}", dependency.name, dependency.spec);
        assert!(
            dependencies.lines().any(|l| l == line),
            "the root package builds the generated client, so its [dependencies] need `{line}`"
        );
    }
}

/// The README's map of `generator/src` names every module there, and
/// nothing that is gone.
#[test]
fn the_readme_layout_matches_the_generator_tree() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let map = readme
        .split("```text\ngenerator/src/\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has the generator/src map");
    let mut entries: Vec<String> = std::fs::read_dir(root.join("generator/src"))
        .expect("generator/src")
        .map(|entry| {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            if entry.path().is_dir() {
                format!("{name}/")
            } else {
                name
            }
        })
        .collect();
    entries.sort();
    for entry in &entries {
        assert!(
            map.contains(entry.as_str()),
            "the README's map lacks `{entry}`"
        );
    }
    for word in map.split_whitespace() {
        let named = word.trim_end_matches(',');
        if named.ends_with(".rs")
            && !named.contains('/')
            && map.lines().any(|l| l.starts_with(&format!("  {named}")))
        {
            assert!(
                entries.iter().any(|e| e == named),
                "the README's map names `{named}`, which is gone"
            );
        }
    }
}
