use super::*;

/// The resolved `Value` of output `O` of `template`.
fn output(template: &str) -> Node {
    let root = super::super::node::parse(template).unwrap();
    let t = Template::new("t.yaml", &root, template.len());
    t.resolve(
        root.get("Outputs")
            .unwrap()
            .get("O")
            .unwrap()
            .get("Value")
            .unwrap(),
    )
}

fn unknown(template: &str) -> String {
    match output(template).v {
        V::Unknown(why) => why,
        other => panic!("expected an unknown value, got {other:?}"),
    }
}

#[test]
fn parameter_cycles_are_unknown_and_named() {
    let why = unknown(
        "Parameters:\n  Tag: {Type: String, Default: !Ref Tag}\nOutputs:\n  O: {Value: !Ref Tag}\n",
    );
    assert!(why.contains("parameter cycle Tag → Tag"), "{why}");
    let why = unknown(
        "Parameters:\n  A: {Default: !Ref B}\n  B: {Default: !Ref A}\nOutputs:\n  O: {Value: !Ref A}\n",
    );
    assert!(why.contains("parameter cycle A → B → A"), "{why}");
    let why = unknown(
        "Parameters:\n  Self: {Default: !Sub \"x-${Self}\"}\nOutputs:\n  O: {Value: !Sub \"${Self}\"}\n",
    );
    assert!(why.contains("parameter cycle Self → Self"), "{why}");
    // A parameter used twice side by side is no cycle.
    let n = output(
        "Parameters:\n  A: {Default: a}\n  B: {Default: !Join [\"-\", [!Ref A, !Ref A]]}\nOutputs:\n  O: {Value: !Ref B}\n",
    );
    assert_eq!(n.str(), Some("a-a"));
}

#[test]
fn mapping_cycles_are_unknown_and_named() {
    let why = unknown(
        "Mappings:\n  M:\n    k: {v: !FindInMap [M, k, v]}\nOutputs:\n  O: {Value: !FindInMap [M, k, v]}\n",
    );
    assert!(why.contains("mapping cycle M.k.v → M.k.v"), "{why}");
    let why = unknown(
        "Parameters:\n  P: {Default: !FindInMap [M, k, v]}\nMappings:\n  M:\n    k: {v: !Ref P}\nOutputs:\n  O: {Value: !Ref P}\n",
    );
    assert!(
        why.contains("cycle parameter P → mapping M.k.v → parameter P"),
        "{why}"
    );
}

#[test]
fn condition_cycles_are_unknown_and_named() {
    for conditions in [
        "C: !Condition C",
        "C: !Equals [!If [C, a, b], a]",
        "C: !And [!Condition D, !Equals [a, a]]\n  D: !Not [!Condition C]",
    ] {
        let why = unknown(&format!(
            "Conditions:\n  {conditions}\nOutputs:\n  O: {{Value: !If [C, x, y]}}\n"
        ));
        assert!(why.contains("condition cycle C →"), "{conditions}: {why}");
    }
}

/// A chain of parameters longer than the depth limit, each referring to the next: an
/// unknown value, not a stack overflow on a test thread's stack.
#[test]
fn long_reference_chains_stop_at_the_depth_limit() {
    let mut t = String::from("Parameters:\n");
    for i in 0..5_000 {
        t += &format!("  P{i}: {{Default: !Ref P{}}}\n", i + 1);
    }
    t += "  P5000: {Default: end}\nOutputs:\n  O: {Value: !Ref P0}\n";
    let why = unknown(&t);
    assert!(why.contains("MAX_RESOLVE_DEPTH"), "{why}");
    // Within the limit, a chain resolves.
    let mut t = String::from("Parameters:\n");
    for i in 0..100 {
        t += &format!("  P{i}: {{Default: !Ref P{}}}\n", i + 1);
    }
    t += "  P100: {Default: end}\nOutputs:\n  O: {Value: !Ref P0}\n";
    assert_eq!(output(&t).str(), Some("end"));
}

/// Intrinsic functions nested as deep as the tree allows (a tag adds a level to each
/// YAML one): an unknown value past the depth limit, not a stack overflow.
#[test]
fn deeply_nested_intrinsics_stop_at_the_depth_limit() {
    let n = super::super::node::MAX_NESTING - 4;
    let mut out = output(&format!(
        "Outputs:\n  O: {{Value: {}x{}}}\n",
        "!Base64 [".repeat(n),
        "]".repeat(n)
    ));
    // The lists down to the limit, then the unknown value.
    while let V::Seq(mut items) = out.v {
        out = items.remove(0);
    }
    match out.v {
        V::Unknown(why) => assert!(why.contains("MAX_RESOLVE_DEPTH"), "{why}"),
        other => panic!("{other:?}"),
    }
}

/// References that multiply at each level ("billion laughs" through `Ref`s) stop at the
/// evaluation budget, quickly.
#[test]
fn multiplying_references_stop_at_the_budget() {
    let mut t = String::from("Parameters:\n  P0: {Default: xxxxxxxxxxxxxxxx}\n");
    for i in 1..30 {
        let refs = vec![format!("!Ref P{}", i - 1); 10].join(", ");
        t += &format!("  P{i}: {{Default: !Join [\"\", [{refs}]]}}\n");
    }
    t += "Outputs:\n  O: {Value: !Ref P29}\n";
    let start = std::time::Instant::now();
    let why = unknown(&t);
    assert!(why.contains("RESOLVE_BUDGET_FACTOR"), "{why}");
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    let mut t = String::from("Conditions:\n  C0: !Equals [a, a]\n");
    for i in 1..40 {
        t += &format!("  C{i}: !And [!Condition C{0}, !Condition C{0}]\n", i - 1);
    }
    t += "Outputs:\n  O: {Value: !If [C39, x, y]}\n";
    let why = unknown(&t);
    assert!(why.contains("RESOLVE_BUDGET_FACTOR"), "{why}");
}
