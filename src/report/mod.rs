//! Writers: the terminal summary, JSON and Markdown, and `--out DIR`.
//!
//! This module and `main` are the only ones that touch the file system.

pub mod charts;
pub(crate) mod html;

use std::fmt::Write as _;
use std::path::Path;

use crate::analysis::Report;
use crate::finance::{fmt_margin, fmt_money};

pub(crate) mod sweep;

pub use crate::json::{pretty_json, report_json, JsonReport, Versioned};

impl JsonReport for Report {
    const KIND: &'static str = "run";
}

/// The JSON report, pretty-printed, with a final newline. Deterministic: same report, same bytes.
pub fn json(r: &Report) -> String {
    report_json(r)
}

/// [`json`], written to `w` as it is made (a 100,000-customer report is over 100 MB).
pub(crate) fn write_json(r: &Report, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &Versioned::new(r)).map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}

fn money(d: f64) -> String {
    fmt_money((d * 100.0).round() as i64)
}

fn mins(s: f64) -> String {
    if s >= 60.0 {
        format!("{s:.1} s ({:.1} min)", s / 60.0)
    } else {
        format!("{s:.1} s")
    }
}

fn opt_s(v: Option<f64>) -> String {
    v.map(|v| format!("{v:8.1}"))
        .unwrap_or_else(|| "       -".into())
}

