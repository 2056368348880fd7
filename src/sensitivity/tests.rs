use std::sync::atomic::AtomicBool;

use super::*;
use crate::engine::tests::scenario;
use crate::engine::Deployer;
use crate::sweep::Shard;

#[test]
fn every_default_range_is_one_the_default_scenario_accepts() {
    for d in [
        Deployer::TerraformAws,
        Deployer::AwsSdkStandard,
        Deployer::ControlTower,
    ] {
        let mut sc = scenario(3);
        sc.set_deployer(d).unwrap();
        let keys = design(&sc, &[]).unwrap_or_else(|e| panic!("{d:?}: {}", e.message));
        assert!(keys.iter().any(|k| k.key == "deploy.overhead_s"), "{d:?}");
        for k in &keys {
            let spec = key(&k.key).unwrap();
            assert!(spec.assumed_under.contains(&d));
            // Set and read back.
            let mut s = sc.clone();
            apply(&mut s, &k.key, k.high);
            assert_eq!((spec.get)(&s), k.high, "{}", k.key);
        }
    }
}

/// docs/sensitivity.md lists every key with its default range, and says how many are
/// varied by default under each deployer.
#[test]
fn the_docs_list_every_key_and_its_range() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/sensitivity.md"),
    )
    .unwrap();
    for k in KEYS {
        let range = match k.range {
            Some((lo, hi)) => format!("{} .. {}", fmt_value(lo), fmt_value(hi)),
            None => "— (name one: `--key KEY=LO..HI`)".into(),
        };
        let row = format!("| `{}` | {range} |", k.name);
        assert!(doc.contains(&row), "docs/sensitivity.md lacks {row}");
    }
    for (d, name) in [
        (Deployer::TerraformAws, "terraform-aws"),
        (Deployer::AwsSdkStandard, "aws-sdk-standard"),
        (Deployer::ControlTower, "control-tower"),
    ] {
        let n = KEYS
            .iter()
            .filter(|k| k.range.is_some() && k.assumed_under.contains(&d))
            .count();
        let said = format!("{n} under\n  `{name}`");
        let said2 = format!("{n} under `{name}`");
        assert!(
            doc.contains(&said) || doc.contains(&said2),
            "docs/sensitivity.md: {n} keys under {name}"
        );
    }
}

#[test]
fn point_shards_split_the_design_as_one_job_list() {
    for of in 1..=5u32 {
        let per_point = 7u64;
        let mut seen = vec![0; 3 * per_point as usize];
        for index in 1..=of {
            let shard = Shard { index, of };
            for p in 0..3usize {
                let s = point_shard(shard, p, per_point);
                for i in 0..per_point {
                    if s.runs(i) {
                        let j = p as u64 * per_point + i;
                        assert!(shard.runs(j));
                        seen[j as usize] += 1;
                    }
                }
            }
        }
        assert!(seen.iter().all(|&c| c == 1), "{of}");
    }
}

#[test]
fn a_key_that_moves_the_makespan_ranks_above_one_that_cannot() {
    let sc = scenario(4);
    let extra = vec![
        ("deploy.overhead_s".to_string(), Some((0.0, 600.0))),
        (
            "service.internal_error_probability".to_string(),
            Some((0.0, 0.0)),
        ),
    ];
    let mut keys = design(&sc, &extra).unwrap();
    keys.retain(|k| extra.iter().any(|(n, _)| *n == k.key));
    let rows = run(
        &sc,
        &keys,
        &[2, 4],
        6,
        Shard::WHOLE,
        2,
        &|| {},
        &AtomicBool::new(false),
    )
    .unwrap();
    let r = report(&Meta::of(&sc), &keys, &[2, 4], 6, &rows);
    assert_eq!(r.keys[0].design.key, "deploy.overhead_s");
    // 600 s of overhead moves every makespan by 600 s, less the base's own 60.
    assert!(
        (r.keys[0].swing[1].p95_makespan_s - 600.0).abs() < 2.0,
        "{:?}",
        r.keys[0].swing
    );
    assert_eq!(r.keys[1].swing[1].p95_makespan_s, 0.0);
    assert!(r.keys[1].values.is_empty(), "0..0 around 0: no other value");
    assert_eq!(r.base.len(), 2);
}

#[test]
fn sensitivity_shards_merge_into_the_unsharded_report() {
    let sc = scenario(3);
    let extra = vec![("deploy.overhead_s".to_string(), Some((0.0, 120.0)))];
    let keys = design(&sc, &extra).unwrap();
    let counts = [1, 3];
    let never = AtomicBool::new(false);
    let whole = run(&sc, &keys, &counts, 4, Shard::WHOLE, 2, &|| {}, &never).unwrap();
    let want = report(&Meta::of(&sc), &keys, &counts, 4, &whole);
    for of in [1, 2, 5, 13] {
        let files: Vec<SensitivityShard> = (1..=of)
            .map(|index| {
                let s = Shard { index, of };
                let rows = run(&sc, &keys, &counts, 4, s, 1, &|| {}, &never).unwrap();
                SensitivityShard::new(&sc, &keys, &counts, 4, s, &rows)
            })
            .collect();
        assert_eq!(merge(&files).unwrap(), want, "N = {of}");
    }
    let a = SensitivityShard::new(&sc, &keys, &counts, 4, Shard { index: 1, of: 2 }, &whole);
    let mut b = a.clone();
    b.shard.index = 2;
    b.design[0].high += 1.0;
    let e = merge(&[a, b]).unwrap_err();
    assert!(e.message.starts_with("design"), "{e:?}");
}

#[test]
fn a_variant_the_scenario_refuses_is_an_error_naming_it() {
    let sc = scenario(2);
    let e = design(
        &sc,
        &[("service.account_creation.p95_s".into(), Some((10.0, 20.0)))],
    )
    .unwrap_err();
    assert!(
        e.message.contains("service.account_creation.p95_s = 10"),
        "{}",
        e.message
    );
    assert!(parse_key_arg("deploy.nonsense").is_err());
    assert!(parse_key_arg("deploy.parallelism=9..3").is_err());
    assert!(parse_key_arg("service.account_creations_per_day").is_err());
    assert_eq!(
        parse_key_arg("deploy.parallelism=5..20").unwrap(),
        ("deploy.parallelism".into(), Some((5.0, 20.0)))
    );
}
