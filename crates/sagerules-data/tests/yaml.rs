//! YAML loading: CloudFormation tags, anchors, keys, scalars, positions, errors.

// Test helpers outside #[test] functions unwrap too.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use common::pos_at;
use sagerules_data::{load, load_lenient, to_json, ErrorKind, Format, LoadError, Node, Pos};

fn yaml(text: &str) -> Node {
    load(text.as_bytes(), Format::Yaml).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn yaml_json(text: &str) -> String {
    to_json(&yaml(text))
}

fn yaml_err(text: &str) -> LoadError {
    load(text.as_bytes(), Format::Yaml).expect_err("should not load")
}

#[test]
fn ref_and_condition_have_no_fn_prefix() {
    assert_eq!(yaml_json("a: !Ref Bucket"), r#"{"a":{"Ref":"Bucket"}}"#);
    assert_eq!(
        yaml_json("a: !Condition IsProd"),
        r#"{"a":{"Condition":"IsProd"}}"#
    );
}

#[test]
fn every_fn_short_form_gets_the_fn_prefix() {
    let names = [
        "Sub",
        "If",
        "Join",
        "Select",
        "Split",
        "FindInMap",
        "Base64",
        "Cidr",
        "ImportValue",
        "GetAZs",
        "Equals",
        "And",
        "Or",
        "Not",
        "Transform",
        "Length",
        "ToJsonString",
    ];
    for name in names {
        let text = format!("a: !{name} [x, y]");
        let expected = format!(r#"{{"a":{{"Fn::{name}":["x","y"]}}}}"#);
        assert_eq!(yaml_json(&text), expected, "{name}");
    }
}

#[test]
fn get_att_text_is_split_at_the_first_dot() {
    assert_eq!(
        yaml_json("a: !GetAtt Bucket.Arn"),
        r#"{"a":{"Fn::GetAtt":["Bucket","Arn"]}}"#
    );
    assert_eq!(
        yaml_json("a: !GetAtt Db.Endpoint.Address"),
        r#"{"a":{"Fn::GetAtt":["Db","Endpoint.Address"]}}"#
    );
}

#[test]
fn get_att_list_form_and_dotless_text_are_kept() {
    assert_eq!(
        yaml_json("a: !GetAtt [B, Arn]"),
        r#"{"a":{"Fn::GetAtt":["B","Arn"]}}"#
    );
    assert_eq!(
        yaml_json("a: !GetAtt Bucket"),
        r#"{"a":{"Fn::GetAtt":"Bucket"}}"#
    );
}

#[test]
fn tags_apply_to_maps_and_block_lists() {
    let text = "a: !If\n  - IsProd\n  - !Ref A\n  - !Ref AWS::NoValue\nb: !Transform\n  Name: X\n";
    assert_eq!(
        yaml_json(text),
        r#"{"a":{"Fn::If":["IsProd",{"Ref":"A"},{"Ref":"AWS::NoValue"}]},"b":{"Fn::Transform":{"Name":"X"}}}"#
    );
}

#[test]
fn nested_short_forms_expand() {
    let text = "a: !Select [0, !GetAZs '']\nb: !Sub ['${X}', {X: !Ref Y}]";
    assert_eq!(
        yaml_json(text),
        r#"{"a":{"Fn::Select":[0,{"Fn::GetAZs":""}]},"b":{"Fn::Sub":["${X}",{"X":{"Ref":"Y"}}]}}"#
    );
}

#[test]
fn unknown_tags_become_a_key_instead_of_being_dropped() {
    assert_eq!(yaml_json("a: !Foo::Bar v"), r#"{"a":{"Foo::Bar":"v"}}"#);
    assert_eq!(yaml_json("a: !Custom [1]"), r#"{"a":{"Custom":[1]}}"#);
}

#[test]
fn tagged_scalars_stay_strings() {
    assert_eq!(
        yaml_json("a: !Ref 5\nb: !Sub true"),
        r#"{"a":{"Ref":"5"},"b":{"Fn::Sub":"true"}}"#
    );
}

#[test]
fn core_tags_are_applied() {
    let text = "a: !!str 5\nb: !!int '7'\nc: !!float 1\nd: !!bool 'true'\ne: !!null ''\nf: ! 12";
    assert_eq!(
        yaml_json(text),
        r#"{"a":"5","b":7,"c":1.0,"d":true,"e":null,"f":"12"}"#
    );
    assert_eq!(yaml_err("a: !!int abc").kind, ErrorKind::BadTag);
}

#[test]
fn core_schema_nulls_and_bools() {
    let text = "a: null\nb: ~\nc:\nd: Null\ne: true\nf: False\ng: TRUE\nh: yes\ni: off\nj: tRue";
    assert_eq!(
        yaml_json(text),
        r#"{"a":null,"b":null,"c":null,"d":null,"e":true,"f":false,"g":true,"h":"yes","i":"off","j":"tRue"}"#
    );
}

#[test]
fn core_schema_numbers() {
    let text = "a: 12\nb: -3\nc: +4\nd: 0x1F\ne: 0o17\nf: 1.5\ng: -.5e1\nh: 1e3\ni: .inf\nj: -.Inf\nk: 0777\nl: 1_000\nm: 0x\nn: 1.2.3";
    assert_eq!(
        yaml_json(text),
        r#"{"a":12,"b":-3,"c":4,"d":31,"e":15,"f":1.5,"g":-5.0,"h":1000.0,"i":null,"j":null,"k":777,"l":"1_000","m":"0x","n":"1.2.3"}"#
    );
    let doc = yaml("i: .inf\nj: -.Inf\nn: .NaN");
    let float = |p: &str| match doc.pointer_get(p).map(|n| &n.value) {
        Some(sagerules_data::Value::Float(f)) => *f,
        other => panic!("{other:?}"),
    };
    assert_eq!(float("/i"), f64::INFINITY);
    assert_eq!(float("/j"), f64::NEG_INFINITY);
    assert!(float("/n").is_nan());
}

#[test]
fn quoted_scalars_and_dates_stay_strings() {
    let text = "a: '12'\nb: \"true\"\nc: 2012-10-17\nd: 'null'\ne: |\n  x\n";
    assert_eq!(
        yaml_json(text),
        r#"{"a":"12","b":"true","c":"2012-10-17","d":"null","e":"x\n"}"#
    );
}

#[test]
fn huge_decimal_integers_become_floats() {
    assert_eq!(yaml_json("a: 99999999999999999999"), r#"{"a":1e20}"#);
}

#[test]
fn aliases_copy_the_anchored_node() {
    let text = "base: &b {x: 1, y: [2]}\ncopy: *b\nscalar: &s hi\nagain: *s";
    assert_eq!(
        yaml_json(text),
        r#"{"base":{"x":1,"y":[2]},"copy":{"x":1,"y":[2]},"scalar":"hi","again":"hi"}"#
    );
}

#[test]
fn alias_root_takes_the_alias_position_and_children_keep_theirs() {
    let doc = yaml("base: &b\n  x: 1\ncopy: *b\n");
    assert_eq!(pos_at(&doc, "/copy"), (3, 7));
    assert_eq!(pos_at(&doc, "/copy/x"), (2, 6));
}

#[test]
fn merge_keys_fill_in_what_the_map_does_not_set() {
    let text = "d: &d {a: 1, b: 2}\ne: &e {b: 3, c: 4}\nm:\n  b: 9\n  <<: [*d, *e]\n  z: 0\n";
    assert_eq!(
        yaml_json(text),
        r#"{"d":{"a":1,"b":2},"e":{"b":3,"c":4},"m":{"b":9,"a":1,"c":4,"z":0}}"#
    );
    assert_eq!(
        yaml_json("d: &d {a: 1}\nm: {<<: *d, a: 2}"),
        r#"{"d":{"a":1},"m":{"a":2}}"#
    );
}

#[test]
fn quoted_merge_key_is_an_ordinary_key() {
    assert_eq!(yaml_json("'<<': 1"), r#"{"<<":1}"#);
}

#[test]
fn merge_of_a_scalar_is_an_error() {
    let error = yaml_err("m:\n  <<: 3\n");
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::BadAlias, 2, 7)
    );
}

#[test]
fn undefined_and_recursive_aliases_are_errors() {
    assert_eq!(yaml_err("a: *nope").kind, ErrorKind::BadAlias);
    let error = yaml_err("a: &x [1, *x]");
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::BadAlias, 1, 11)
    );
}

#[test]
fn billion_laughs_hits_the_alias_budget() {
    let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        text.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
    }
    let error = yaml_err(&text);
    assert_eq!(error.kind, ErrorKind::AliasBudget);
    assert!(error.message.contains("1000000"), "{error}");
}

#[test]
fn duplicate_key_is_reported_at_the_second_key() {
    let error = yaml_err("Resources:\n  A:\n    Type: X\n    Type: Y\n");
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::DuplicateKey, 4, 5)
    );
    assert_eq!(
        error.message,
        r#"duplicate key "Type" (first value at 3:11)"#
    );
}

