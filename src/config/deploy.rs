//! The deployer's behaviour: deployer profiles and the `[deploy]` table.
//!
//! A [`Deployer`] profile is a named set of `[deploy]` defaults plus the structural behaviour of
//! the deployer it models: Terraform with the AWS provider (`terraform-aws`, the default), a
//! script on an AWS SDK with its default retries (`aws-sdk-standard`) or Control Tower's account
//! factory (`control-tower`). Every key the user writes in `[deploy]` overrides the profile's
//! value ([`DeployOverrides`]). Each default is documented with its source in `docs/model.md`.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::lognormal::{Lognormal, LognormalOverrides};
use super::Invalid;

/// Which deployer is modelled. See `docs/model.md`, "Deployer profiles".
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Deployer {
    /// Terraform with the AWS provider, as its source reads.
    #[default]
    TerraformAws,
    /// A script calling an AWS SDK with its default (standard) retries.
    AwsSdkStandard,
    /// Control Tower's account factory (or AFT): a FIFO queue, at most 5 accounts at once.
    ControlTower,
}

impl Deployer {
    pub const ALL: [Deployer; 3] = [
        Deployer::TerraformAws,
        Deployer::AwsSdkStandard,
        Deployer::ControlTower,
    ];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Deployer::TerraformAws => "terraform-aws",
            Deployer::AwsSdkStandard => "aws-sdk-standard",
            Deployer::ControlTower => "control-tower",
        }
    }

    pub fn parse(s: &str) -> Option<Deployer> {
        Deployer::ALL.into_iter().find(|d| d.as_str() == s)
    }

    /// "terraform-aws, aws-sdk-standard, control-tower", for messages.
    pub(crate) fn names() -> String {
        Deployer::ALL.map(Deployer::as_str).join(", ")
    }
}

impl fmt::Display for Deployer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The resolved deployer: a profile's defaults with the scenario's `[deploy]` keys applied.
/// Times are seconds in the file and integer milliseconds in the engine (the `*_ms` accessors).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DeployConfig {
    /// The profile these values started from.
    pub deployer: Deployer,
    /// Resource operations in flight at once (Terraform's `-parallelism`, default 10).
    pub parallelism: u32,
    /// The deployer's own time before its first call: init, refresh, plan (seconds), a
    /// constant, used when `overhead` is absent.
    pub overhead_s: f64,
    /// The deployer's own time before its first call drawn once per run from this lognormal
    /// (seconds); absent, the constant `overhead_s`. Writing `overhead_s` in `[deploy]` makes
    /// the overhead that constant again.
    pub overhead: Option<Lognormal>,
    /// Interval between DescribeCreateAccountStatus polls (seconds).
    pub poll_interval_s: f64,
    /// The first poll goes out as soon as CreateAccount is accepted (the plugin SDK's
    /// StateChangeConf refreshes at once); otherwise after one `poll_interval_s`.
    pub poll_at_once: bool,
    /// How long the deployer waits, from CreateAccount's acceptance, for the creation status to
    /// leave IN_PROGRESS before it gives up with `Timeout` (seconds).
    pub create_timeout_s: f64,
    /// Attempts per SDK call for retryable errors (throttling, transient, `sdk_retry_codes`).
    pub max_attempts: u32,
    /// Full-jitter exponential backoff after failed attempt `a`: U(0, base·2^a) while
    /// base·2^a ≤ cap, then exactly cap (aws-sdk-go-v2 `ExponentialJitterBackoff`).
    pub backoff_base_ms: u64,
    pub backoff_cap_ms: u64,
    /// The SDK's backoff for these error codes instead of `backoff_base_ms`/`backoff_cap_ms`
    /// (a code not listed backs off as above).
    pub backoff_by_code: BTreeMap<String, CodeBackoff>,
    /// How the backoff is drawn from its ceiling base·2^a (`full` or `equal`).
    pub backoff_jitter: Jitter,
    /// The setup reads what Terraform's `data "aws_organizations_organization"` reads at
    /// every plan: DescribeOrganization, ListAccounts (paged over the whole organization),
    /// ListRoots, ListAWSServiceAccessForOrganization. Otherwise ListRoots alone (and
    /// ListAccounts before it when the organization exists and the deployer refreshes).
    pub data_source_reads: bool,
    /// The SDK client's retry quota (tokens); 0 disables it.
    pub retry_quota: u32,
    /// Tokens one retry costs.
    pub retry_cost: u32,
    /// Error codes the SDK retryer retries beyond throttling and transient errors.
    pub sdk_retry_codes: Vec<String>,
    /// Error codes the deployer retries itself, on top of the SDK (a fresh SDK call each time).
    pub provider_retry_codes: Vec<String>,
    /// How long the deployer keeps retrying those codes for one operation (seconds).
    pub provider_retry_timeout_s: f64,
    /// The deployer's backoff between those retries: it starts here and doubles...
    pub provider_backoff_min_ms: u64,
    /// ...up to this.
    pub provider_backoff_max_ms: u64,
    /// CreateAccount carries the account's tags; the `tags` resource then makes no call.
    pub tags_in_create: bool,
    /// After creating a resource, read it back as the Terraform provider does (Describe*,
    /// ListParents, List*, ListTagsForResource); for accounts, ListParents before MoveAccount.
    pub read_after_create: bool,
    /// Accounts go through an account factory: a FIFO queue with at most this many account
    /// operations at once, outside the `parallelism` slots. 0: no factory.
    pub account_factory: u32,
    /// With an account factory: the time from the account in its OU to the account ready
    /// (enrolment, baselines), drawn per account.
    pub provisioning: Lognormal,
    /// Idempotent apply: before creating a resource, look up what exists (OUs by name under
    /// their parent, policies by name, attachments by target, accounts by email, tags by
    /// account) and adopt it (`existing`). Off by default for the simulated backend (a fresh
    /// organization); always on for the `mock` and `sdk` backends.
    pub lookup_existing: bool,
}

