//! The staffing search: for each customer count, the smallest support staff and onboarding
//! engineers that meet their SLAs at a target attainment.
//!
//! Support: attainment is the mean over R replications of the share of tickets within the
//! response SLA, and of those within the resolution SLA; both must reach the target. The R
//! ticket streams of a customer count are drawn once and served by every staff count tried
//! (common random numbers), so attainment never falls when a person is added, and the search is
//! exponential from a guess — the offered load ⌊a⌋ + 1, the fewest people with ρ < 1 — then
//! binary: O(log limit) evaluations, never more than the limit. An offered load at or above the
//! limit is reported unmeetable without simulating; so is a target still missed by the limit.
//!
//! Onboarding: the share of customers set up within the lead-time SLA must reach the target.
//! The deployment durations are the caller's; onboarding has no other randomness, so it is
//! evaluated once per engineer count.
//!
//! Architecture invariant: no I/O, no clock; randomness from the caller's seed.

use std::sync::atomic::{AtomicBool, Ordering};

use super::desk::{self, Demand, Scratch, ServeParams, Ticket};
use super::onboarding;
use super::report::people;
use super::types::{AttainmentCurve, CurvePoint, Sensitivity, StaffReport, StaffRow};
use super::OpsCustomer;
use crate::config::operations::OperationsConfig;
use crate::seed::{derive_seed, Stream};

/// The seed of replication `r`'s ticket stream for `customers` customers: one derivation for
/// the staffing search, the claims and `ops`'s support section, so that one desk measured in
/// two places gives one figure.
pub(crate) fn desk_seed(seed: u64, customers: usize, r: usize) -> u64 {
    derive_seed(seed, &[Stream::OpsStaff as u64, customers as u64, r as u64])
}

/// Most attainment curves drawn up to the staff a count needs.
pub(crate) const MAX_CURVES: u32 = 12;

/// How the search is run.
#[derive(Debug, Clone, PartialEq)]
pub struct StaffOptions {
    /// Attainment both SLAs must reach (default 0.95).
    pub target: f64,
    /// Replications per customer count (default 20).
    pub replications: u32,
    /// Most people tried (default 1,000).
    pub limit: u32,
    /// Ticket-rate multipliers of the sensitivity tables (default 0.5 and 2).
    pub multipliers: Vec<f64>,
    /// Attainment curves for 1..=k support staff (default 5; 0: none), and beyond k up to
    /// the most support staff a count needs (at most [`MAX_CURVES`]).
    pub curve_staff: u32,
    pub seed: u64,
}

impl Default for StaffOptions {
    fn default() -> Self {
        StaffOptions {
            target: 0.95,
            replications: 20,
            limit: crate::config::operations::MAX_PEOPLE,
            multipliers: vec![0.5, 2.0],
            curve_staff: 5,
            seed: 1,
        }
    }
}

/// The support answer at one customer count.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SupportAnswer {
    /// `None`: not met within the limit.
    pub staff: Option<u32>,
    /// Mean attainments at `staff` (at the limit when unmet; 0 when not simulated).
    pub response: f64,
    pub resolution: f64,
    pub offered_load: f64,
    pub note: Option<String>,
}

/// Tickets a [`SupportSearch`] holds at once (its replications' streams together, 24 bytes
/// each): beyond it each replication is drawn again whenever it is served.
pub(crate) const HELD_TICKETS: u64 = 4_000_000;

/// One customer count's ticket streams, served by any staff count (with a cache).
pub(crate) struct SupportSearch<'a> {
    config: &'a OperationsConfig,
    target: f64,
    limit: u32,
    /// Each replication's tickets, drawn once and served to every staff count, when they
    /// fit in [`HELD_TICKETS`]; otherwise empty, and each replication is drawn again (from
    /// its seed, the same tickets) into `buf` whenever it is served.
    streams: Vec<Vec<Ticket>>,
    /// The replications' seeds and their demand, to draw them again.
    seeds: Vec<u64>,
    demand: Option<Demand>,
    buf: Vec<Ticket>,
    /// [`HELD_TICKETS`], lower in tests.
    held_limit: u64,
    /// Set (Ctrl-C): every evaluation from then on stops at once, and `cancelled` says so.
    cancel: Option<&'a AtomicBool>,
    cancelled: bool,
    scratch: Scratch,
    cache: Vec<(u32, f64, f64)>,
    offered_load: f64,
}