#[test]
fn lenient_loading_keeps_the_later_duplicate_and_warns() {
    let loaded = load_lenient("t.yaml", b"a: 1\nb: 2\na: 3\n").unwrap();
    assert_eq!(to_json(&loaded.node), r#"{"a":3,"b":2}"#);
    assert_eq!(loaded.warnings.len(), 1);
    assert_eq!(loaded.warnings[0].pos(), Pos::new(3, 1));
}

/// A map keeps its first entries in a list and moves them into an index past eight
/// (yaml/builder.rs `Entries`): order, repeated keys (first place, later value, a warning at
/// the later key naming the first value) and merges must not notice the move.
#[test]
fn maps_past_eight_entries_keep_order_duplicates_and_merges() {
    let keys = ["k", "j", "i", "h", "g", "f", "e", "d", "c", "b", "a"];
    let mut text = String::new();
    for (n, key) in keys.iter().enumerate() {
        text.push_str(&format!("{key}: {n}\n"));
        if n == 2 {
            text.push_str("k: before\n"); // repeated while the map is a list
        }
    }
    text.push_str("j: after\n"); // repeated once it is an index
    let loaded = load_lenient("t.yaml", text.as_bytes()).unwrap();
    assert_eq!(
        to_json(&loaded.node),
        r#"{"k":"before","j":"after","i":2,"h":3,"g":4,"f":5,"e":6,"d":7,"c":8,"b":9,"a":10}"#
    );
    let warned: Vec<(Pos, &str)> = loaded
        .warnings
        .iter()
        .map(|w| (w.pos(), w.message.as_str()))
        .collect();
    assert_eq!(
        warned,
        [
            (Pos::new(4, 1), r#"duplicate key "k" (first value at 1:4)"#),
            (Pos::new(13, 1), r#"duplicate key "j" (first value at 2:4)"#),
        ]
    );
    let merged = "d: &d {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9}\n\
                  m: {z: 0, y: 1, <<: *d, b: 20, x: 2, w: 3, v: 4, u: 5, t: 6, s: 7}\n";
    assert_eq!(
        yaml_json(merged),
        r#"{"d":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9},"m":{"z":0,"y":1,"a":1,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"b":20,"x":2,"w":3,"v":4,"u":5,"t":6,"s":7}}"#
    );
}

#[test]
fn non_string_scalar_keys_become_their_text() {
    let text = "200: ok\ntrue: t\n1.5: f\n~: n\n'x': q\n";
    assert_eq!(
        yaml_json(text),
        r#"{"200":"ok","true":"t","1.5":"f","~":"n","x":"q"}"#
    );
}

#[test]
fn alias_as_key_uses_the_anchored_text() {
    assert_eq!(yaml_json("a: &k 200\n*k : ok\n"), r#"{"a":200,"200":"ok"}"#);
}

#[test]
fn complex_keys_are_errors() {
    let error = yaml_err("? [a, b]\n: 1\n");
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::ComplexKey, 1, 3)
    );
    assert_eq!(yaml_err("{a: 1}: x").kind, ErrorKind::ComplexKey);
}

#[test]
fn a_second_document_is_an_error_at_its_start() {
    let error = yaml_err("a: 1\n---\nb: 2\n");
    assert_eq!(
        (error.kind, error.line, error.col),
        (ErrorKind::MultipleDocuments, 2, 1)
    );
}

#[test]
fn one_explicit_document_loads() {
    assert_eq!(yaml_json("---\na: 1\n...\n"), r#"{"a":1}"#);
}

#[test]
fn empty_input_is_an_error() {
    for text in ["", "   \n", "# only a comment\n"] {
        assert_eq!(yaml_err(text).kind, ErrorKind::Empty, "{text:?}");
    }
}

#[test]
fn positions_in_nested_maps_and_lists() {
    let text = "\
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      Tags:
        - Key: a
          Value: 'b'
        - {Key: c, Value: d}
      Kms: !Ref Key
      Role: !GetAtt Role.Arn
      List: [1, [2, 3]]
";
    let doc = yaml(text);
    assert_eq!(pos_at(&doc, ""), (1, 1));
    assert_eq!(pos_at(&doc, "/Resources"), (2, 3));
    assert_eq!(pos_at(&doc, "/Resources/Nb/Type"), (3, 11));
    assert_eq!(pos_at(&doc, "/Resources/Nb/Properties/Tags"), (6, 9));
    assert_eq!(pos_at(&doc, "/Resources/Nb/Properties/Tags/0"), (6, 11));
    assert_eq!(
        pos_at(&doc, "/Resources/Nb/Properties/Tags/0/Value"),
        (7, 18)
    );
    assert_eq!(pos_at(&doc, "/Resources/Nb/Properties/Tags/1"), (8, 11));
    assert_eq!(
        pos_at(&doc, "/Resources/Nb/Properties/Tags/1/Value"),
        (8, 27)
    );
    assert_eq!(pos_at(&doc, "/Resources/Nb/Properties/Kms"), (9, 12));
    assert_eq!(pos_at(&doc, "/Resources/Nb/Properties/Kms/Ref"), (9, 17));
    assert_eq!(pos_at(&doc, "/Resources/Nb/Properties/Role"), (10, 13));
    assert_eq!(
        pos_at(&doc, "/Resources/Nb/Properties/Role/Fn::GetAtt/0"),
        (10, 21)
    );
    assert_eq!(
        pos_at(&doc, "/Resources/Nb/Properties/Role/Fn::GetAtt/1"),
        (10, 26)
    );
    assert_eq!(pos_at(&doc, "/Resources/Nb/Properties/List/1/0"), (11, 18));
}

#[test]
fn columns_count_characters_not_bytes() {
    let doc = yaml("é: ü\nb: [ä, x]\n");
    assert_eq!(pos_at(&doc, "/é"), (1, 4));
    assert_eq!(pos_at(&doc, "/b/1"), (2, 8));
}

#[test]
fn yaml_syntax_errors_have_positions() {
    let error = yaml_err("a: [1, 2\nb: 3\n");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert!(error.line >= 1 && error.col >= 1, "{error}");
}

#[test]
fn block_scalar_at_end_of_file_without_line_break_loads() {
    // libyaml-safer 0.3, the reader before ours, panicked on this unless given a final line
    // break; the value keeps no break the text did not have (clip chomping: "x\ny", as libyaml, PyYAML
    // and CloudFormation read it). With the break, it is kept.
    assert_eq!(yaml_json("a: |\n  x\n  y"), r#"{"a":"x\ny"}"#);
    assert_eq!(yaml_json("a: |\n  x\n  y\n"), r#"{"a":"x\ny\n"}"#);
    assert_eq!(yaml_json("a: |+\n  x"), r#"{"a":"x"}"#);
    assert_eq!(yaml_json("a: |\n  x\nb: 1"), r#"{"a":"x\n","b":1}"#);
}

#[test]
fn tag_followed_by_comma_in_flow_is_an_error_not_a_panic() {
    let error = yaml_err("a: [!Foo, b]\n");
    assert_eq!(error.kind, ErrorKind::Syntax);
}

#[test]
fn lenient_libyaml_forms_seen_in_real_templates_load() {
    // A flow map closed at its parent's indentation, and `'...'#` without a space.
    let text = "A:\n  C: {\n    \"k\": 1\n  }\nB: 'x'#\n";
    assert_eq!(yaml_json(text), r#"{"A":{"C":{"k":1}},"B":"x"}"#);
}

#[test]
fn load_for_path_keeps_the_later_duplicate_like_cfn_guard() {
    let doc = sagerules_data::load_for_path("t.yaml", b"a: 1\na: 2\n").unwrap();
    assert_eq!(to_json(&doc), r#"{"a":2}"#);
}

#[test]
fn unknown_short_tags_are_kept_and_reported_with_line_col_and_the_closest_short_form() {
    let text =
        "Resources:\n  Nb:\n    KmsKeyId: !Reff KeyParam\n    Other: !Foo [1]\n    Ok: !Ref X\n";
    let loaded = load_lenient("t.yaml", text.as_bytes()).unwrap();
    let tags: Vec<(u32, u32, &str)> = loaded
        .warnings
        .iter()
        .filter(|w| w.kind == ErrorKind::UnknownTag)
        .map(|w| (w.line, w.col, w.message.as_str()))
        .collect();
    assert_eq!(
        tags,
        [
            (3, 15, "unknown tag !Reff (did you mean !Ref?)"),
            (
                4,
                12,
                "unknown tag !Foo (CloudFormation's short forms are !Ref, !GetAtt, !Sub, !If, !Join, ...)"
            ),
        ]
    );
    assert_eq!(
        to_json(&loaded.node),
        r#"{"Resources":{"Nb":{"KmsKeyId":{"Reff":"KeyParam"},"Other":{"Foo":[1]},"Ok":{"Ref":"X"}}}}"#
    );
}

#[test]
fn core_tags_and_the_non_specific_tag_are_not_unknown() {
    let text = "a: !!str 1\nb: ! x\nc: !!int 2\nd: !GetAtt A.B\n";
    let loaded = load_lenient("t.yaml", text.as_bytes()).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}