/// How the SDK draws a backoff from its ceiling `base·2^a` after failed attempt `a`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Jitter {
    /// U(0, base·2^a) while that is within the cap, then exactly the cap (aws-sdk-go-v2's
    /// `ExponentialJitterBackoff`).
    #[default]
    Full,
    /// U[base·2^a, 2·base·2^a), at most the cap: never shorter than base·2^a (aws-sdk-go's
    /// `DefaultRetryer`, what hashicorp/aws 5.100.0 was measured doing).
    Equal,
}

/// The SDK's backoff after a failed attempt of one error code, in place of `backoff_base_ms`,
/// `backoff_cap_ms` and `backoff_jitter` for that code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBackoff {
    /// The ceiling's base (milliseconds): base·2^a after failed attempt a.
    pub base_ms: u64,
    /// No backoff is longer (milliseconds).
    pub cap_ms: u64,
    /// How the delay is drawn from the ceiling (default `full`).
    #[serde(default)]
    pub jitter: Jitter,
}

const CME: &str = "ConcurrentModificationException";
const FINALIZING: &str = "FinalizingOrganizationException";

/// `terraform-aws`'s overhead before its first call, as measured (docs/model.md, "Held to the
/// real provider", row 4): hashicorp/aws 5.100.0 from `terraform apply` to its first resource
/// call, 9 to 44 s over the runs against `orgsim serve` and moto.
const TERRAFORM_OVERHEAD: Lognormal = Lognormal {
    median_s: 20.0,
    p95_s: 36.0,
    min_s: 9.0,
    max_s: 44.0,
};

/// `terraform-aws`'s SDK backoff per error code: a ConcurrentModificationException is retried
/// within a third of a second (measured: docs/model.md, "Held to the real provider", row 1);
/// throttles keep the standard full jitter.
fn terraform_backoff_by_code() -> BTreeMap<String, CodeBackoff> {
    BTreeMap::from([(
        CME.to_string(),
        CodeBackoff {
            base_ms: 30,
            cap_ms: 300_000,
            jitter: Jitter::Equal,
        },
    )])
}

