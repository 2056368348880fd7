//! Every size limit orgsim enforces, in one place. Each is checked before anything of that size
//! is allocated or run, and a value beyond it is refused (exit 2) with a message that names the
//! limit. `docs/scenario.md`, "Limits", lists them all; keep the two in step.

/// Customers in one run: a scenario's listed and generated customers together, `[generate]
/// count`, `run --customers`, the largest count of `sweep`, `phases`, `ops` and `staff`.
pub(crate) const MAX_CUSTOMERS: usize = 100_000;

/// Size of a scenario file, in bytes (64 MiB; 40,000 listed customers take about 4 MB).
pub(crate) const MAX_SCENARIO_BYTES: u64 = 64 << 20;
/// The largest Terraform plan JSON read (`--terraform-plan`).
pub(crate) const MAX_TERRAFORM_PLAN_BYTES: u64 = 512 << 20;

/// Keys, array elements, tables and arrays in one scenario file, counted before it is parsed
/// as the file's `=`, `,`, `[` and `{` characters (in strings and comments too, so the count is
/// never below the truth): a parsed value costs a few hundred bytes, so this keeps a file's
/// tree within about a gigabyte whatever its size. 100,000 listed customers take about 800,000.
pub(crate) const MAX_SCENARIO_TOKENS: usize = 1_500_000;

/// `[[costs]]` lines (each is computed at every point of two margin curves).
pub(crate) const MAX_COST_LINES: usize = 100;

/// `[[phases]]` (each is swept at both ends).
pub(crate) const MAX_PHASES: usize = 1_000;

/// Tiers (`[tiers.KEY]`, the built-ins included), `[organization] regions`, and the OUs of
/// `[organization] ou_path` (AWS nests OUs 5 deep).
pub(crate) const MAX_TIERS: usize = 1_000;
pub(crate) const MAX_REGIONS: usize = 1_000;
pub(crate) const MAX_OU_PATH: usize = 100;

/// A latency profile (`--latency-profile`) and a sweep result or baseline read by `check`, in
/// bytes.
pub(crate) const MAX_PROFILE_BYTES: u64 = 64 << 20;
pub(crate) const MAX_SWEEP_JSON_BYTES: u64 = 256 << 20;

/// `[organization] existing_accounts` (the model holds each one).
pub(crate) const MAX_EXISTING_ACCOUNTS: u32 = 100_000;

/// Replications a `sweep` runs in all (customer counts × `--replications`), and a `phases` run
/// (phases × 2 ends × `--replications`).
pub(crate) const MAX_REPLICATIONS_IN_ALL: u64 = 100_000_000;

/// `--threads`.
pub(crate) const MAX_THREADS: usize = 1024;

/// Arrivals in one load test (its stages' expected count, and the count drawn).
pub(crate) const MAX_ARRIVALS: usize = 100_000;

/// Stages of one load test.
pub(crate) const MAX_STAGES: usize = 1_000;

/// The length of a load test's stages together, in milliseconds (30 days).
pub(crate) const MAX_LOAD_DURATION_MS: u64 = 30 * 86_400_000;

/// A load test's grace after its last stage, in milliseconds (7 days).
pub(crate) const MAX_GRACE_MS: u64 = 7 * 86_400_000;

/// An arrival rate, per minute.
pub(crate) const MAX_RATE_PER_MIN: f64 = 1_000_000.0;

/// A `[service]` call latency (`write_latency`, `read_latency`, `latency.OPERATION`), in
/// milliseconds (one hour).
pub(crate) const MAX_CALL_LATENCY_MS: u64 = 3_600_000;

/// A `[service.account_creation]` time, in seconds (7 days, as `[deploy]`'s times).
pub(crate) const MAX_SERVICE_SECONDS: f64 = 604_800.0;

/// A `[service.throttle]` bucket's refill rate, tokens per second: at least one token in about
/// 2.8 hours, at most a million a second.
pub(crate) const MIN_THROTTLE_RATE: f64 = 0.0001;
pub(crate) const MAX_THROTTLE_RATE: f64 = 1_000_000.0;

/// A `[service.throttle]` bucket's burst, tokens.
pub(crate) const MAX_THROTTLE_BURST: f64 = 1_000_000.0;

/// `[[service.faults]]` windows.
pub(crate) const MAX_FAULTS: usize = 1_000;

/// The end of a `[[service.faults]]` window (`to`), in milliseconds into the run (30 days, as
/// the load duration limit).
pub(crate) const MAX_FAULT_TIME_MS: u64 = 30 * 86_400_000;

/// `--time-scale` (engine milliseconds per wall-clock millisecond, `--backend mock`): at least
/// 0.01 (100 times slower than real time; below it a run waits for hours) and at most 100,000
/// (beyond it a millisecond of the model is shorter than the wall clock can tell apart).
pub(crate) const MIN_TIME_SCALE: f64 = 0.01;
pub(crate) const MAX_TIME_SCALE: f64 = 100_000.0;

/// `--poll-interval`, in seconds: as `[deploy] poll_interval_s`, more than 0 and at most
/// 604,800 (7 days).
pub(crate) const MAX_POLL_INTERVAL_S: f64 = 604_800.0;

/// `[deploy] parallelism` and `[deploy] account_factory` (operations in flight at once).
pub(crate) const MAX_PARALLELISM: u32 = 10_000;

/// `[deploy] max_attempts`: attempts of one SDK call (the Terraform provider's 25 is the
/// largest default; every attempt is a call the trace keeps).
pub(crate) const MAX_ATTEMPTS: u32 = 100;

/// Polls of one account creation: `[deploy] create_timeout_s` over `poll_interval_s`.
pub(crate) const MAX_POLLS_PER_CREATION: u64 = 100_000;

/// The deployer's own retries of one operation: `[deploy] provider_retry_timeout_s` over
/// `provider_backoff_max_ms` (the Terraform provider's defaults give 24).
pub(crate) const MAX_PROVIDER_RETRIES: u64 = 1_000;

/// Tickets one support replication draws (`orgsim ops`, `orgsim staff`, the claims' 100
/// customers), expected: the customers' ticket rates (× the largest sensitivity multiplier,
/// for `staff`) over the horizon. One replication's tickets are held at once (24 bytes each).
pub(crate) const MAX_TICKETS_PER_REPLICATION: f64 = 10_000_000.0;