/// The terminal summary. `verbose` lists every resource even for large runs.
pub fn text(r: &Report, verbose: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "orgsim run · {} · seed {} · backend {}",
        r.scenario, r.seed, r.backend
    );
    if let Some(d) = &r.description {
        let _ = writeln!(o, "{d}");
    }
    if let Some(p) = &r.latency_profile {
        let _ = writeln!(o, "latencies from a measured profile: {p}");
    }
    let kinds: Vec<String> = r
        .resources
        .by_kind
        .iter()
        .map(|(k, v)| format!("{v} {k}"))
        .collect();
    let _ = writeln!(
        o,
        "\n{} customer(s) → {} resources planned ({})",
        r.customers,
        r.resources.planned,
        kinds.join(", ")
    );
    let _ = writeln!(
        o,
        "  created {} · existing {} · failed {} (of which skipped {})",
        r.resources.created, r.resources.existing, r.resources.failed, r.resources.skipped
    );
    for orphan in &r.orphans {
        let _ = writeln!(
            o,
            "  orphaned: {} as {} in {}: in the organization, not in the deployer's state (import it before the next apply)",
            orphan.resource, orphan.account_id, orphan.ou
        );
    }
    let show_all = verbose || r.resources.items.len() <= 40;
    let _ = writeln!(
        o,
        "\nResources{}",
        if show_all {
            ""
        } else {
            " (failed only; --verbose lists all)"
        }
    );
    let _ = writeln!(
        o,
        "  {:>8} {:>8}  {:<8} address",
        "start s", "end s", "status"
    );
    for it in &r.resources.items {
        if !show_all && it.status != "failed" && it.status != "skipped" {
            continue;
        }
        let mut line = format!(
            "  {} {}  {:<8} {}",
            opt_s(it.start_s),
            opt_s(it.end_s),
            it.status,
            it.address
        );
        if let Some(id) = &it.id {
            let _ = write!(line, "  {id}");
        }
        if let Some(code) = &it.code {
            let _ = write!(line, "  {code}");
        }
        let _ = writeln!(o, "{line}");
        // Which call gave up, and why.
        if let (true, Some(detail)) = (it.status == "failed", &it.detail) {
            let _ = writeln!(o, "  {:>17}  {detail}", "");
        }
    }
    let t = &r.timing;
    let _ = writeln!(o, "\nTiming");
    let _ = writeln!(
        o,
        "  makespan {} = deployer overhead {} + apply {}",
        mins(t.makespan_s),
        mins(t.overhead_s),
        mins(t.apply_s)
    );
    if let Some(rf) = &t.refresh {
        let _ = writeln!(
            o,
            "  refresh {}: {} calls, {} throttled, {}",
            mins(rf.time_s),
            rf.calls,
            rf.throttles,
            if rf.failures > 0 {
                "Planning failed (nothing created)"
            } else {
                "no failure"
            }
        );
    }
    for p in &t.phases {
        let _ = writeln!(o, "  {:<20} {:8.1} → {:8.1} s", p.kind, p.start_s, p.end_s);
    }
    let _ = writeln!(
        o,
        "  up to {} resources and {} calls in flight; {:.2} accounts/min",
        t.max_resources_in_flight, t.max_calls_in_flight, t.accounts_per_minute
    );
    if !t.critical_path.is_empty() {
        let path: Vec<&str> = t.critical_path.iter().map(|p| p.address.as_str()).collect();
        let _ = writeln!(o, "  critical path: {}", path.join(" → "));
    }
    let a = &r.api;
    let _ = writeln!(o, "\nAPI");
    let _ = writeln!(
        o,
        "  {} calls · {} retries · {} throttled",
        a.calls, a.retries, a.throttled
    );
    if !a.errors.is_empty() {
        let errs: Vec<String> = a.errors.iter().map(|(k, v)| format!("{k} ×{v}")).collect();
        let _ = writeln!(o, "  errors: {}", errs.join(", "));
    }
    let _ = writeln!(
        o,
        "  {:<34} {:>6} {:>7} {:>7} {:>7} {:>7}",
        "latency ms", "count", "p50", "p95", "p99", "max"
    );
    for (op, l) in &a.latency_ms {
        let _ = writeln!(
            o,
            "  {:<34} {:>6} {:>7} {:>7} {:>7} {:>7}",
            op, l.count, l.p50, l.p95, l.p99, l.max
        );
    }
    let unresolved = r.conflicts.iter().filter(|c| !c.resolved).count();
    let _ = writeln!(
        o,
        "\nConflicts: {} ({} unresolved)",
        r.conflicts.len(),
        unresolved
    );
    let mut by_kind: std::collections::BTreeMap<(&str, &str), (usize, usize)> = Default::default();
    for c in &r.conflicts {
        let e = by_kind.entry((c.kind, c.code.as_str())).or_default();
        e.0 += 1;
        if !c.resolved {
            e.1 += 1;
        }
    }
    for ((k, code), (n, un)) in &by_kind {
        let _ = writeln!(o, "  {k:<24} {code:<44} ×{n} ({un} unresolved)");
    }
    let shown = if verbose { r.conflicts.len() } else { 12 };
    for c in r.conflicts.iter().filter(|c| !c.resolved).take(shown) {
        let _ = writeln!(
            o,
            "  {:8.1} s  {}  {}  {}",
            c.at_s, c.code, c.resource, c.detail
        );
    }
    let _ = writeln!(o, "\nValidation matrix");
    for v in &r.validation {
        let _ = writeln!(o, "  {:<4} {:<18} {}", v.status, v.check, v.detail);
    }
    let f = &r.financials;
    let _ = writeln!(o, "\nFinancials (monthly)");
    let _ = writeln!(
        o,
        "  revenue  {:>12}   ({} customer(s) billable)",
        money(f.revenue),
        f.billable_customers
    );
    if f.revenue_at_risk > 0.0 {
        let _ = writeln!(
            o,
            "  at risk  {:>12}   (customers without an account)",
            money(f.revenue_at_risk)
        );
    }
    for l in &f.lines {
        let _ = writeln!(o, "    {:<28} {:>12}", l.name, money(l.monthly));
    }
    let _ = writeln!(o, "  costs    {:>12}", money(f.costs));
    let _ = writeln!(o, "  profit   {:>12}", money(f.profit));
    let _ = writeln!(
        o,
        "  margin   {:>12}   (revenue − the cost lines above, of the customers billed)",
        fmt_margin(f.margin)
    );
    let _ = writeln!(
        o,
        "  per customer: revenue {}, profit {}",
        money(f.revenue_per_customer),
        money(f.profit_per_customer)
    );
    if !r.expectations.is_empty() {
        let _ = writeln!(o, "\nExpectations");
        for e in &r.expectations {
            let _ = writeln!(o, "  {:<4} {:<26} {}", e.status, e.name, e.detail);
        }
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\nFindings");
        for f in &r.findings {
            let _ = writeln!(o, "  {}  {}: {}", f.kind, f.resource, f.detail);
        }
    }
    let _ = writeln!(o, "\nVerdict: {}", r.verdict);
    o
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The Markdown report, for pull requests and review documents.
pub(crate) fn markdown(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# orgsim: {}\n", r.scenario);
    if let Some(d) = &r.description {
        let _ = writeln!(o, "{}\n", d);
    }
    let _ = writeln!(
        o,
        "Seed {} · backend `{}` · verdict **{}**\n",
        r.seed, r.backend, r.verdict
    );
    if let Some(p) = &r.latency_profile {
        let _ = writeln!(o, "Latencies from a measured profile: `{p}`\n");
    }
    let _ = writeln!(o, "## Summary\n");
    let _ = writeln!(o, "| metric | value |\n|---|---|");
    let _ = writeln!(o, "| customers | {} |", r.customers);
    let _ = writeln!(
        o,
        "| resources | {} planned, {} created, {} existing, {} failed |",
        r.resources.planned, r.resources.created, r.resources.existing, r.resources.failed
    );
    let _ = writeln!(o, "| makespan | {} |", mins(r.timing.makespan_s));
    let _ = writeln!(o, "| deployer overhead | {} |", mins(r.timing.overhead_s));
    if let Some(rf) = &r.timing.refresh {
        let _ = writeln!(
            o,
            "| refresh | {} ({} calls, {} throttled, {} failed) |",
            mins(rf.time_s),
            rf.calls,
            rf.throttles,
            rf.failures
        );
    }
    let _ = writeln!(
        o,
        "| API calls | {} ({} retries, {} throttled) |",
        r.api.calls, r.api.retries, r.api.throttled
    );
    let _ = writeln!(
        o,
        "| conflicts | {} ({} unresolved) |",
        r.conflicts.len(),
        r.conflicts.iter().filter(|c| !c.resolved).count()
    );
    let _ = writeln!(
        o,
        "| orphaned accounts | {} (in the organization, not in the deployer's state{}) |",
        r.orphaned_accounts,
        if r.orphaned_accounts > 0 {
            ": import each before the next apply"
        } else {
            ""
        }
    );
    let _ = writeln!(o, "| revenue | {} |", money(r.financials.revenue));
    let _ = writeln!(o, "| costs | {} |", money(r.financials.costs));
    let _ = writeln!(o, "| profit | {} |", money(r.financials.profit));
    let _ = writeln!(o, "| margin | {} |", fmt_margin(r.financials.margin));
    let _ = writeln!(
        o,
        "\n## Validation matrix\n\n| check | status | detail |\n|---|---|---|"
    );
    for v in &r.validation {
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            v.check,
            v.status,
            md_escape(&v.detail)
        );
    }
    if !r.expectations.is_empty() {
        let _ = writeln!(
            o,
            "\n## Expectations\n\n| expectation | status | detail |\n|---|---|---|"
        );
        for e in &r.expectations {
            let _ = writeln!(
                o,
                "| {} | {} | {} |",
                e.name,
                e.status,
                md_escape(&e.detail)
            );
        }
    }
    let _ = writeln!(
        o,
        "\n## Phases\n\n| phase | start (s) | end (s) |\n|---|---:|---:|"
    );
    for p in &r.timing.phases {
        let _ = writeln!(o, "| {} | {:.1} | {:.1} |", p.kind, p.start_s, p.end_s);
    }
    let _ = writeln!(o, "\n## Resources\n\n| address | status | id | start (s) | end (s) | calls | code |\n|---|---|---|---:|---:|---:|---|");
    for it in &r.resources.items {
        let _ = writeln!(
            o,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            it.address,
            it.status,
            it.id.as_deref().unwrap_or(""),
            it.start_s.map(|v| format!("{v:.1}")).unwrap_or_default(),
            it.end_s.map(|v| format!("{v:.1}")).unwrap_or_default(),
            it.calls,
            it.code.as_deref().unwrap_or("")
        );
    }
    let _ = writeln!(o, "\n## Conflicts\n");
    if r.conflicts.is_empty() {
        let _ = writeln!(o, "None.");
    } else {
        let _ = writeln!(
            o,
            "| at (s) | kind | code | resource | resolved | detail |\n|---:|---|---|---|---|---|"
        );
        for c in &r.conflicts {
            let _ = writeln!(
                o,
                "| {:.1} | {} | {} | `{}` | {} | {} |",
                c.at_s,
                c.kind,
                c.code,
                c.resource,
                if c.resolved { "yes" } else { "no" },
                md_escape(&c.detail)
            );
        }
    }
    let _ = writeln!(o, "\n## API latency (ms)\n\n| operation | count | p50 | p95 | p99 | max |\n|---|---:|---:|---:|---:|---:|");
    for (op, l) in &r.api.latency_ms {
        let _ = writeln!(
            o,
            "| {op} | {} | {} | {} | {} | {} |",
            l.count, l.p50, l.p95, l.p99, l.max
        );
    }
    let f = &r.financials;
    let _ = writeln!(
        o,
        "\n## Financials (monthly)\n\n| line | amount |\n|---|---:|"
    );
    let _ = writeln!(o, "| revenue | {} |", money(f.revenue));
    for l in &f.lines {
        let _ = writeln!(o, "| {} | {} |", md_escape(&l.name), money(l.monthly));
    }
    let _ = writeln!(o, "| **costs** | {} |", money(f.costs));
    let _ = writeln!(o, "| **profit** | {} |", money(f.profit));
    let _ = writeln!(o, "| margin | {} |", fmt_margin(f.margin));
    o
}