impl DeployConfig {
    /// The defaults of profile `deployer`. Sources: `docs/model.md`, "Deployer profiles".
    pub(crate) fn profile(deployer: Deployer) -> DeployConfig {
        let provisioning = Lognormal {
            median_s: 1080.0,
            p95_s: 2700.0,
            min_s: 300.0,
            max_s: 10_800.0,
        };
        match deployer {
            Deployer::TerraformAws => DeployConfig {
                deployer,
                parallelism: 10,
                overhead_s: 60.0,
                overhead: Some(TERRAFORM_OVERHEAD),
                poll_interval_s: 10.0,
                poll_at_once: true,
                create_timeout_s: 600.0,
                max_attempts: 25,
                backoff_base_ms: 500,
                backoff_cap_ms: 300_000,
                backoff_by_code: terraform_backoff_by_code(),
                backoff_jitter: Jitter::Equal,
                data_source_reads: true,
                retry_quota: 0,
                retry_cost: 5,
                sdk_retry_codes: vec![CME.into()],
                provider_retry_codes: vec![FINALIZING.into()],
                provider_retry_timeout_s: 240.0,
                provider_backoff_min_ms: 500,
                provider_backoff_max_ms: 10_000,
                tags_in_create: true,
                read_after_create: true,
                account_factory: 0,
                provisioning,
                lookup_existing: false,
            },
            Deployer::AwsSdkStandard => DeployConfig {
                deployer,
                parallelism: 10,
                overhead_s: 0.0,
                overhead: None,
                poll_interval_s: 10.0,
                poll_at_once: false,
                create_timeout_s: 600.0,
                max_attempts: 3,
                backoff_base_ms: 1000,
                backoff_cap_ms: 20_000,
                backoff_by_code: BTreeMap::new(),
                backoff_jitter: Jitter::Full,
                data_source_reads: false,
                retry_quota: 500,
                retry_cost: 5,
                sdk_retry_codes: Vec::new(),
                provider_retry_codes: Vec::new(),
                provider_retry_timeout_s: 0.0,
                provider_backoff_min_ms: 500,
                provider_backoff_max_ms: 10_000,
                tags_in_create: false,
                read_after_create: false,
                account_factory: 0,
                provisioning,
                lookup_existing: false,
            },
            Deployer::ControlTower => DeployConfig {
                deployer,
                parallelism: 10,
                overhead_s: 60.0,
                overhead: None,
                poll_interval_s: 10.0,
                poll_at_once: false,
                create_timeout_s: 3600.0,
                max_attempts: 25,
                backoff_base_ms: 1000,
                backoff_cap_ms: 300_000,
                backoff_by_code: BTreeMap::new(),
                backoff_jitter: Jitter::Full,
                data_source_reads: false,
                retry_quota: 0,
                retry_cost: 5,
                sdk_retry_codes: vec![CME.into()],
                provider_retry_codes: vec![FINALIZING.into()],
                provider_retry_timeout_s: 240.0,
                provider_backoff_min_ms: 500,
                provider_backoff_max_ms: 10_000,
                tags_in_create: true,
                read_after_create: false,
                account_factory: 5,
                provisioning,
                lookup_existing: false,
            },
        }
    }

    /// Profile `deployer` with the keys written in `[deploy]` applied on top.
    pub(crate) fn resolve(deployer: Deployer, o: &DeployOverrides) -> DeployConfig {
        let mut c = DeployConfig::profile(deployer);
        macro_rules! set {
            ($($f:ident),*) => { $( if let Some(v) = &o.$f { c.$f = v.clone(); } )* };
        }
        if o.overhead_s.is_some() {
            // A constant written in the file is the overhead, whatever the profile draws.
            c.overhead = None;
        }
        if let Some(d) = &o.overhead {
            let base = c.overhead.unwrap_or(TERRAFORM_OVERHEAD);
            c.overhead = Some(base.with(d));
        }
        if let Some(by_code) = &o.backoff_by_code {
            for (code, b) in by_code {
                c.backoff_by_code.insert(code.clone(), *b);
            }
        }
        set!(
            parallelism,
            overhead_s,
            poll_interval_s,
            poll_at_once,
            create_timeout_s,
            max_attempts,
            backoff_base_ms,
            backoff_cap_ms,
            data_source_reads,
            backoff_jitter,
            retry_quota,
            retry_cost,
            sdk_retry_codes,
            provider_retry_codes,
            provider_retry_timeout_s,
            provider_backoff_min_ms,
            provider_backoff_max_ms,
            tags_in_create,
            read_after_create,
            account_factory,
            lookup_existing
        );
        if let Some(p) = &o.provisioning {
            c.provisioning = c.provisioning.with(p);
        }
        c
    }

