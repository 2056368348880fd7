//! `orgsim validate`: the file and the pre-flight rules.

use std::path::PathBuf;

use serde::Serialize;

use crate::error::{Result, Verdict};
use crate::plan::{self, Finding};

/// Check a scenario file: syntax, fields, and the plan's pre-flight checks.
///
/// Exits 1 when the plan has findings ("valid file, 1 finding": the file is well-formed, its plan
/// is not), 2 when the file is not a valid scenario.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  orgsim validate scenarios/five-customers.toml\n  orgsim validate scenarios/twelve-customers-over-quota.toml   # exit 1: a finding"
)]
pub struct Args {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

impl crate::report::JsonReport for Validation<'_> {
    const KIND: &'static str = "validate";
}

#[derive(Serialize, schemars::JsonSchema)]
pub(crate) struct Validation<'a> {
    scenario: String,
    customers: usize,
    resources: usize,
    findings: &'a [Finding],
    verdict: Verdict,
}

/// The verdict line's head: the file parsed and checked (else exit 2 before this), and how many
/// pre-flight findings the plan has ("valid file, 1 finding"): a file can be valid and its plan
/// still be refused (exit 1).
fn summary(findings: usize) -> String {
    match findings {
        0 => "valid file, no findings".into(),
        1 => "valid file, 1 finding".into(),
        n => format!("valid file, {n} findings"),
    }
}

pub(crate) fn run(a: Args) -> Result<Verdict> {
    let sc = crate::scenario::read(&a.scenario)?;
    let mut p = plan::build(&sc);
    p.findings.extend(plan::account_quota_finding(&sc, &p));
    let verdict = Verdict::of(p.findings.is_empty());
    if a.json {
        let v = Validation {
            scenario: a.scenario.display().to_string(),
            customers: sc.customers.len(),
            resources: p.resources.len(),
            findings: &p.findings,
            verdict,
        };
        super::output::write_stdout(&crate::report::report_json(&v))?;
        return Ok(verdict);
    }
    use std::fmt::Write as _;
    let mut o = String::new();
    for f in &p.findings {
        let _ = writeln!(o, "finding: {} {}: {}", f.code, f.resource, f.detail);
    }
    let _ = writeln!(
        o,
        "{}: {} · {} customer(s) · {} resources planned",
        a.scenario.display(),
        summary(p.findings.len()),
        sc.customers.len(),
        p.resources.len(),
    );
    super::output::write_text(&o)?;
    Ok(verdict)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_summary_says_the_file_is_valid_and_counts_its_findings() {
        assert_eq!(super::summary(0), "valid file, no findings");
        assert_eq!(super::summary(1), "valid file, 1 finding");
        assert_eq!(super::summary(3), "valid file, 3 findings");
    }
}
