//! Bad input gets a clear error naming where it is: never a panic, never
//! silently wrong code. Constructs the generator cannot express are left out
//! with a warning, or fail the run under `strict`.

use authentik_codegen::{Error, ErrorKind, Generated, Generator, Source};

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

fn generate(body: &str) -> Result<Generated, Error> {
    Generator::from_source(Source::new("bad.yml", format!("{HEAD}{body}"))).generate()
}

fn expect_error(body: &str) -> Error {
    match generate(body) {
        Ok(_) => panic!("expected an error for:\n{body}"),
        Err(error) => error,
    }
}

fn pointer(error: &Error) -> &str {
    &error
        .location
        .as_ref()
        .expect("the error names a place")
        .pointer
}

#[test]
fn invalid_yaml_names_line_and_column() {
    let error = Generator::from_source(Source::new("bad.yml", "openapi: 3.0.3\ninfo: {title: [\n"))
        .generate()
        .expect_err("invalid YAML");
    assert_eq!(error.kind, ErrorKind::Syntax);
    let location = error.location.as_ref().expect("located");
    assert_eq!(location.file, "bad.yml");
    assert!(location.line_column.is_some());
    assert!(error.to_string().starts_with("bad.yml:"), "{error}");
}

#[test]
fn a_document_of_the_wrong_shape_is_a_located_syntax_error() {
    let error = expect_error("paths:\n  /a/:\n    get:\n      responses: [1, 2]\n");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert_eq!(pointer(&error), "/paths/~1a~1/get/responses");
    let error = Generator::from_source(Source::new("list.json", "[1, 2]"))
        .generate()
        .expect_err("a list is no document");
    assert!(
        matches!(error.kind, ErrorKind::Syntax | ErrorKind::Version),
        "{error}"
    );
}

#[test]
fn a_dangling_ref_names_the_ref() {
    let error = expect_error(concat!(
        "paths: {}\ncomponents:\n  schemas:\n",
        "    Invitation:\n      type: object\n      properties:\n",
        "        flow: {$ref: '#/components/schemas/Flw'}\n",
    ));
    assert_eq!(error.kind, ErrorKind::UnresolvedRef);
    assert_eq!(
        pointer(&error),
        "/components/schemas/Invitation/properties/flow/$ref"
    );
    assert!(
        error.message.contains("#/components/schemas/Flw"),
        "{error}"
    );
    let location = error.location.as_ref().expect("located");
    assert_eq!(location.line_column, Some((9, 9)), "{error}");
}

#[test]
fn a_ref_into_a_schema_that_points_at_nothing_names_the_missing_step() {
    let error = expect_error(concat!(
        "paths: {}\ncomponents:\n  schemas:\n",
        "    Tag:\n      allOf:\n        - type: object\n",
        "    Label:\n      type: object\n      properties:\n",
        "        tag:\n          $ref: '#/components/schemas/Tag/allOf/1'\n",
    ));
    assert_eq!(error.kind, ErrorKind::UnresolvedRef);
    assert_eq!(
        pointer(&error),
        "/components/schemas/Label/properties/tag/$ref"
    );
    assert!(
        error
            .message
            .contains("`#/components/schemas/Tag` has no `allOf`"),
        "{error}"
    );
    assert_eq!(
        error.location.as_ref().and_then(|l| l.line_column),
        Some((13, 11)),
        "{error}"
    );
}

#[test]
fn a_schema_that_refers_to_its_own_inside_is_a_cycle_not_a_hang() {
    let error = expect_error(concat!(
        "paths: {}\ncomponents:\n  schemas:\n",
        "    Tree:\n      type: object\n      properties:\n",
        "        children: {type: array, items: {$ref: '#/components/schemas/Tree/properties/children'}}\n",
    ));
    assert_eq!(error.kind, ErrorKind::RefCycle, "{error}");
    assert!(error.message.contains("needs a name of its own"), "{error}");
}

#[test]
fn refs_outside_the_document_are_refused() {
    let error = expect_error(concat!(
        "paths: {}\ncomponents:\n  schemas:\n",
        "    A: {type: array, items: {$ref: 'other.yml#/components/schemas/B'}}\n",
    ));
    assert_eq!(error.kind, ErrorKind::UnresolvedRef);
    assert_eq!(pointer(&error), "/components/schemas/A/items/$ref");
    assert!(error.message.contains("outside the document"), "{error}");
}

#[test]
fn a_discriminator_mapping_to_nothing_is_an_error() {
    let error = expect_error(concat!(
        "paths: {}\ncomponents:\n  schemas:\n",
        "    U:\n      oneOf: [{$ref: '#/components/schemas/A'}]\n",
        "      discriminator: {propertyName: kind, mapping: {a: '#/components/schemas/Nope'}}\n",
        "    A: {type: object, properties: {kind: {type: string}}}\n",
    ));
    assert_eq!(error.kind, ErrorKind::UnresolvedRef);
    assert_eq!(
        pointer(&error),
        "/components/schemas/U/discriminator/mapping/a"
    );
}