/// The Markdown report with the charts (as images beside it) and the margin table.
pub(crate) fn markdown_with_charts(sc: &crate::scenario::Scenario, r: &Report) -> String {
    let mut o = markdown(r);
    let _ = writeln!(
        o,
        "\n## Timeline\n\n![Timeline: one row per resource; time in calls, backing off and polling apart; conflicts marked](timeline.svg)\n"
    );
    let _ = writeln!(
        o,
        "## Margin by customer count\n\nThe scenario's customers in order (repeated past its own {} to keep its tier mix), \
         all onboarded. *Brief's view*: only the base infrastructure (the first fixed cost line), held flat, \
         as in the brief's \"Margin Expansion\" table; *all costs*: every `[[costs]]` line of the scenario.\n",
        sc.customers.len()
    );
    o.push_str(&charts::margin_table_md(sc));
    let _ = writeln!(o, "\n![Margin chart](margin.svg)");
    o
}

/// The files `run --out DIR` writes: `report.json`, `report.md`, `report.html`,
/// `timeline.svg`, `margin.svg`; with `png`, `timeline.png` and `margin.png` too.
pub fn out_files(
    sc: &crate::scenario::Scenario,
    plan: &crate::plan::Plan,
    trace: &crate::engine::trace::Trace,
    r: &Report,
    png: bool,
) -> Result<Vec<(&'static str, Vec<u8>)>, charts::style::ChartError> {
    let timeline_chart = charts::TimelineChart::new(sc, plan, trace, r);
    let margin_chart = charts::MarginChart::new(sc);
    let timeline = charts::svg(&timeline_chart);
    let margin = charts::svg(&margin_chart);
    let mut files = vec![
        ("report.json", json(r).into_bytes()),
        ("report.md", markdown_with_charts(sc, r).into_bytes()),
        (
            "report.html",
            html::page(sc, r, &timeline, &margin).into_bytes(),
        ),
        ("timeline.svg", timeline.into_bytes()),
        ("margin.svg", margin.into_bytes()),
    ];
    if png {
        files.push(("timeline.png", charts::png(&timeline_chart)?));
        files.push(("margin.png", charts::png(&margin_chart)?));
    }
    Ok(files)
}

