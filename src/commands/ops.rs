//! `orgsim ops`: the people side of onboarding — the support desk and onboarding staff.

use std::path::PathBuf;

use super::output::OutputOpts;
use crate::config::operations::{OperationsConfig, MAX_PEOPLE};
use crate::error::{Error, Result, Verdict};
use crate::ops::{self, claims::ClaimsDeploy, onboarding, OpsInput};
use crate::scenario::Scenario;
use crate::seed::Stream;

/// Support desk and onboarding staff: SLA attainment, waits, lead times, the brief's claims.
///
/// Simulates the scenario's `[operations]` (its documented defaults when it has none) over its
/// horizon: tickets from every customer served by the support staff in open hours, customers
/// onboarded by the engineers around the simulated deployment. Customers sign along the
/// scenario's `[load]` schedule when it has one, else all at once. Exits 1 when a claim of the brief
/// fails. With --out DIR it also writes ops.json, ops.md and queue.svg, the support desk's queue
/// over the horizon (and, with --png, queue.png).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim ops scenarios/operations.toml\n  orgsim ops scenarios/two-customers.toml --support-staff 2 --json"
)]
pub struct Args {
    /// The scenario file (TOML), optionally with an `[operations]` table.
    pub scenario: PathBuf,
    /// Exactly this many customers (the scenario's first N, or extended with its tier mix).
    #[arg(long, value_name = "N")]
    pub customers: Option<usize>,
    /// Support staff, instead of `[operations.support] staff`.
    #[arg(long, value_name = "K")]
    pub support_staff: Option<u32>,
    /// Onboarding engineers, instead of `[operations.onboarding] engineers`.
    #[arg(long, value_name = "K")]
    pub onboarding_staff: Option<u32>,
    /// Replications of the support horizon.
    #[arg(long, default_value_t = 10)]
    pub replications: u32,
    #[command(flatten)]
    pub seed: super::shared::SeedArg,
    #[command(flatten)]
    pub deployer: super::shared::DeployerArg,
    #[command(flatten)]
    pub output: OutputOpts,
    #[command(flatten)]
    pub png: super::shared::PngArg,
}

/// The scenario's `[operations]`, or the documented defaults (said on stderr).
pub(super) fn operations_of(sc: &Scenario) -> OperationsConfig {
    sc.operations.clone().unwrap_or_else(|| {
        super::style::note(&format!(
            "note: {} has no [operations] table: the documented defaults are used (docs/ops.md)",
            sc.source.display()
        ));
        OperationsConfig::default()
    })
}

/// A staff count from the command line: 1 to the search's limit.
pub(super) fn people(flag: &str, k: u32) -> Result<u32> {
    if k == 0 || k > MAX_PEOPLE {
        return Err(Error::flag(format!(
            "{flag} must be between 1 and {MAX_PEOPLE}"
        )));
    }
    Ok(k)
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let mut sc = super::common::read_scenario(&a.scenario, a.deployer.deployer)?;
    if a.replications == 0 {
        return Err(Error::flag("--replications must be at least 1"));
    }
    let seed = a.seed.seed.unwrap_or(sc.seed);
    let mut config = operations_of(&sc);
    if let Some(k) = a.support_staff {
        config.support.staff = people("--support-staff", k)?;
    }
    if let Some(k) = a.onboarding_staff {
        config.onboarding.engineers = people("--onboarding-staff", k)?;
    }
    // Customers sign along the [load] schedule when there is one, else all at time 0.
    let signed: Option<Vec<u64>> = (!sc.load.stages.is_empty()).then(|| {
        crate::loadtest::schedule(
            &sc.load.stages,
            sc.load.arrivals.unwrap_or(crate::config::Arrivals::Poisson),
            Stream::Arrivals.seed(seed),
        )
    });
    let n = match (a.customers, &signed) {
        (Some(0), _) => return Err(Error::flag("--customers must be at least 1")),
        (Some(n), _) => n,
        (None, Some(times)) if !times.is_empty() => times.len(),
        (None, _) => sc.customers.len(),
    };
    super::common::check_replications(a.replications as u64, "--replications")?;
    super::common::check_customers(&sc, n, "--customers")?;
    super::common::check_outputs(
        a.output
            .out
            .as_deref()
            .map(|d| (d, &["ops.json", "ops.md", "queue.svg", "queue.png"][..])),
        &[],
    )?;
    sc = sc.with_customers(n);
    let customers = ops::customers_from_scenario(&sc, signed.as_deref());
    // This run's customers, and the claims' 100 (cycled, all at time 0).
    let claims = ops::cycle_customers(&customers, 100, true);
    for (cs, what) in [(&customers[..], "--customers"), (&claims[..], "the claims")] {
        ops::check_tickets(&config, cs, 1.0).map_err(|e| Error::flag_value(what, e))?;
    }
    let deploy_ms = onboarding::deployment_durations(&sc, seed);
    let alone_ms = onboarding::deployment_durations_each_alone(&sc, seed);
    // The claims' deployments: the first two customers, deployed together (the section's own
    // run when the scenario has just those two) and each alone (the section's).
    let claims_deploy = if sc.customers.len() == 2 {
        ClaimsDeploy {
            two_together_ms: deploy_ms.clone(),
            alone_ms: alone_ms.clone(),
        }
    } else {
        ClaimsDeploy::from_scenario(&sc, seed)
    };
    super::common::install_ctrl_c();
    let report = ops::run_cancellable(
        &OpsInput {
            config: &config,
            customers: &customers,
            deploy_ms: &deploy_ms,
            alone_ms: &alone_ms,
            claims_deploy: &claims_deploy,
            replications: a.replications,
            seed,
        },
        &super::common::INTERRUPTED,
    );
    let json = ops::report::json(&report);
    if let Some(dir) = &a.output.out {
        let mut files = vec![
            ("ops.json", json.clone().into_bytes()),
            ("ops.md", ops::report::ops_markdown(&report).into_bytes()),
            (
                "queue.svg",
                crate::report::charts::queue_svg(&report).into_bytes(),
            ),
        ];
        if a.png.png {
            let chart = crate::report::charts::QueueChart(&report);
            files.push(("queue.png", super::common::png_of("queue.png", &chart)?));
        }
        super::common::write_out(dir, &files)?;
    }
    a.output.print(
        &json,
        || ops::report::ops_markdown(&report),
        || ops::report::ops_text(&report),
    )?;
    if report.interrupted {
        return Err(Error::Interrupted(format!(
            "after {} of {} replication(s); the partial results above are written too",
            report.replications, a.replications
        )));
    }
    Ok(Verdict::of(
        report.claims.iter().all(|c| c.verdict.is_pass()),
    ))
}
