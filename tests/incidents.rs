//! The public reports as scenarios (`scenarios/incidents/`, docs/incidents.md): each file
//! cites its source and loads, and one run of each shows the outcome docs/incidents.md's table
//! gives for it (the table's probabilities come from the sweeps it lists).

use serde_json::Value;

mod common;

fn run(file: &str, extra: &[&str]) -> Value {
    let mut args = vec!["run", file, "--json"];
    args.extend_from_slice(extra);
    let o = common::run(&args);
    assert!(
        matches!(common::code(&o), 0 | 1),
        "{file}: {}",
        common::stderr(&o)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

#[test]
fn every_incident_cites_its_source_and_loads() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/incidents");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.starts_with("# Source: "),
            "{} cites no source",
            p.display()
        );
        assert!(
            text.contains("issue") && text.contains(" #"),
            "{}",
            p.display()
        );
        let o = common::run(&["validate", p.to_str().unwrap()]);
        assert_eq!(
            common::code(&o),
            0,
            "{}: {}",
            p.display(),
            common::stderr(&o)
        );
        let doc = std::fs::read_to_string(dir.join("../../docs/incidents.md")).unwrap();
        let name = p.file_name().unwrap().to_str().unwrap();
        assert!(
            doc.contains(&format!("`{name}`")),
            "docs/incidents.md has no row for {name}"
        );
        n += 1;
    }
    assert_eq!(n, 4);
}

/// ADF and botocove: a script's inventory of every account gives up on a throttled ListParents
/// before anything is created ("Planning failed").
#[test]
fn the_inventories_fail_in_planning_on_list_parents() {
    for f in [
        "scenarios/incidents/adf-752.toml",
        "scenarios/incidents/adf-781-788.toml",
        "scenarios/incidents/botocove-12.toml",
    ] {
        let r = run(f, &[]);
        assert_eq!(
            r["timing"]["refresh"]["failures"], 1,
            "{f}: {:#}",
            r["timing"]
        );
        assert_eq!(r["resources"]["created"], 0, "{f}");
        let items = r["resources"]["items"].as_array().unwrap();
        assert!(
            items.iter().all(|i| i["detail"]
                .as_str()
                .is_some_and(|d| d.starts_with("Planning failed: ListParents"))),
            "{f}: {items:#?}"
        );
    }
}

/// AFT: through the account factory, 12 accounts at once and a chunk of 5 both finish, a few
/// throttled calls retried.
#[test]
fn the_account_factory_finishes_twelve_at_once() {
    for n in ["12", "5"] {
        let r = run("scenarios/incidents/aft-337.toml", &["--customers", n]);
        assert_eq!(r["resources"]["failed"], 0, "{n}: {:#}", r["resources"]);
        assert!(r["timing"]["refresh"].is_null());
    }
}