/// Writes `files` into `dir` (created if needed), all or nothing: every file is first written
/// as a temporary inside `dir`, and they are renamed into place only once all are written. A
/// destination that is a directory or not a regular file is refused before anything is
/// written. If a write or a rename fails, the temporaries are removed and the files already
/// replaced are restored from their backups (hard links, taken before the first rename), so the
/// directory holds what it held before.
pub fn write_files<N: AsRef<str>, C: AsRef<[u8]>>(
    dir: &Path,
    files: &[(N, C)],
) -> std::io::Result<()> {
    write_files_with(dir, files, &[])
}

/// A temporary name in `dir` for `name`, of this process and call: two commands writing into
/// one directory do not collide.
pub(crate) fn temporary_name(dir: &Path, name: &str, what: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static CALLS: AtomicU64 = AtomicU64::new(0);
    dir.join(format!(
        ".{name}.{}-{}.orgsim-{what}",
        std::process::id(),
        CALLS.fetch_add(1, Ordering::Relaxed)
    ))
}

/// Removes the temporaries and backups ([`temporary_name`]) that a process killed while
/// writing into `dir` left behind (`kill -9` during `sweep --out`): each one whose process is
/// no longer running. Those of a running orgsim are left alone; where processes cannot be
/// looked up (no `/proc`), nothing is removed.
pub(crate) fn remove_leftovers(dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(pid) = leftover_pid(name) {
            if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// The process id in a [`temporary_name`] (`.NAME.PID-N.orgsim-tmp`, `...orgsim-old`).
fn leftover_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?;
    let stem = rest
        .strip_suffix(".orgsim-tmp")
        .or_else(|| rest.strip_suffix(".orgsim-old"))?;
    let (_, tail) = stem.rsplit_once('.')?;
    let (pid, n) = tail.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// [`write_files`], with files already written as temporaries in `dir` (`staged`: the name each
/// goes to, and its temporary, made with [`temporary_name`]): they are renamed into place with
/// the others, all or nothing, and removed if anything fails.
pub(crate) fn write_files_with<N: AsRef<str>, C: AsRef<[u8]>>(
    dir: &Path,
    files: &[(N, C)],
    staged: &[(&str, &Path)],
) -> std::io::Result<()> {
    use std::io::{Error, ErrorKind};
    use std::path::PathBuf;

    let remove_all = |paths: &[PathBuf]| {
        for p in paths {
            let _ = std::fs::remove_file(p);
        }
    };
    let staged_temps: Vec<PathBuf> = staged.iter().map(|(_, t)| t.to_path_buf()).collect();
    let fail = |e: Error| {
        remove_all(&staged_temps);
        Err(e)
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        return fail(e);
    }
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return fail(Error::new(ErrorKind::NotADirectory, "not a directory")),
        Err(e) => return fail(e),
    }
    remove_leftovers(dir);
    let names: Vec<&str> = files
        .iter()
        .map(|(n, _)| n.as_ref())
        .chain(staged.iter().map(|(n, _)| *n))
        .collect();
    let dests: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    for d in &dests {
        match std::fs::metadata(d) {
            Ok(m) if !m.is_file() => {
                return fail(Error::new(
                    ErrorKind::AlreadyExists,
                    format!("{} exists and is not a regular file", d.display()),
                ))
            }
            _ => {}
        }
    }
    let mut temps: Vec<PathBuf> = files
        .iter()
        .map(|(n, _)| temporary_name(dir, n.as_ref(), "tmp"))
        .collect();
    temps.extend(staged_temps.iter().cloned());
    let backups: Vec<PathBuf> = names
        .iter()
        .map(|n| temporary_name(dir, n, "old"))
        .collect();
    // 1. Every temporary, whole (the staged ones are).
    for ((name, content), tmp) in files.iter().zip(&temps) {
        // A text report (not a PNG): no control character from a file or an endpoint in it.
        let bytes = content.as_ref();
        let text = (!name.as_ref().ends_with(".png"))
            .then(|| std::str::from_utf8(bytes).ok())
            .flatten()
            .map(crate::text::clean);
        let bytes = text.as_deref().map_or(bytes, str::as_bytes);
        if let Err(e) = std::fs::write(tmp, bytes) {
            remove_all(&temps);
            return Err(e);
        }
    }
    // 2. A backup of every file about to be replaced.
    let mut had = vec![false; dests.len()];
    for (i, (d, b)) in dests.iter().zip(&backups).enumerate() {
        if d.is_file() {
            if let Err(e) = std::fs::hard_link(d, b).or_else(|_| std::fs::copy(d, b).map(|_| ())) {
                remove_all(&temps);
                remove_all(&backups);
                return Err(e);
            }
            had[i] = true;
        }
    }
    // 3. The renames; a failure puts back what was there.
    for i in 0..dests.len() {
        if let Err(e) = std::fs::rename(&temps[i], &dests[i]) {
            for j in 0..i {
                if had[j] {
                    let _ = std::fs::rename(&backups[j], &dests[j]);
                } else {
                    let _ = std::fs::remove_file(&dests[j]);
                }
            }
            remove_all(&temps);
            remove_all(&backups);
            return Err(e);
        }
    }
    remove_all(&backups);
    Ok(())
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub(crate) struct PlanJson<'a> {
    scenario: &'a str,
    customers: usize,
    resources: Vec<PlanResourceJson<'a>>,
    by_kind: std::collections::BTreeMap<&'static str, usize>,
    findings: &'a [crate::plan::Finding],
}

#[derive(serde::Serialize, schemars::JsonSchema)]
pub(crate) struct PlanResourceJson<'a> {
    address: &'a str,
    kind: &'static str,
    depends_on: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer: Option<&'a str>,
    name: String,
}