    pub(crate) fn overhead_ms(&self) -> u64 {
        secs_to_ms(self.overhead_s)
    }
    /// The overhead of one run: drawn from `overhead` at standard-normal deviate `z` when it
    /// is set, else the constant `overhead_s`.
    pub(crate) fn overhead_at_ms(&self, z: f64) -> u64 {
        match &self.overhead {
            Some(d) => d.at_ms(z),
            None => self.overhead_ms(),
        }
    }
    pub(crate) fn poll_interval_ms(&self) -> u64 {
        secs_to_ms(self.poll_interval_s).max(1)
    }
    pub(crate) fn create_timeout_ms(&self) -> u64 {
        secs_to_ms(self.create_timeout_s)
    }
    pub(crate) fn provider_retry_timeout_ms(&self) -> u64 {
        secs_to_ms(self.provider_retry_timeout_s)
    }

    /// Checks the values; returns the dotted key path of the first bad one and why.
    pub(crate) fn check(&self) -> Result<(), Invalid> {
        let bad = |k: &str, why: &str| Err(Invalid::at(format!("deploy.{k}"), why));
        if self.parallelism == 0 {
            return bad("parallelism", "must be at least 1");
        }
        use super::limits::{
            MAX_ATTEMPTS, MAX_PARALLELISM, MAX_POLLS_PER_CREATION, MAX_PROVIDER_RETRIES,
        };
        if self.parallelism > MAX_PARALLELISM {
            return bad(
                "parallelism",
                &format!("must be at most {MAX_PARALLELISM} (the parallelism limit)"),
            );
        }
        if self.account_factory > MAX_PARALLELISM {
            return bad(
                "account_factory",
                &format!("must be at most {MAX_PARALLELISM} (the parallelism limit)"),
            );
        }
        if self.max_attempts == 0 {
            return bad("max_attempts", "must be at least 1");
        }
        if self.max_attempts > MAX_ATTEMPTS {
            return bad(
                "max_attempts",
                &format!("must be at most {MAX_ATTEMPTS} (the attempt limit)"),
            );
        }
        for (k, v) in [
            ("overhead_s", self.overhead_s),
            ("poll_interval_s", self.poll_interval_s),
            ("create_timeout_s", self.create_timeout_s),
            ("provider_retry_timeout_s", self.provider_retry_timeout_s),
        ] {
            if !(v >= 0.0 && v.is_finite() && v <= 7.0 * 86_400.0) {
                return bad(k, "must be a number of seconds between 0 and 604800");
            }
        }
        if self.poll_interval_s <= 0.0 {
            return bad("poll_interval_s", "must be greater than 0");
        }
        if self.backoff_base_ms > self.backoff_cap_ms {
            return bad("backoff_base_ms", "must not exceed backoff_cap_ms");
        }
        if self.backoff_cap_ms > 86_400_000 {
            return bad("backoff_cap_ms", "must be at most 86400000 (one day)");
        }
        if self.provider_backoff_min_ms > self.provider_backoff_max_ms
            || self.provider_backoff_min_ms == 0
        {
            return bad(
                "provider_backoff_min_ms",
                "must be at least 1 and not exceed provider_backoff_max_ms",
            );
        }
        if self.provider_backoff_max_ms > 86_400_000 {
            return bad(
                "provider_backoff_max_ms",
                "must be at most 86400000 (one day)",
            );
        }
        let polls = self.create_timeout_ms() / self.poll_interval_ms();
        if polls > MAX_POLLS_PER_CREATION {
            return bad(
                "poll_interval_s",
                &format!(
                    "polls every {} s for create_timeout_s = {} s: {polls} polls of one account \
                     creation, more than {MAX_POLLS_PER_CREATION} (the poll limit)",
                    self.poll_interval_s, self.create_timeout_s
                ),
            );
        }
        let retries = self.provider_retry_timeout_ms() / self.provider_backoff_max_ms.max(1);
        if retries > MAX_PROVIDER_RETRIES {
            return bad(
                "provider_retry_timeout_s",
                &format!(
                    "{} s of retries at most {} ms apart (provider_backoff_max_ms) is about \
                     {retries} retries of one operation, more than {MAX_PROVIDER_RETRIES} (the \
                     provider retry limit)",
                    self.provider_retry_timeout_s, self.provider_backoff_max_ms
                ),
            );
        }
        for (code, b) in &self.backoff_by_code {
            let at = |k: &str| format!("deploy.backoff_by_code.{code}.{k}");
            if b.base_ms > b.cap_ms {
                return Err(Invalid::at(at("base_ms"), "must not exceed cap_ms"));
            }
            if b.cap_ms > 86_400_000 {
                return Err(Invalid::at(
                    at("cap_ms"),
                    "must be at most 86400000 (one day)",
                ));
            }
        }
        check_lognormal("deploy.provisioning", &self.provisioning)?;
        if let Some(o) = &self.overhead {
            check_lognormal("deploy.overhead", o)?;
        }
        Ok(())
    }
}

