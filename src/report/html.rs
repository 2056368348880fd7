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

/// The page's style. The page is at most 1,800 px wide (centred beyond) with 8 px margins up to
/// 1,500 px, so that a chart's minimum width ([`embed`]) fits its card at 1,400 px; each chart
/// fills its card (`width:100%`, its height from its viewBox) and, where the card is narrower than
/// the width at which its smallest text is [`MIN_TEXT_PX`], scrolls inside it rather than
/// shrinking its text; no table is wider than the page: long identifiers break at `_`, `.` and
/// word boundaries, and below 700 px the conflicts and margin tables stack, one block per row
/// with each value labelled by its column.
const CSS: &str = "
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;padding:8px;max-width:1800px;color:#222;background:#fafafa;line-height:1.4}
@media (min-width:1500px){body{padding:24px 32px}}
h1{margin:0 0 4px;font-size:26px}h2{margin:32px 0 8px;font-size:20px;border-bottom:1px solid #ddd;padding-bottom:4px}
.sub{color:#555;margin:0 0 16px}
table{border-collapse:collapse;background:#fff;margin:8px 0;font-size:14px;max-width:100%}
th,td{border:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top;overflow-wrap:break-word}
td code{overflow-wrap:anywhere}
#conflicts td:last-child{overflow-wrap:anywhere}
#validation-matrix td:nth-child(-n+2),#expectations td:nth-child(-n+2){white-space:nowrap}
#validation-matrix td:nth-child(-n+2) code,#expectations td:nth-child(-n+2) code{overflow-wrap:normal}
th{background:#f0f0f0}td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:bold;color:#fff}
.pass{color:#1a7f37;font-weight:bold}.fail{color:#cf222e;font-weight:bold}.na{color:#777}
.badge.pass{background:#1a7f37;color:#fff}.badge.fail{background:#cf222e;color:#fff}
figure{margin:8px 0;background:#fff;border:1px solid #ddd;padding:0;overflow-x:auto}
figure svg{width:100%;height:auto;display:block}
figcaption{color:#555;font-size:13px;margin:4px 8px 8px}
.cards{display:flex;flex-wrap:wrap;gap:12px}.card{background:#fff;border:1px solid #ddd;padding:8px 14px;min-width:130px}
.card b{display:block;font-size:20px}.card span{color:#555;font-size:12px}
@media (max-width:700px){
table.stack,table.stack tbody,table.stack tr,table.stack td{display:block;width:auto}
table.stack tr.head{display:none}
table.stack tr{border:1px solid #ddd;margin:0 0 8px}
table.stack td{border:0;border-top:1px solid #eee;text-align:left;padding:2px 8px}
table.stack td:first-child{border-top:0}
table.stack td::before{content:attr(data-label);display:inline-block;min-width:11em;color:#555;font-weight:normal}
}
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
        embed(timeline_svg)
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
            "<table id=\"conflicts\" class=\"stack\">\n<tr class=\"head\"><th>at (s)</th><th>kind</th><th>code</th><th>resource</th><th>resolved</th><th>detail</th></tr>"
        );
        for c in r.conflicts.iter().take(MAX_CONFLICT_ROWS) {
            let _ = writeln!(
                o,
                "<tr><td class=\"num\" data-label=\"at (s)\">{:.1}</td><td data-label=\"kind\">{}</td><td data-label=\"code\">{}</td>\
                 <td data-label=\"resource\"><code>{}</code></td><td class=\"{}\" data-label=\"resolved\">{}</td><td data-label=\"detail\">{}</td></tr>",
                c.at_s,
                breakable(c.kind),
                breakable(&c.code),
                breakable(&c.resource),
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
        "<table id=\"margin-table\" class=\"stack\">\n<tr class=\"head\"><th>customers</th><th>revenue</th><th>base infrastructure</th><th>margin (brief's view)</th>\
         <th>all costs</th><th>profit</th><th>margin</th></tr>"
    );
    for m in charts::margin_rows(sc) {
        let _ = writeln!(
            o,
            "<tr><td class=\"num\" data-label=\"customers\">{}</td><td class=\"num\" data-label=\"revenue\">{}</td>\
             <td class=\"num\" data-label=\"base infrastructure\">{}</td><td class=\"num\" data-label=\"margin (brief's view)\">{}</td>\
             <td class=\"num\" data-label=\"all costs\">{}</td><td class=\"num\" data-label=\"profit\">{}</td><td class=\"num\" data-label=\"margin\">{}</td></tr>",
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
        embed(margin_svg)
    );
    let _ = writeln!(o, "</body>\n</html>");
    o
}

/// The smallest size, in CSS pixels, at which the page draws any text, a chart's included.
pub const MIN_TEXT_PX: f64 = 11.0;

/// An SVG document ready to inline in a card: without its XML declaration, and its root tag's
/// fixed `width` and `height` replaced by its `viewBox` (made from them if it has none),
/// `width="100%"` (its height follows from the viewBox) and a `min-width` at which its smallest
/// `font-size` is drawn at [`MIN_TEXT_PX`]: a chart fills its card, and where the card is
/// narrower it scrolls inside it instead of shrinking its text. A root tag it cannot read is
/// left as it is.
pub fn embed(svg: &str) -> String {
    let svg = strip_xml_decl(svg);
    let Some(start) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(len) = svg[start..].find('>') else {
        return svg.to_string();
    };
    let tag = &svg[start + 4..start + len];
    let tag = tag.strip_suffix('/').unwrap_or(tag);
    let attrs = attributes(tag);
    let get = |name: &str| {
        attrs
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    };
    let number = |name: &str| get(name).and_then(|v| v.trim().parse::<f64>().ok());
    let view_box = match (get("viewBox"), number("width"), number("height")) {
        (Some(vb), _, _) => vb.to_string(),
        (None, Some(w), Some(h)) => format!("0 0 {w} {h}"),
        _ => return svg.to_string(),
    };
    let Some(vb_width) = view_box
        .split_whitespace()
        .nth(2)
        .and_then(|w| w.parse::<f64>().ok())
        .filter(|w| *w > 0.0)
    else {
        return svg.to_string();
    };
    // SVG's initial font size is 16 px: a chart that sets none draws at that.
    let smallest = smallest_font_size(svg).unwrap_or(16.0);
    let min_width = (vb_width * MIN_TEXT_PX / smallest).ceil();
    let mut root = format!(
        "<svg viewBox=\"{}\" width=\"100%\" style=\"min-width:{min_width}px\"",
        esc(&view_box)
    );
    for (k, v) in &attrs {
        if !matches!(*k, "width" | "height" | "viewBox" | "style") {
            let _ = write!(root, " {k}=\"{}\"", esc(v));
        }
    }
    let self_closing = svg[start..start + len].ends_with('/');
    root.push_str(if self_closing { "/>" } else { ">" });
    format!("{}{root}{}", &svg[..start], &svg[start + len + 1..])
}

/// The attributes of a start tag's inside (after its name), with their values unescaped as far
/// as [`esc`] escapes them. Values are double- or single-quoted.
fn attributes(tag: &str) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    let mut rest = tag;
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let Some(end) = after[1..].find(quote) else {
            break;
        };
        let value = after[1..1 + end]
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        out.push((name, value));
        rest = &after[end + 2..];
    }
    out
}

/// The smallest positive `font-size="N"` (in user units) in an SVG document, if it has one.
fn smallest_font_size(svg: &str) -> Option<f64> {
    svg.split("font-size=\"")
        .skip(1)
        .filter_map(|s| {
            s.split('"')
                .next()?
                .trim_end_matches("px")
                .parse::<f64>()
                .ok()
        })
        .filter(|v| *v > 0.0 && v.is_finite())
        .reduce(f64::min)
}

/// Escapes `s` like [`esc`], with a line-break opportunity (`<wbr>`) after each `_`, `.`, `/`
/// and `:` and between a lower-case letter and the capital after it, so that identifiers such as
/// `ConcurrentModificationException` or `aws_organizations_policy.x` wrap at their words in a
/// narrow table cell instead of widening it.
fn breakable(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + s.len() / 4);
    let mut prev: Option<char> = None;
    for c in s.chars() {
        if prev.is_some_and(|p| p.is_lowercase()) && c.is_uppercase() {
            o.push_str("<wbr>");
        }
        o.push_str(&esc(c.encode_utf8(&mut [0; 4])));
        if matches!(c, '_' | '.' | '/' | ':') {
            o.push_str("<wbr>");
        }
        prev = Some(c);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embed_scales_the_root_tag_by_its_viewbox_and_smallest_text() {
        let svg =
            "<?xml version=\"1.0\"?>\n<svg width=\"1200\" height=\"376\" viewBox=\"0 0 1200 376\" \
                   xmlns=\"http://www.w3.org/2000/svg\">\n<text font-size=\"12\">a</text>\
                   <text font-size=\"9.6\">b</text></svg>\n";
        // 1200 * 11 / 9.6 = 1375.
        assert_eq!(
            embed(svg),
            "<svg viewBox=\"0 0 1200 376\" width=\"100%\" style=\"min-width:1375px\" \
             xmlns=\"http://www.w3.org/2000/svg\">\n<text font-size=\"12\">a</text>\
             <text font-size=\"9.6\">b</text></svg>\n"
        );
        // No viewBox: made from the width and height; no font size: SVG's 16 px.
        assert_eq!(
            embed("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"40\"><text>x</text></svg>"),
            "<svg viewBox=\"0 0 600 40\" width=\"100%\" style=\"min-width:413px\" \
             xmlns=\"http://www.w3.org/2000/svg\"><text>x</text></svg>"
        );
        // What it cannot read it leaves alone.
        for odd in ["<svg width=\"100%\">", "no svg here", "<svg width=\"1"] {
            assert_eq!(embed(odd), odd);
        }
    }

    #[test]
    fn breakable_offers_breaks_at_words_and_escapes() {
        assert_eq!(
            breakable("ConcurrentModificationException"),
            "Concurrent<wbr>Modification<wbr>Exception"
        );
        assert_eq!(
            breakable("aws_organizations_policy.x"),
            "aws_<wbr>organizations_<wbr>policy.<wbr>x"
        );
        assert_eq!(breakable("a<b>&\"c"), "a&lt;b&gt;&amp;&quot;c");
        assert_eq!(breakable("ABC"), "ABC");
    }
}
