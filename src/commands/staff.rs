//! `orgsim staff`: the smallest staff that meets the SLAs, per customer count.

use std::path::PathBuf;

use super::output::OutputOpts;
use crate::error::{Error, Result, Verdict};
use crate::ops::{self, onboarding, staff};

/// Staffing: the fewest support staff and onboarding engineers meeting both SLAs.
///
/// For each customer count: the smallest support staff whose response and resolution SLA
/// attainment (mean over the replications) reach the target, and the fewest onboarding
/// engineers meeting the lead-time SLA; with the monthly staff cost and margin, the same table
/// at 0.5× and 2× the ticket rate, and attainment curves for 1..5 staff (up to 12 when a count needs more). The search stops at
/// 1,000 people and says so. Exits 1 when some count cannot be met within that limit. With
/// --out DIR it also writes staff.json, staff.md, attainment.svg and staff.svg (and, with
/// --png, attainment.png and staff.png).
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim staff scenarios/two-customers.toml --customers 2..=100 --step 49\n  orgsim staff scenarios/operations.toml --customers 1..=100 --step 11 --out out/staff"
)]
pub struct Args {
    /// The scenario file (TOML), optionally with an `[operations]` table.
    pub scenario: PathBuf,
    /// Customer counts: A..=B (or a single count).
    #[arg(long, value_name = "A..=B")]
    pub customers: String,
    /// Step between customer counts (B is always included).
    #[arg(long, default_value_t = 1)]
    pub step: usize,
    /// The attainment both SLAs must reach: a share (0.95) or a percentage (95%).
    #[arg(long, value_name = "SHARE", default_value = "95%")]
    pub sla: String,
    /// Replications per staff count tried.
    #[arg(long, default_value_t = 20)]
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

/// `95%` or `0.95` → 0.95, strictly between 0 and 1 (inclusive of 1).
fn share(s: &str) -> Result<f64> {
    let v = match s.trim().strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|p| p / 100.0),
        None => s.trim().parse::<f64>(),
    };
    match v {
        Ok(v) if v > 0.0 && v <= 1.0 => Ok(v),
        _ => Err(Error::flag(format!(
            "--sla: `{s}` is not a share above 0 and at most 1 (write 95% or 0.95)"
        ))),
    }
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let sc = super::common::read_scenario(&a.scenario, a.deployer.deployer)?;
    let target = share(&a.sla)?;
    let (lo, hi) =
        crate::sweep::parse_range(&a.customers).map_err(|e| Error::flag_value("--customers", e))?;
    if a.step == 0 {
        return Err(Error::flag("--step must be at least 1"));
    }
    if a.replications == 0 {
        return Err(Error::flag("--replications must be at least 1"));
    }
    let seed = a.seed.seed.unwrap_or(sc.seed);
    let config = super::ops::operations_of(&sc);
    let counts = crate::sweep::counts(lo, hi, a.step);
    super::common::check_replications(
        counts.len() as u64 * a.replications as u64,
        "--customers × --replications",
    )?;
    super::common::check_customers(&sc, hi, "--customers")?;
    super::common::check_outputs(a.output.out.as_deref().map(|d| (d, &[][..])), &[])?;
    let all = sc.with_customers(hi);
    let customers = ops::customers_from_scenario(&all, None);
    let options = staff::StaffOptions {
        target,
        replications: a.replications,
        seed,
        ..Default::default()
    };
    let most = options.multipliers.iter().fold(1.0f64, |m, &x| m.max(x));
    ops::check_tickets(&config, &customers, most)
        .map_err(|e| Error::flag_value("--customers", e))?;
    let deploy_ms = |n: usize| onboarding::deployment_durations(&all.with_customers(n), seed);
    super::common::install_ctrl_c();
    let steps = counts.len() as u64 * (1 + options.multipliers.len() as u64);
    let bar = super::common::progress_bar(
        steps,
        "{spinner} {bar:40} {pos}/{len} customer counts · {elapsed} elapsed · ETA {eta}",
    );
    let progress = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let report = staff::table_with(
        &staff::StaffInput {
            config: &config,
            customers: &customers,
            counts: &counts,
            deploy_ms: &deploy_ms,
            options,
        },
        &progress,
        &super::common::INTERRUPTED,
    )
    .map_err(Error::Flag)?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    let json = ops::report::json(&report);
    if let Some(dir) = &a.output.out {
        let mut files = vec![
            ("staff.json", json.clone().into_bytes()),
            (
                "staff.md",
                ops::report::staff_markdown(&report).into_bytes(),
            ),
            (
                "attainment.svg",
                crate::report::charts::attainment_svg(&report).into_bytes(),
            ),
            (
                "staff.svg",
                crate::report::charts::staff_svg(&report).into_bytes(),
            ),
        ];
        if a.png.png {
            use crate::report::charts::{AttainmentChart, StaffChart};
            files.push((
                "attainment.png",
                super::common::png_of("attainment.png", &AttainmentChart(&report))?,
            ));
            files.push((
                "staff.png",
                super::common::png_of("staff.png", &StaffChart(&report))?,
            ));
        }
        super::common::write_out(dir, &files)?;
    }
    a.output.print(
        &json,
        || ops::report::staff_markdown(&report),
        || ops::report::staff_text(&report),
    )?;
    if report.interrupted {
        return Err(Error::Interrupted(format!(
            "after {} of {} customer count(s); the partial results above are written too",
            report.staff.len(),
            counts.len()
        )));
    }
    Ok(Verdict::of(report.staff.iter().all(|r| {
        r.support_staff.is_some() && r.onboarding_staff.is_some()
    })))
}
