//! The examples in docs/model.md are scenario fragments: each must load once given a name and a
//! customer. (docs/scenario.md's complete examples are checked by the loader's own tests.)

use std::path::Path;

#[test]
fn model_doc_examples_load() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/model.md"))
        .unwrap();
    let mut blocks = 0;
    let mut rest = doc.as_str();
    while let Some(start) = rest.find("```toml\n") {
        let body = &rest[start + 8..];
        let end = body.find("```").expect("closed block");
        let text = format!(
            "name = \"doc\"\n{}\n[[customers]]\nname = \"A\"\ntier = \"fintech\"\nemail = \"a@example.com\"\n",
            &body[..end]
        );
        let sc = orgsim::scenario::parse(&text, Path::new("docs/model.md"))
            .unwrap_or_else(|e| panic!("docs/model.md example {blocks}: {e}"));
        assert_eq!(sc.customers.len(), 1);
        blocks += 1;
        rest = &body[end + 3..];
    }
    assert!(blocks >= 1);
}

/// The latency profile example in docs/load.md is a profile orgsim accepts.
#[test]
fn load_doc_profile_example_is_accepted() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/load.md"))
        .unwrap();
    let start = doc.find("```json\n").expect("a json block") + 8;
    let end = start + doc[start..].find("```").unwrap();
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("doc-profile.json");
    std::fs::write(&path, &doc[start..end]).unwrap();
    let p = orgsim::config::LatencyProfile::read(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(p.operations.contains_key("CreateAccount"));
    assert!(p.account_creation.is_some());
}