#[test]
fn references_that_only_loop_are_a_cycle() {
    let error = expect_error(concat!(
        "paths: {}\ncomponents:\n  schemas:\n",
        "    A: {$ref: '#/components/schemas/B'}\n",
        "    B:\n      allOf: [{$ref: '#/components/schemas/A'}]\n",
    ));
    assert_eq!(error.kind, ErrorKind::RefCycle);
    assert!(error.message.contains("A -> B -> A"), "{error}");
    let error = expect_error(concat!(
        "paths:\n  /a/:\n    get:\n      parameters: [{$ref: '#/components/parameters/X'}]\n",
        "      responses: {'200': {description: ok}}\n",
        "components:\n  parameters:\n",
        "    X: {$ref: '#/components/parameters/Y'}\n",
        "    Y: {$ref: '#/components/parameters/X'}\n",
    ));
    assert_eq!(error.kind, ErrorKind::RefCycle);
    assert_eq!(pointer(&error), "/paths/~1a~1/get/parameters/0");
}

#[test]
fn a_cycle_through_required_fields_cannot_be_satisfied() {
    let error = expect_error(concat!(
        "paths: {}\ncomponents:\n  schemas:\n",
        "    A:\n      type: object\n      properties: {b: {$ref: '#/components/schemas/B'}}\n      required: [b]\n",
        "    B:\n      type: object\n      properties: {a: {$ref: '#/components/schemas/A'}}\n      required: [a]\n",
    ));
    assert_eq!(error.kind, ErrorKind::Uninhabitable);
    assert_eq!(pointer(&error), "/components/schemas/A");
    assert!(error.message.contains("A, B"), "{error}");
}

#[test]
fn the_same_cycle_through_an_optional_field_is_fine() {
    let generated = generate(concat!(
        "paths: {}\ncomponents:\n  schemas:\n",
        "    A:\n      type: object\n      properties: {b: {$ref: '#/components/schemas/B'}}\n",
        "    B:\n      type: object\n      properties: {a: {$ref: '#/components/schemas/A'}}\n      required: [a]\n",
    ))
    .expect("optional breaks the cycle");
    let types = &generated
        .files
        .iter()
        .find(|f| f.path.ends_with("types.rs"))
        .expect("types")
        .contents;
    let boxed_fields = types
        .lines()
        .filter(|line| line.trim_start().starts_with("pub ") && line.contains("Box<"))
        .count();
    assert_eq!(boxed_fields, 1, "{types}");
}

#[test]
fn unsupported_schemas_are_kept_as_json_with_a_warning_or_fail_under_strict() {
    let body = concat!(
        "paths: {}\ncomponents:\n  schemas:\n",
        "    Odd:\n      type: object\n      properties:\n        x:\n          not: {type: string}\n",
    );
    let generated = generate(body).expect("a warning, not an error");
    assert_eq!(generated.diagnostics.len(), 1);
    let warning = &generated.diagnostics[0];
    assert_eq!(warning.kind, ErrorKind::Unsupported);
    assert_eq!(
        warning.location.pointer,
        "/components/schemas/Odd/properties/x"
    );
    let types = &generated
        .files
        .iter()
        .find(|f| f.path.ends_with("types.rs"))
        .expect("types")
        .contents;
    assert!(
        types.contains("pub x: Option<::serde_json::Value>"),
        "{types}"
    );
    assert!(
        types.contains("which the generator cannot express"),
        "documented on the field"
    );

    let strict = Generator::from_source(Source::new("bad.yml", format!("{HEAD}{body}")))
        .strict(true)
        .generate()
        .expect_err("strict");
    assert_eq!(strict.kind, ErrorKind::Unsupported);
    assert_eq!(pointer(&strict), "/components/schemas/Odd/properties/x");
}

#[test]
fn inexpressible_operations_are_left_out_and_counted() {
    let body = concat!(
        "paths:\n",
        "  /a/:\n    get:\n      operationId: a_list\n",
        "      parameters: [{name: filter, in: query, style: deepObject, schema: {type: object}}]\n",
        "      responses: {'200': {description: ok}}\n",
        "  /b/{id}/:\n    get:\n      operationId: b_get\n",
        "      responses: {'200': {description: ok}}\n",
        "  /c/:\n    get:\n      operationId: c_get\n",
        "      responses: {'200': {description: ok}}\n",
    );
    let generated = generate(body).expect("left out, not failed");
    assert_eq!(generated.stats.operations, 1);
    assert_eq!(generated.stats.left_out, 2);
    let ids: Vec<&str> = generated.left_out.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["a_list", "b_get"]);
    assert!(generated.left_out[0].reason.contains("deepObject"));
    assert!(generated.left_out[1].reason.contains("`{id}`"));
    assert_eq!(generated.diagnostics.len(), 2);
    assert_eq!(
        generated.diagnostics[0].location.pointer,
        "/paths/~1a~1/get/parameters/0"
    );
}

