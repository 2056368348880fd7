//! `report.html`: one self-contained page (inline CSS and SVG; no script, no network) with the
//! summary, the validation matrix, the timeline, the conflicts, the financials and the margin
//! chart and table.

use std::fmt::Write as _;

use crate::analysis::Report;
use crate::finance::{fmt_margin, fmt_margin_fine, fmt_money};
use crate::scenario::Scenario;

use super::charts;

/// Conflicts listed in full up to this many; beyond, the first ones and a count.
pub const MAX_CONFLICT_ROWS: usize = 200;

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

fn money(d: f64) -> String {
    fmt_money((d * 100.0).round() as i64)
}

fn status_class(s: &str) -> &'static str {
    match s {
        "PASS" => "pass",
        "FAIL" => "fail",
        _ => "na",
    }
}

const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;padding:24px 32px;color:#222;background:#fafafa;line-height:1.4}
h1{margin:0 0 4px;font-size:26px}h2{margin:32px 0 8px;font-size:20px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555;margin:0 0 16px}
table{border-collapse:collapse;background:#fff;margin:8px 0;font-size:14px;max-width:100%}
th,td{border:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top;overflow-wrap:break-word}
td code{overflow-wrap:anywhere}
#validation-matrix td:nth-child(-n+2),#expectations td:nth-child(-n+2){white-space:nowrap}
#validation-matrix td:nth-child(-n+2) code,#expectations td:nth-child(-n+2) code{overflow-wrap:normal}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:bold;color:#fff}
.pass{color:#1a7f37;font-weight:bold}.fail{color:#cf222e;font-weight:bold}.na{color:#777}
.badge.pass{background:#1a7f37;color:#fff}.badge.fail{background:#cf222e;color:#fff}
figure{margin:8px 0;background:#fff;border:1px solid #ddd;padding:8px;overflow-x:auto}
figure svg{max-width:100%;height:auto;display:block}
figcaption{color:#555;font-size:13px;margin-top:4px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #ddd;padding:8px 14px;min-width:130px}
.card b{display:block;font-size:20px}.card span{color:#555;font-size:12px}
";

/// The page. `timeline_svg` and `margin_svg` are the charts' SVG documents, inlined.
pub fn page(sc: &Scenario, r: &Report, timeline_svg: &str, margin_svg: &str) -> String {
    let mut o = String::new();
    let unresolved = r.conflicts.iter().filter(|c| !c.resolved).count();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>orgsim: {}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&r.scenario)
    );
    let _ = writeln!(
        o,
        "<h1>orgsim: {} <span class=\"badge {}\" id=\"verdict\">{}</span></h1>",
        esc(&r.scenario),
        status_class(r.verdict.as_str()),
        r.verdict
    );
    let _ = writeln!(
        o,
        "<p class=\"sub\">{}seed {} · backend <code>{}</code></p>",
        r.description
            .as_deref()
            .map(|d| format!("{} · ", esc(d)))
            .unwrap_or_default(),
        r.seed,
        esc(&r.backend)
    );
    // Summary cards.
    let f = &r.financials;
    let cards = [
        ("customers", r.customers.to_string()),
        (
            "resources created / planned",
            format!(
                "{} / {}",
                r.resources.created + r.resources.existing,
                r.resources.planned
            ),
        ),
        ("makespan", format!("{:.1} min", r.timing.makespan_s / 60.0)),
        ("API calls", r.api.calls.to_string()),
        ("throttled", r.api.throttled.to_string()),
        (
            "conflicts (unresolved)",
            format!("{} ({unresolved})", r.conflicts.len()),
        ),
        ("monthly revenue", money(f.revenue)),
        ("monthly profit", money(f.profit)),
        ("margin", fmt_margin(f.margin)),
    ];
    let _ = writeln!(o, "<h2 id=\"summary\">Summary</h2>\n<div class=\"cards\">");
    for (k, v) in cards {
        let _ = writeln!(
            o,
            "<div class=\"card\"><b>{}</b><span>{}</span></div>",
            esc(&v),
            esc(k)
        );
    }
    let _ = writeln!(o, "</div>");
    // Validation matrix.
    let _ = writeln!(
        o,
        "<h2>Validation matrix</h2>\n<table id=\"validation-matrix\">\n<tr><th>check</th><th>status</th><th>detail</th></tr>"
    );
    for v in &r.validation {
        let _ = writeln!(
            o,
            "<tr data-check=\"{}\"><td><code>{}</code></td><td class=\"{}\">{}</td><td>{}</td></tr>",
            v.check,
            v.check,
            status_class(v.status),
            v.status,
            esc(&v.detail)
        );
    }
    let _ = writeln!(o, "</table>");
    if !r.expectations.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Expectations</h2>\n<table id=\"expectations\">\n<tr><th>expectation</th><th>status</th><th>detail</th></tr>"
        );
        for e in &r.expectations {
            let _ = writeln!(
                o,
                "<tr><td><code>{}</code></td><td class=\"{}\">{}</td><td>{}</td></tr>",
                e.name,
                status_class(e.status),
                e.status,
                esc(&e.detail)
            );
        }
        let _ = writeln!(o, "</table>");
    }
    // Timeline.
    let _ = writeln!(
        o,
        "<h2>Timeline</h2>\n<figure id=\"timeline\">\n{}\n<figcaption>Each bar runs from a resource's first call to its end; \
         dark blue is time in an API call, orange backing off after a throttle or error, yellow waiting between account-status polls. \
         Crosses (ticks, when rows are folded) are conflicts a retry resolved, triangles conflicts nothing resolved; \
         a red label marks a row with resources that were not created, and the count and reason follow its bar.</figcaption>\n</figure>",
        strip_xml_decl(timeline_svg)
    );
    // Conflicts.
    let _ = writeln!(
        o,
        "<h2>Conflicts</h2>\n<p>{} conflict(s), {unresolved} unresolved.</p>",
        r.conflicts.len()
    );
    if !r.conflicts.is_empty() {
        let _ = writeln!(
            o,
            "<table id=\"conflicts\">\n<tr><th>at (s)</th><th>kind</th><th>code</th><th>resource</th><th>resolved</th><th>detail</th></tr>"
        );
        for c in r.conflicts.iter().take(MAX_CONFLICT_ROWS) {
            let _ = writeln!(
                o,
                "<tr><td class=\"num\">{:.1}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td class=\"{}\">{}</td><td>{}</td></tr>",
                c.at_s,
                c.kind,
                esc(&c.code),
                esc(&c.resource),
                if c.resolved { "pass" } else { "fail" },
                if c.resolved { "yes" } else { "no" },
                esc(&c.detail)
            );
        }
        let _ = writeln!(o, "</table>");
        if r.conflicts.len() > MAX_CONFLICT_ROWS {
            let _ = writeln!(
                o,
                "<p>… and {} more (all of them are in report.json and report.md).</p>",
                r.conflicts.len() - MAX_CONFLICT_ROWS
            );
        }
    }
    // Financials.
    let _ = writeln!(
        o,
        "<h2>Financials (monthly)</h2>\n<table id=\"financials\">\n<tr><th>line</th><th>amount</th></tr>\n\
         <tr><td>revenue ({} customer(s) billable)</td><td class=\"num\">{}</td></tr>",
        f.billable_customers,
        money(f.revenue)
    );
    for l in &f.lines {
        let _ = writeln!(
            o,
            "<tr><td>cost: {}</td><td class=\"num\">{}</td></tr>",
            esc(&l.name),
            money(l.monthly)
        );
    }
    let _ = writeln!(
        o,
        "<tr><th>costs</th><th class=\"num\">{}</th></tr>\n<tr><th>profit</th><th class=\"num\">{}</th></tr>\n\
         <tr><th>margin</th><th class=\"num\">{}</th></tr>\n</table>",
        money(f.costs),
        money(f.profit),
        fmt_margin(f.margin)
    );
    // Margin.
    let _ = writeln!(
        o,
        "<h2>Margin by customer count</h2>\n<p>The scenario's customers in order (repeated past its own {} to keep its tier mix), all onboarded. \
         <em>Brief's view</em>: only the base infrastructure (the first fixed cost line), held flat, as in the brief's \
         \u{201c}Margin Expansion\u{201d} table; <em>all costs</em>: every cost line of the scenario.</p>",
        sc.customers.len()
    );
    let _ = writeln!(
        o,
        "<table id=\"margin-table\">\n<tr><th>customers</th><th>revenue</th><th>base infrastructure</th><th>margin (brief's view)</th>\
         <th>all costs</th><th>profit</th><th>margin</th></tr>"
    );
    for m in charts::margin_rows(sc) {
        let _ = writeln!(
            o,
            "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            m.customers,
            fmt_money(m.revenue_cents),
            fmt_money(m.brief_costs_cents),
            fmt_margin_fine(m.brief_margin),
            fmt_money(m.costs_cents),
            fmt_money(m.profit_cents),
            fmt_margin_fine(m.margin)
        );
    }
    let _ = writeln!(o, "</table>");
    let _ = writeln!(
        o,
        "<figure id=\"margin\">\n{}\n<figcaption>Left: the scenario's money per month at 1..N customers, on linear axes: \
         the costs stacked by line, the profit the green band up to the revenue line. Right: the margin under the brief's view \
         (dashed: base infrastructure only) and under the scenario's cost model, labelled at the brief's 1, 2, 5, 10 and 100 customers.</figcaption>\n</figure>",
        strip_xml_decl(margin_svg)
    );
    let _ = writeln!(o, "</body>\n</html>");
    o
}

/// An SVG document ready to inline: without an XML declaration, if it has one.
fn strip_xml_decl(svg: &str) -> &str {
    if svg.starts_with("<?xml") {
        svg.find("?>").map_or(svg, |i| svg[i + 2..].trim_start())
    } else {
        svg
    }
}