fn resource_name(r: &crate::plan::Resource) -> String {
    use crate::plan::Spec;
    match &r.spec {
        Spec::Ou { name, .. } | Spec::Policy { name, .. } => name.to_string(),
        Spec::Account { name, email, .. } => format!("{name} <{email}>"),
        Spec::Attachment { .. } => String::new(),
        Spec::Tags { tags, .. } => tags
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
    }
}

/// The plan as JSON.
pub(crate) fn plan_json(sc: &crate::scenario::Scenario, p: &crate::plan::Plan) -> String {
    let j = PlanJson {
        scenario: &sc.name,
        customers: sc.customers.len(),
        resources: p
            .resources
            .iter()
            .map(|r| PlanResourceJson {
                address: &r.address,
                kind: r.kind.as_str(),
                depends_on: r
                    .deps
                    .iter()
                    .map(|&d| p.resources[d].address.as_str())
                    .collect(),
                customer: r.customer.map(|c| sc.customers[c].name.as_str()),
                name: resource_name(r),
            })
            .collect(),
        by_kind: p
            .count_by_kind()
            .into_iter()
            .map(|(k, v)| (k.as_str(), v))
            .collect(),
        findings: &p.findings,
    };
    report_json(&j)
}

impl JsonReport for PlanJson<'_> {
    const KIND: &'static str = "plan";
}