impl<'a> SupportSearch<'a> {
    pub(crate) fn new(config: &'a OperationsConfig, target: f64, limit: u32) -> Self {
        SupportSearch {
            config,
            target,
            limit: limit.max(1),
            streams: Vec::new(),
            seeds: Vec::new(),
            demand: None,
            buf: Vec::new(),
            held_limit: HELD_TICKETS,
            cancel: None,
            cancelled: false,
            scratch: Scratch::default(),
            cache: Vec::new(),
            offered_load: 0.0,
        }
    }

    /// Draws `replications` ticket streams for `customers` (ticket rates × `multiplier`);
    /// replication r's seed is derived from (`seed`, customer count, r).
    pub(crate) fn load(
        &mut self,
        customers: &[OpsCustomer],
        multiplier: f64,
        replications: u32,
        seed: u64,
    ) {
        let s = &self.config.support;
        let demand = Demand::new(
            customers.iter().map(|c| (c.signed_ms, c.tier.as_str())),
            &s.tickets_per_customer_month,
            multiplier,
        );
        self.offered_load = desk::offered_load(&demand, s);
        let reps = replications.max(1) as usize;
        self.seeds = (0..reps)
            .map(|r| desk_seed(seed, customers.len(), r))
            .collect();
        let held = demand.expected_tickets(self.config.horizon_ms) * reps as f64;
        if held <= self.held_limit as f64 {
            self.streams.resize_with(reps, Vec::new);
            self.streams.truncate(reps);
            for (buf, &sd) in self.streams.iter_mut().zip(&self.seeds) {
                desk::generate_tickets(
                    &demand,
                    &s.handle_time,
                    &s.hours,
                    self.config.horizon_ms,
                    sd,
                    buf,
                );
            }
        } else {
            self.streams = Vec::new();
        }
        self.demand = Some(demand);
        self.cache.clear();
    }

    /// Stops between replications once `cancel` is set (see [`SupportSearch::cancelled`]).
    pub(crate) fn with_cancel(mut self, cancel: &'a AtomicBool) -> Self {
        self.cancel = Some(cancel);
        self
    }

    /// Whether an evaluation was cut short by the cancel flag: the answers since are not to
    /// be used.
    pub(crate) fn cancelled(&self) -> bool {
        self.cancelled
    }

    fn stop(&mut self) -> bool {
        if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            self.cancelled = true;
        }
        self.cancelled
    }

    #[cfg(test)]
    /// Holds at most `n` tickets (see [`HELD_TICKETS`]).
    pub(crate) fn with_held_limit(mut self, n: u64) -> Self {
        self.held_limit = n;
        self
    }

    /// Mean (response, resolution) attainment over the replications with `staff` people.
    pub(crate) fn evaluate(&mut self, staff: u32) -> (f64, f64) {
        if let Some(&(_, a, b)) = self.cache.iter().find(|e| e.0 == staff) {
            return (a, b);
        }
        let config: &'a OperationsConfig = self.config;
        let s = &config.support;
        let p = ServeParams {
            staff,
            calendar: &s.hours,
            response_sla_ms: s.response_sla_ms,
            resolution_sla_ms: s.resolution_sla_ms,
            horizon_ms: self.config.horizon_ms,
            measure_from_ms: 0,
        };
        let (mut resp, mut res) = (0.0, 0.0);
        if self.streams.is_empty() {
            for r in 0..self.seeds.len() {
                if self.stop() {
                    return (0.0, 0.0);
                }
                let sd = self.seeds[r];
                if let Some(demand) = &self.demand {
                    let h = self.config.horizon_ms;
                    desk::generate_tickets(demand, &s.handle_time, &s.hours, h, sd, &mut self.buf);
                    let st = desk::serve(&self.buf, &p, &mut self.scratch, None, None);
                    resp += st.response_attainment();
                    res += st.resolution_attainment();
                }
            }
        } else {
            for r in 0..self.streams.len() {
                if self.stop() {
                    return (0.0, 0.0);
                }
                let st = desk::serve(&self.streams[r], &p, &mut self.scratch, None, None);
                resp += st.response_attainment();
                res += st.resolution_attainment();
            }
        }
        let n = self.seeds.len().max(1) as f64;
        let out = (resp / n, res / n);
        self.cache.push((staff, out.0, out.1));
        out
    }

    fn meets(&mut self, staff: u32) -> bool {
        let (a, b) = self.evaluate(staff);
        let t = self.target - 1e-12;
        a >= t && b >= t
    }

    /// Why opening hours alone may rule the target out, if they do.
    fn hours_cap(&self) -> String {
        let s = &self.config.support;
        let cap = s.hours.share_within(s.response_sla_ms);
        if cap < self.target {
            format!(
                "; the opening hours alone cap response attainment near {:.1}% (a ticket waits for the next opening, and the SLA clock runs in calendar time)",
                cap * 100.0
            )
        } else {
            String::new()
        }
    }

    /// The smallest staff meeting both SLAs, searched from the offered load.
    pub(crate) fn answer(&mut self) -> SupportAnswer {
        let a = self.offered_load;
        let limit = self.limit;
        if a >= limit as f64 {
            return SupportAnswer {
                staff: None,
                response: 0.0,
                resolution: 0.0,
                offered_load: a,
                note: Some(format!(
                    "unmeetable: the offered load is {a:.1} people, so ρ ≥ 1 at every staff count up to the limit of {limit}"
                )),
            };
        }
        let guess = ((a.floor() as u32) + 1).clamp(1, limit);
        let found = smallest_meeting(guess, limit, |c| self.meets(c));
        match found {
            Some(c) => {
                let (r, s) = self.evaluate(c);
                SupportAnswer {
                    staff: Some(c),
                    response: r,
                    resolution: s,
                    offered_load: a,
                    note: None,
                }
            }
            None => {
                let (r, s) = self.evaluate(limit);
                SupportAnswer {
                    staff: None,
                    response: r,
                    resolution: s,
                    offered_load: a,
                    note: Some(format!(
                        "unmeetable: even {limit} people (the limit) reach only {:.1}% response and {:.1}% resolution attainment{}",
                        r * 100.0,
                        s * 100.0,
                        self.hours_cap()
                    )),
                }
            }
        }
    }
}