#[test]
fn colliding_schema_names_are_renamed_and_reported() {
    let body = concat!(
        "paths: {}\ncomponents:\n  schemas:\n",
        "    foo_bar: {type: string}\n",
        "    FooBar: {type: integer}\n",
    );
    let generated = generate(body).expect("renamed");
    assert_eq!(generated.diagnostics.len(), 1);
    let warning = &generated.diagnostics[0];
    assert_eq!(warning.kind, ErrorKind::NameCollision);
    assert_eq!(warning.location.pointer, "/components/schemas/FooBar");
    assert!(warning.message.contains("`FooBar2`"), "{warning}");
    let strict = Generator::from_source(Source::new("bad.yml", format!("{HEAD}{body}")))
        .strict(true)
        .generate()
        .expect_err("strict");
    assert_eq!(strict.kind, ErrorKind::NameCollision);
}

#[test]
fn other_openapi_versions_are_named() {
    for (text, found) in [
        (
            "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "Swagger 2.0",
        ),
        (
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
            "OpenAPI 3.1.0",
        ),
    ] {
        let error = Generator::from_source(Source::new("v.yml", text))
            .generate()
            .expect_err("version");
        assert_eq!(error.kind, ErrorKind::Version);
        assert!(error.message.contains(found), "{error}");
    }
}

#[test]
fn unreadable_files_are_io_errors_and_binary_is_not_utf8() {
    let error = Generator::new("/nonexistent/authentik.yml")
        .generate()
        .expect_err("missing");
    assert_eq!(error.kind, ErrorKind::Io);
    assert!(
        error.to_string().contains("/nonexistent/authentik.yml"),
        "{error}"
    );

    let path = std::env::temp_dir().join(format!(
        "authentik-codegen-binary-{}.yml",
        std::process::id()
    ));
    std::fs::write(&path, [0x6f, 0x70, 0xff, 0xfe, 0x00]).expect("write");
    let error = Generator::new(&path).generate().expect_err("binary");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert!(error.message.contains("not UTF-8"), "{error}");
    std::fs::remove_file(path).expect("cleanup");
}

#[test]
fn asking_for_an_unknown_operation_is_an_error() {
    let error = Generator::from_source(Source::new("s.yml", format!("{HEAD}paths: {{}}\n")))
        .only_operations(["nope"])
        .generate()
        .expect_err("unknown operation");
    assert_eq!(error.kind, ErrorKind::Invalid);
    assert!(error.message.contains("`nope`"));
}

/// A wrong value deep inside (`required: optional`) is named where it is:
/// its own line and column, its keyword's pointer, and what is wrong with
/// it, not the enclosing path item and serde's "did not match any variant".
#[test]
fn a_wrong_type_deep_inside_is_located_at_the_node() {
    let error = expect_error(concat!(
        "paths:\n",
        "  /a/:\n",
        "    get:\n",
        "      operationId: a_list\n",
        "      responses:\n",
        "        '200':\n",
        "          description: ok\n",
        "          content:\n",
        "            application/json:\n",
        "              schema:\n",
        "                type: object\n",
        "                required: optional\n",
    ));
    assert_eq!(error.kind, ErrorKind::Syntax);
    let location = error.location.as_ref().expect("located");
    assert_eq!(
        location.pointer,
        "/paths/~1a~1/get/responses/200/content/application~1json/schema/required"
    );
    // The document starts with two lines of HEAD.
    assert_eq!(location.line_column, Some((14, 17)));
    assert_eq!(
        error.message,
        "invalid type: string \"optional\", expected a sequence"
    );
}

/// Properties beside a union are a struct only where the two can share one
/// object: each case that cannot is a warning naming why, at the node.
#[test]
fn properties_beside_a_union_that_cannot_share_an_object_are_named() {
    let cases = [
        (
            "      oneOf: [{type: string}, {type: object, properties: {b: {type: string}}}]\n",
            "/components/schemas/Odd/oneOf/0",
            "a `oneOf` alternative that is not an object",
        ),
        (
            "      anyOf: [{type: object, properties: {a: {type: string}}}, {type: object, properties: {b: {type: string}}}]\n",
            "/components/schemas/Odd",
            "property `a`, declared beside a `anyOf` and by only some of its alternatives",
        ),
    ];
    for (union, at, reason) in cases {
        let body = format!(
            "paths: {{}}\ncomponents:\n  schemas:\n    Odd:\n      properties: {{a: {{type: integer}}}}\n{union}"
        );
        let generated = generate(&body).expect("a warning, not an error");
        let warnings: Vec<String> = generated
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(generated.diagnostics.len(), 1, "{warnings:#?}");
        assert_eq!(generated.diagnostics[0].location.pointer, at);
        assert!(warnings[0].contains(reason), "{warnings:#?}");
    }
}
