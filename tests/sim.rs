//! The engine against the real model: the invariants, over seeds and parallelism settings.

use std::collections::BTreeMap;
use std::path::Path;

use orgsim::engine::trace::Outcome;
use orgsim::org::types::Operation;
use orgsim::plan::ResourceKind;
use orgsim::{scenario, sim};

fn hundred() -> scenario::Scenario {
    scenario::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hundred-customers.toml"))
        .expect("loads")
}

#[test]
fn invariants_hold_over_seeds_and_parallelism() {
    let base = hundred();
    for parallelism in [1u32, 5, 10, 25] {
        for seed in [1u64, 2] {
            let mut sc = base.clone();
            sc.deploy.parallelism = parallelism;
            let out = sim::run(&sc, seed);
            let t = &out.trace;
            // Never more resources in flight than allowed.
            assert!(t.max_resources_in_flight <= parallelism as usize);
            // Every resource terminal.
            assert!(t
                .resources
                .iter()
                .all(|r| r.outcome.is_terminal() && r.end_ms.is_some()));
            // Nothing created twice: at most one accepted CreateAccount per account resource,
            // and no email twice in the organization.
            let mut accepted: BTreeMap<usize, usize> = BTreeMap::new();
            for c in &t.calls {
                if c.op == Operation::CreateAccount && c.error.is_none() && c.end_ms.is_some() {
                    *accepted.entry(c.resource.unwrap()).or_default() += 1;
                }
            }
            assert!(accepted.values().all(|&n| n == 1), "{accepted:?}");
            let mut emails: Vec<String> = out
                .snapshot
                .accounts
                .iter()
                .map(|a| a.email.to_lowercase())
                .collect();
            let n = emails.len();
            emails.sort();
            emails.dedup();
            assert_eq!(emails.len(), n);
            // Every created account resource is in the organization, in its OU.
            for (r, rec) in out.plan.resources.iter().zip(&t.resources) {
                if r.kind == ResourceKind::Account {
                    if let Outcome::Created { id } = &rec.outcome {
                        let a = out
                            .snapshot
                            .accounts
                            .iter()
                            .find(|a| &a.id == id)
                            .expect("exists");
                        assert!(
                            a.parent_id.starts_with("ou-"),
                            "{} left in the root",
                            r.address
                        );
                    }
                }
            }
            // Retries are bounded: SDK attempts never exceed max_attempts.
            assert!(t.calls.iter().all(|c| c.attempt <= sc.deploy.max_attempts));
        }
    }
}

#[test]
fn raising_the_create_account_rate_shortens_the_deployment() {
    // The makespan at 100 customers is set by CreateAccount's limits: lift them and it falls.
    let mut sc = hundred();
    sc.deploy.parallelism = 5;
    let slow = sim::run(&sc, 3).trace.end_ms;
    sc.service.throttle.insert(
        "CreateAccount".into(),
        orgsim::org::params::Bucket {
            rate: 10.0,
            burst: 10.0,
        },
    );
    sc.service.create_account_concurrency = 100;
    sc.deploy.parallelism = 100;
    let fast = sim::run(&sc, 3).trace.end_ms;
    assert!(fast * 3 < slow, "fast {fast} ms vs slow {slow} ms");
}