/// The smallest `c` in `1..=limit` with `meets(c)`, for a monotone `meets`, searched
/// exponentially from `guess` and then by bisection. `None` when `meets(limit)` is false.
pub(crate) fn smallest_meeting(
    guess: u32,
    limit: u32,
    mut meets: impl FnMut(u32) -> bool,
) -> Option<u32> {
    let guess = guess.clamp(1, limit);
    // Invariant once found: meets(hi), !meets(lo) (lo = 0 stands for "nothing below").
    let (mut lo, mut hi);
    if meets(guess) {
        hi = guess;
        lo = 0;
        let mut step = 1;
        while hi > 1 {
            let c = hi.saturating_sub(step).max(1);
            if meets(c) {
                hi = c;
                step *= 2;
            } else {
                lo = c;
                break;
            }
        }
    } else {
        lo = guess;
        let mut step = 1u32;
        loop {
            if lo >= limit {
                return None;
            }
            let c = lo.saturating_add(step).min(limit);
            if meets(c) {
                hi = c;
                break;
            }
            lo = c;
            step = step.saturating_mul(2);
        }
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if meets(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// What the staffing table is computed from.
pub struct StaffInput<'a> {
    pub config: &'a OperationsConfig,
    /// Customers; count n uses the first n.
    pub customers: &'a [OpsCustomer],
    /// Customer counts, each at most `customers.len()`.
    pub counts: &'a [usize],
    /// The deployment duration of each of the first n customers, deployed together.
    pub deploy_ms: &'a dyn Fn(usize) -> Vec<u64>,
    pub options: StaffOptions,
}

/// The staffing table, its sensitivity to the ticket rate, and the attainment curves. Errors
/// when a count exceeds the customers given or the options are out of range.
pub fn table(input: &StaffInput) -> Result<StaffReport, crate::config::Invalid> {
    table_with(input, &|| {}, &AtomicBool::new(false))
}

/// [`table`], calling `progress` after each customer count of each table (the base one and
/// each multiplier's) and stopping between counts when `cancel` is set: the report then holds
/// the counts finished and says it was interrupted.
pub(crate) fn table_with(
    input: &StaffInput,
    progress: &dyn Fn(),
    cancel: &AtomicBool,
) -> Result<StaffReport, crate::config::Invalid> {
    let stop = || cancel.load(Ordering::Relaxed);
    let mut interrupted = false;
    let o = &input.options;
    let cfg = input.config;
    if let Some(&n) = input.counts.iter().find(|&&n| n > input.customers.len()) {
        return Err(crate::config::Invalid::new(format!(
            "{n} customers asked for, but only {} are defined",
            input.customers.len()
        )));
    }
    if !(o.target > 0.0 && o.target <= 1.0) {
        return Err(crate::config::Invalid::new(format!(
            "the target attainment must be above 0 and at most 1, not {}",
            o.target
        )));
    }
    if o.replications == 0 || o.limit == 0 {
        return Err("replications and the limit must be at least 1".into());
    }
    if o.multipliers.iter().any(|m| !(m.is_finite() && *m > 0.0)) {
        return Err("ticket-rate multipliers must be positive numbers".into());
    }
    let mut search = SupportSearch::new(cfg, o.target, o.limit).with_cancel(cancel);
    let mut base = Vec::with_capacity(input.counts.len());
    let mut onboarding_rows = Vec::with_capacity(input.counts.len());
    let k = o.curve_staff.min(o.limit);
    let mut curves = empty_curves(1..=k);
    for &n in input.counts {
        if stop() {
            interrupted = true;
            break;
        }
        let customers = &input.customers[..n];
        search.load(customers, 1.0, o.replications, o.seed);
        let answer = search.answer();
        add_points(&mut search, &mut curves, n);
        if search.cancelled() {
            interrupted = true;
            break;
        }
        let onb = onboarding_answer(cfg, customers, &(input.deploy_ms)(n), o);
        base.push(row(cfg, customers, &answer, &onb));
        onboarding_rows.push(onb);
        progress();
    }
    // The curves reach the most support staff a count needs (up to MAX_CURVES), so that the
    // chart shows the line the answer is read from: a second pass for the staff counts the
    // first did not draw.
    let needed = base
        .iter()
        .filter_map(|r: &StaffRow| r.support_staff)
        .max()
        .unwrap_or(0)
        .min(o.limit)
        .min(MAX_CURVES);
    if k > 0 && needed > k && !interrupted {
        let mut more = empty_curves(k + 1..=needed);
        for &n in &input.counts[..base.len()] {
            if stop() {
                interrupted = true;
                break;
            }
            search.load(&input.customers[..n], 1.0, o.replications, o.seed);
            add_points(&mut search, &mut more, n);
            if search.cancelled() {
                interrupted = true;
                break;
            }
        }
        if !interrupted {
            curves.extend(more);
        }
    }
    let mut sensitivity = Vec::with_capacity(o.multipliers.len());
    for &m in &o.multipliers {
        let mut staff = Vec::with_capacity(onboarding_rows.len());
        for (&n, onb) in input.counts.iter().zip(&onboarding_rows) {
            if stop() {
                interrupted = true;
                break;
            }
            let customers = &input.customers[..n];
            search.load(customers, m, o.replications, o.seed);
            let answer = search.answer();
            if search.cancelled() {
                interrupted = true;
                break;
            }
            staff.push(row(cfg, customers, &answer, onb));
            progress();
        }
        sensitivity.push(Sensitivity {
            ticket_rate_multiplier: m,
            staff,
        });
    }
    let mut report = StaffReport::new(cfg, o, base, sensitivity, curves);
    report.interrupted = interrupted;
    Ok(report)
}

/// The onboarding answer at one customer count: (engineers, attainment, note).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OnboardingAnswer {
    pub engineers: Option<u32>,
    pub attainment: f64,
    pub note: Option<String>,
}

/// The fewest engineers setting up the target share of `customers` within the lead-time SLA.
pub(crate) fn onboarding_answer(
    cfg: &OperationsConfig,
    customers: &[OpsCustomer],
    deploy_ms: &[u64],
    o: &StaffOptions,
) -> OnboardingAnswer {
    let signed: Vec<u64> = customers.iter().map(|c| c.signed_ms).collect();
    let sla = cfg.onboarding.lead_time_sla_ms;
    let mut cache: Vec<(u32, f64)> = Vec::new();
    let mut eval = |e: u32| -> f64 {
        if let Some(&(_, a)) = cache.iter().find(|x| x.0 == e) {
            return a;
        }
        let run = onboarding::simulate(&cfg.onboarding, e, &signed, deploy_ms);
        let a = onboarding::attainment(&run, sla);
        cache.push((e, a));
        a
    };
    let t = o.target - 1e-12;
    match smallest_meeting(1, o.limit, |e| eval(e) >= t) {
        Some(e) => OnboardingAnswer {
            engineers: Some(e),
            attainment: eval(e),
            note: None,
        },
        None => {
            let a = eval(o.limit);
            OnboardingAnswer {
                engineers: None,
                attainment: a,
                note: Some(format!(
                    "unmeetable: even {} engineers (the limit) set up only {:.1}% of customers within the lead-time SLA",
                    o.limit,
                    a * 100.0
                )),
            }
        }
    }
}

fn row(
    cfg: &OperationsConfig,
    customers: &[OpsCustomer],
    s: &SupportAnswer,
    o: &OnboardingAnswer,
) -> StaffRow {
    let revenue: i64 = customers.iter().map(|c| c.monthly_cents).sum();
    let cost = match (s.staff, o.engineers) {
        (Some(a), Some(b)) => Some(
            a as i64 * cfg.support.monthly_cost_per_person_cents
                + b as i64 * cfg.onboarding.monthly_cost_per_person_cents,
        ),
        _ => None,
    };
    let margin = cost.and_then(|c| (revenue > 0).then(|| (revenue - c) as f64 / revenue as f64));
    let note = match (&s.note, &o.note) {
        (Some(a), Some(b)) => Some(format!("support: {a}; onboarding: {b}")),
        (Some(a), None) => Some(format!("support: {a}")),
        (None, Some(b)) => Some(format!("onboarding: {b}")),
        (None, None) => None,
    };
    StaffRow {
        customers: customers.len(),
        support_staff: s.staff,
        onboarding_staff: o.engineers,
        response_sla_attainment: s.response,
        resolution_sla_attainment: s.resolution,
        onboarding_attainment: o.attainment,
        offered_load: s.offered_load,
        monthly_revenue: revenue,
        monthly_staff_cost: cost,
        profit_after_staff: cost.map(|c| revenue - c),
        margin,
        note,
    }
}

/// The staffing search's report of `rows`, with its settings and notes.
impl StaffReport {
    pub(crate) fn new(
        cfg: &OperationsConfig,
        o: &StaffOptions,
        staff: Vec<StaffRow>,
        sensitivity: Vec<Sensitivity>,
        curves: Vec<AttainmentCurve>,
    ) -> StaffReport {
        let h = |ms: u64| ms as f64 / 3_600_000.0;
        let mut notes = vec![format!(
            "the search stops at {} (the limit); a count not met by then is reported unmeetable",
            people(o.limit)
        )];
        if staff.iter().any(|r| r.note.is_some()) {
            notes.push("some counts are unmeetable: see their notes".into());
        }
        notes.push(
            "staff margin: (revenue − the support and onboarding staff's cost) ÷ revenue; the \
             scenario's cost lines are not counted (run's margin counts those, not these staff)"
                .into(),
        );
        StaffReport {
            seed: o.seed,
            target: o.target,
            replications: o.replications,
            limit: o.limit,
            horizon_days: cfg.horizon_ms as f64 / 86_400_000.0,
            hours: cfg.support.hours.describe(),
            handle_time: cfg.support.handle_time.describe(),
            response_sla_h: h(cfg.support.response_sla_ms),
            resolution_sla_h: h(cfg.support.resolution_sla_ms),
            lead_time_sla_h: h(cfg.onboarding.lead_time_sla_ms),
            support_cost_per_person: cfg.support.monthly_cost_per_person_cents,
            onboarding_cost_per_person: cfg.onboarding.monthly_cost_per_person_cents,
            staff,
            sensitivity,
            curves,
            notes,
            interrupted: false,
        }
    }
}

/// An attainment curve per support staff count in `staff`, with no points yet.
fn empty_curves(staff: std::ops::RangeInclusive<u32>) -> Vec<AttainmentCurve> {
    staff
        .map(|s| AttainmentCurve {
            support_staff: s,
            points: Vec::new(),
        })
        .collect()
}

/// Each curve's point at `n` customers, from the search loaded with them.
fn add_points(search: &mut SupportSearch, curves: &mut [AttainmentCurve], n: usize) {
    for curve in curves.iter_mut() {
        let (r, s) = search.evaluate(curve.support_staff);
        curve.points.push(CurvePoint {
            customers: n,
            response_sla_attainment: r,
            resolution_sla_attainment: s,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_finds_the_threshold_from_any_guess() {
        for threshold in [1u32, 2, 3, 7, 50, 999, 1000] {
            for guess in [1u32, 2, 5, 40, 1000] {
                let mut calls = 0;
                let got = smallest_meeting(guess, 1000, |c| {
                    calls += 1;
                    c >= threshold
                });
                assert_eq!(got, Some(threshold), "threshold {threshold} guess {guess}");
                assert!(calls <= 24, "{calls} evaluations");
            }
        }
        let mut calls = 0;
        assert_eq!(
            smallest_meeting(3, 1000, |_| {
                calls += 1;
                false
            }),
            None
        );
        assert!(calls <= 12, "gives up after {calls} evaluations");
    }
}