impl Default for DeployConfig {
    fn default() -> Self {
        DeployConfig::profile(Deployer::default())
    }
}

/// A lognormal's values: each positive and at most a week, p95 not below the median, the
/// minimum not above the maximum; the error names `table`'s key.
fn check_lognormal(table: &str, p: &Lognormal) -> Result<(), Invalid> {
    for (k, v) in [
        ("median_s", p.median_s),
        ("p95_s", p.p95_s),
        ("min_s", p.min_s),
        ("max_s", p.max_s),
    ] {
        if !(v > 0.0 && v.is_finite() && v <= 7.0 * 86_400.0) {
            return Err(Invalid::at(
                format!("{table}.{k}"),
                "must be a number of seconds greater than 0 and at most 604800",
            ));
        }
    }
    if p.p95_s < p.median_s {
        return Err(Invalid::at(
            format!("{table}.p95_s"),
            "must not be below median_s",
        ));
    }
    if p.min_s > p.max_s {
        return Err(Invalid::at(
            format!("{table}.min_s"),
            "must not exceed max_s",
        ));
    }
    Ok(())
}

fn secs_to_ms(s: f64) -> u64 {
    (s * 1000.0).round().max(0.0) as u64
}

/// The `[deploy]` table as written: every key optional, applied over the profile's defaults.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployOverrides {
    pub deployer: Option<Deployer>,
    pub parallelism: Option<u32>,
    pub overhead_s: Option<f64>,
    pub overhead: Option<LognormalOverrides>,
    pub poll_interval_s: Option<f64>,
    pub poll_at_once: Option<bool>,
    pub create_timeout_s: Option<f64>,
    pub max_attempts: Option<u32>,
    pub backoff_base_ms: Option<u64>,
    pub backoff_cap_ms: Option<u64>,
    pub backoff_by_code: Option<BTreeMap<String, CodeBackoff>>,
    pub backoff_jitter: Option<Jitter>,
    pub data_source_reads: Option<bool>,
    pub retry_quota: Option<u32>,
    pub retry_cost: Option<u32>,
    pub sdk_retry_codes: Option<Vec<String>>,
    pub provider_retry_codes: Option<Vec<String>>,
    pub provider_retry_timeout_s: Option<f64>,
    pub provider_backoff_min_ms: Option<u64>,
    pub provider_backoff_max_ms: Option<u64>,
    pub tags_in_create: Option<bool>,
    pub read_after_create: Option<bool>,
    pub account_factory: Option<u32>,
    pub provisioning: Option<LognormalOverrides>,
    pub lookup_existing: Option<bool>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_keys_override_the_profile_and_the_rest_follow_it() {
        let o = DeployOverrides {
            max_attempts: Some(7),
            ..Default::default()
        };
        let tf = DeployConfig::resolve(Deployer::TerraformAws, &o);
        assert_eq!(tf.max_attempts, 7);
        assert_eq!(tf.backoff_cap_ms, 300_000);
        let sdk = DeployConfig::resolve(Deployer::AwsSdkStandard, &o);
        assert_eq!(sdk.max_attempts, 7);
        assert_eq!(sdk.backoff_cap_ms, 20_000);
        assert_eq!(sdk.retry_quota, 500);
    }

    /// `terraform-aws` draws its overhead from the measured lognormal; `overhead_s` written in
    /// `[deploy]` makes it that constant again; `[deploy.overhead]` keys go over the profile's.
    #[test]
    fn the_overhead_is_drawn_unless_a_constant_is_written() {
        let tf = DeployConfig::profile(Deployer::TerraformAws);
        let d = tf.overhead.expect("a distribution");
        assert_eq!(tf.overhead_at_ms(0.0), 20_000, "the median at z = 0");
        assert_eq!(tf.overhead_at_ms(-9.0), (d.min_s * 1000.0) as u64);
        assert_eq!(tf.overhead_at_ms(9.0), (d.max_s * 1000.0) as u64);
        let constant = DeployOverrides {
            overhead_s: Some(5.0),
            ..Default::default()
        };
        let c = DeployConfig::resolve(Deployer::TerraformAws, &constant);
        assert_eq!((c.overhead, c.overhead_at_ms(3.0)), (None, 5_000));
        let median = DeployOverrides {
            overhead: Some(LognormalOverrides {
                median_s: Some(30.0),
                ..Default::default()
            }),
            ..Default::default()
        };
        let c = DeployConfig::resolve(Deployer::AwsSdkStandard, &median);
        assert_eq!(
            c.overhead.map(|o| (o.median_s, o.max_s)),
            Some((30.0, 44.0))
        );
        let bad = DeployConfig {
            overhead: Some(Lognormal { p95_s: 1.0, ..d }),
            ..Default::default()
        };
        assert_eq!(
            bad.check().unwrap_err().field.as_deref(),
            Some("deploy.overhead.p95_s")
        );
    }

    /// A code's backoff written in `[deploy.backoff_by_code]` replaces the profile's for that
    /// code and keeps the others; a base above its cap names the code's key.
    #[test]
    fn a_code_s_backoff_is_its_own() {
        let o = DeployOverrides {
            backoff_by_code: Some(BTreeMap::from([(
                "ServiceException".to_string(),
                CodeBackoff {
                    base_ms: 30,
                    cap_ms: 20_000,
                    jitter: Jitter::Equal,
                },
            )])),
            ..Default::default()
        };
        let c = DeployConfig::resolve(Deployer::TerraformAws, &o);
        assert_eq!(c.backoff_by_code.len(), 2);
        assert_eq!(c.backoff_by_code[CME].base_ms, 30);
        let mut bad = c.clone();
        bad.backoff_by_code.get_mut(CME).unwrap().base_ms = 400_000;
        assert_eq!(
            bad.check().unwrap_err().field.as_deref(),
            Some("deploy.backoff_by_code.ConcurrentModificationException.base_ms")
        );
    }

    #[test]
    fn every_profile_checks_and_names_parse_back() {
        for d in Deployer::ALL {
            assert_eq!(DeployConfig::profile(d).check(), Ok(()));
            assert_eq!(Deployer::parse(d.as_str()), Some(d));
        }
        assert_eq!(Deployer::parse("terraform"), None);
    }

    /// A bad value comes back as the one field error, its key named apart from the reason.
    #[test]
    fn a_bad_value_names_its_key() {
        let c = DeployConfig {
            parallelism: 0,
            ..Default::default()
        };
        assert_eq!(
            c.check(),
            Err(Invalid::at("deploy.parallelism", "must be at least 1"))
        );
        let mut c = DeployConfig::default();
        c.provisioning.p95_s = c.provisioning.median_s / 2.0;
        let e = c.check().unwrap_err();
        assert_eq!(e.field.as_deref(), Some("deploy.provisioning.p95_s"));
        assert_eq!(
            e.to_string(),
            "deploy.provisioning.p95_s: must not be below median_s"
        );
    }
}
