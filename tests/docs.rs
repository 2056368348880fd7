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
