//! The load test's terminal report.

use super::report::{Latency, LatencyUnit, LoadReport};

/// The terminal report.
pub fn text(r: &LoadReport) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let stages: Vec<String> = r
        .stages
        .iter()
        .map(|s| {
            format!(
                "{:.0}s→{:.2}/min",
                s.duration_ms as f64 / 1000.0,
                s.target_per_min
            )
        })
        .collect();
    let _ = writeln!(
        o,
        "orgsim load · {} · backend {} · seed {} · {:?} arrivals · stages {}",
        r.scenario,
        r.backend,
        r.seed,
        r.arrivals,
        stages.join(", ")
    );
    if let Some(p) = &r.latency_profile {
        let _ = writeln!(o, "latencies from a measured profile: {p}");
    }
    let unfinished = if r.unfinished == 0 {
        "0 unfinished".to_string()
    } else {
        format!(
            "{} unfinished ({} running, {} still waiting for a slot when the test ended)",
            r.unfinished, r.running_at_end, r.waiting_at_end
        )
    };
    let cap = r
        .max_concurrent
        .map(|n| format!(" (max_concurrent {n})"))
        .unwrap_or_default();
    let _ = writeln!(
        o,
        "\n{} onboardings: {} completed, {} failed, {unfinished}\nthroughput {:.2}/min · error rate {:.1}% · most running at once {}{cap} · most waiting for a slot {}",
        r.onboardings,
        r.completed,
        r.failed,
        r.throughput_per_min,
        r.error_rate * 100.0,
        r.most_running,
        r.most_waiting
    );
    // Each row in a unit that suits it, with its precision; a percentile that is only a lower
    // bound (it falls among the unfinished, censored at the end) is marked ≥.
    let _ = writeln!(
        o,
        "\n{:<38} {:>6} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "latency (exact nearest rank)", "count", "p50", "p90", "p95", "p99", "max"
    );
    // The unit a threshold on `what` was written in, if there is one.
    let written = |what: &str| {
        r.thresholds
            .iter()
            .find_map(|t| t.latency_of.as_ref().filter(|(w, _)| w == what))
            .map(|&(_, u)| u)
    };
    let row = |o: &mut String, name: &str, p: &Latency, to_ms: f64| {
        let what = if to_ms == 1.0 { name } else { "onboarding" };
        let unit =
            written(what).unwrap_or_else(|| LatencyUnit::for_max_ms(p.max.unwrap_or(0.0) * to_ms));
        let v = |name: &str, x: Option<f64>| match x {
            None => "—".to_string(),
            Some(x) => format!(
                "{}{}",
                if p.at_least.contains(&name) {
                    "≥"
                } else {
                    ""
                },
                unit.show(x * to_ms)
            ),
        };
        let count = if p.censored > 0 {
            format!("{}+{}", p.count - p.censored, p.censored)
        } else {
            p.count.to_string()
        };
        let _ = writeln!(
            o,
            "{:<38} {:>6} {:>10} {:>10} {:>10} {:>10} {:>10}",
            name,
            count,
            v("p50", p.p50),
            v("p90", p.p90),
            v("p95", p.p95),
            v("p99", p.p99),
            v("max", p.max)
        );
    };
    row(&mut o, "onboarding, raw", &r.onboarding_raw_s, 1000.0);
    row(
        &mut o,
        "onboarding, corrected",
        &r.onboarding_corrected_s,
        1000.0,
    );
    for (op, p) in &r.operations_ms {
        row(&mut o, op, p, 1.0);
    }
    let censored = r.onboarding_corrected_s.censored + r.unanswered as u64;
    if censored > 0 || r.failed > 0 {
        let _ = writeln!(
            o,
            "(count: finished+unfinished; an unfinished onboarding or call counts with its time \
             until the end of the test, ≥ marks a figure that is only a lower bound; failed \
             onboardings are errors, not latencies)"
        );
    }
    if r.unanswered > 0 {
        let by: Vec<String> = r
            .unanswered_by_operation
            .iter()
            .map(|(k, v)| format!("{k} ×{v}"))
            .collect();
        let _ = writeln!(
            o,
            "\n{} calls sent, {} answered, {} throttled; {} unanswered when the test ended: {}",
            r.calls,
            r.calls - r.unanswered,
            r.throttled,
            r.unanswered,
            by.join(", ")
        );
    } else {
        let _ = writeln!(o, "\n{} calls, {} throttled", r.calls, r.throttled);
    }
    if !r.errors.is_empty() {
        let e: Vec<String> = r.errors.iter().map(|(k, v)| format!("{k} ×{v}")).collect();
        let _ = writeln!(o, "call errors: {}", e.join(", "));
    }
    if !r.failures.is_empty() {
        let e: Vec<String> = r
            .failures
            .iter()
            .map(|(k, v)| format!("{k} ×{v}"))
            .collect();
        let _ = writeln!(o, "failed resources: {}", e.join(", "));
    }
    let lat_unit = LatencyUnit::for_max_ms(
        r.over_time
            .iter()
            .filter_map(|b| b.p95_s)
            .fold(0.0f64, f64::max)
            * 1000.0,
    );
    let lat_unit = if lat_unit == LatencyUnit::Ms {
        LatencyUnit::S
    } else {
        lat_unit
    };
    let _ = writeln!(
        o,
        "\nover time (corrected latency of the onboardings completing in each interval; running \
         and waiting for a slot at its end)"
    );
    let p50h = format!("p50 ({})", lat_unit.name());
    let p95h = format!("p95 ({})", lat_unit.name());
    let _ = writeln!(
        o,
        "{:>9} {:>9} {:>8} {:>10} {:>7} {:>9} {:>9} {:>8} {:>8}",
        "from s", "to s", "arrived", "completed", "failed", p50h, p95h, "running", "waiting"
    );
    for b in &r.over_time {
        let v = |x: Option<f64>| x.map(|x| lat_unit.number(x * 1000.0)).unwrap_or_default();
        let _ = writeln!(
            o,
            "{:>9.0} {:>9.0} {:>8} {:>10} {:>7} {:>9} {:>9} {:>8} {:>8}",
            b.from_s,
            b.to_s,
            b.arrived,
            b.completed,
            b.failed,
            v(b.p50_s),
            v(b.p95_s),
            b.running,
            b.waiting
        );
    }
    if !r.thresholds.is_empty() {
        let _ = writeln!(o, "\nthresholds");
        for t in &r.thresholds {
            let _ = writeln!(
                o,
                "  {:<4} {:<34} measured {}",
                t.status, t.threshold, t.shown
            );
        }
    }
    if r.interrupted {
        let _ = writeln!(
            o,
            "\nVerdict: {} (Ctrl-C after {:.1} s of the planned {:.1} s of arrivals: the figures \
             cover what ran, and a partial test neither passes nor fails)",
            r.verdict,
            r.duration_s,
            r.planned_duration_s.unwrap_or(r.duration_s)
        );
    } else {
        let _ = writeln!(o, "\nVerdict: {}", r.verdict);
    }
    o
}