/// The plan as text, like `terraform plan`.
pub(crate) fn plan_text(sc: &crate::scenario::Scenario, p: &crate::plan::Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "orgsim plan · {} · {} customer(s)\n",
        sc.name,
        sc.customers.len()
    );
    for (i, r) in p.resources.iter().enumerate() {
        // `=`: in the deployer's state, refreshed and left as it is.
        let mark = if p.state_id(i).is_some() { '=' } else { '+' };
        let _ = writeln!(o, "  {mark} {}", r.address);
        let name = resource_name(r);
        if !name.is_empty() {
            let _ = writeln!(o, "      {name}");
        }
        if !r.deps.is_empty() {
            let deps: Vec<&str> = r
                .deps
                .iter()
                .map(|&d| p.resources[d].address.as_str())
                .collect();
            let _ = writeln!(o, "      depends on {}", deps.join(", "));
        }
    }
    let kinds: Vec<String> = p
        .count_by_kind()
        .iter()
        .map(|(k, v)| format!("{v} {}", k.as_str()))
        .collect();
    let in_state = (0..p.resources.len())
        .filter(|&i| p.state_id(i).is_some())
        .count();
    if in_state == 0 {
        let _ = writeln!(
            o,
            "\nPlan: {} to add ({}).",
            p.resources.len(),
            kinds.join(", ")
        );
    } else {
        let _ = writeln!(
            o,
            "\nPlan: {} to add, {in_state} in state (refreshed, then unchanged) ({}); {} \
             resources in state refreshed first.",
            p.resources.len() - in_state,
            kinds.join(", "),
            p.state.resources.len()
        );
    }
    if !p.findings.is_empty() {
        let _ = writeln!(o, "\nPre-flight findings:");
        for f in &p.findings {
            let _ = writeln!(o, "  ! {} {}: {}", f.code, f.resource, f.detail);
        }
    }
    o
}
