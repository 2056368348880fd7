//! `orgsim run SCENARIO --out DIR`: the five files, well-formed SVG, byte-for-byte determinism,
//! and report.html rendered by headless Chromium: its checks, the charts without overlaps, and
//! the page measured at 600, 900, 1,400 and 2,000 px (charts fill their cards, no text under
//! 11 px, nothing scrolls sideways).

use std::path::{Path, PathBuf};

mod common;

use common::chromium::{chromium_or_skip, headless};
use common::{run, scratch};

const FILES: [&str; 5] = [
    "report.json",
    "report.md",
    "report.html",
    "timeline.svg",
    "margin.svg",
];

fn out(scenario: &str, dir: &Path) -> i32 {
    let o = run(&["run", scenario, "--out", dir.to_str().unwrap()]);
    o.status.code().unwrap()
}

#[test]
fn out_writes_five_files_with_well_formed_svg() {
    let dir = scratch("out-two");
    assert_eq!(out("scenarios/two-customers.toml", &dir), 0);
    for f in FILES {
        let text = std::fs::read_to_string(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(text.len() > 500, "{f} is too short");
    }
    // The init/plan bar is labelled with this run's deployer overhead (drawn per replication
    // from `[deploy.overhead]`), as report.json gives it.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("report.json")).unwrap()).unwrap();
    let overhead = format!(
        "{:.0} s",
        report["timing"]["overhead_s"]
            .as_f64()
            .expect("timing.overhead_s")
    );
    for f in ["timeline.svg", "margin.svg"] {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let texts: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .map(str::trim)
            .collect();
        if f == "timeline.svg" {
            // One row per resource, grouped by customer; a time axis in minutes; a legend; the
            // init/plan minute as one labelled bar; short rows labelled with their duration.
            for want in [
                "OU Customers-Fintech",
                "ACME Finance Inc · account",
                "MediCorp Solutions Inc · tags",
                "minutes since the deployment started",
                "polling account status (its calls included)",
                "in an API call",
                "init/plan",
                overhead.as_str(),
                "1.6 s",
                "no call of its own",
            ] {
                assert!(texts.contains(&want), "{f} lacks {want:?}: {texts:?}");
            }
        } else {
            for want in [
                "the brief's view: base infrastructure only",
                "the scenario's cost model",
                "97.8%",
                "99.2%",
                "99.98%",
                "revenue",
                "profit",
            ] {
                assert!(texts.iter().any(|t| t.contains(want)), "{f} lacks {want:?}");
            }
        }
    }
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(md.contains("![Timeline"), "{md}");
    assert!(
        md.contains("| 1 | $8,000 | $180 | 97.8% | $3,380 | $4,620 | 57.8% |"),
        "{md}"
    );
    assert!(
        md.contains("| 2 | $23,000 | $180 | 99.2% | $3,380 | $19,620 | 85.3% |"),
        "{md}"
    );
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    for bad in ["<script", "<link", "src=\"http", "href=\"http"] {
        assert!(
            !html.contains(bad),
            "report.html must be self-contained: {bad}"
        );
    }
    assert_eq!(html.matches("<svg").count(), 2);
}

#[test]
fn charts_are_deterministic() {
    let (a, b) = (scratch("det-a"), scratch("det-b"));
    for d in [&a, &b] {
        assert_eq!(out("scenarios/five-customers.toml", d), 0);
    }
    for f in FILES {
        let x = std::fs::read(a.join(f)).unwrap();
        let y = std::fs::read(b.join(f)).unwrap();
        assert!(x == y, "{f} differs between two runs of the same seed");
    }
    // A different seed gives a different timeline.
    let c = scratch("det-c");
    let o = run(&[
        "run",
        "scenarios/five-customers.toml",
        "--seed",
        "7",
        "--out",
        c.to_str().unwrap(),
    ]);
    assert!(o.status.code().is_some());
    assert_ne!(
        std::fs::read(a.join("timeline.svg")).unwrap(),
        std::fs::read(c.join("timeline.svg")).unwrap()
    );
}

#[test]
fn hundred_customers_fold_into_readable_rows() {
    let dir = scratch("out-hundred");
    let _ = out("scenarios/hundred-customers.toml", &dir);
    let text = std::fs::read_to_string(dir.join("timeline.svg")).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    let labels: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .map(str::trim)
        .collect();
    assert!(labels
        .iter()
        .any(|t| t.contains("folded: one row per customer")));
    assert!(labels.contains(&"OUs (all)"));
    assert!(labels.contains(&"ACME Finance Inc"));
    assert!(labels.iter().any(|t| t.starts_with("Customer 098")));
    // No "· account" rows: accounts and tags share their customer's row.
    assert!(!labels.iter().any(|t| t.ends_with("· account")));
    let height: u32 = doc
        .root_element()
        .attribute("height")
        .unwrap()
        .parse()
        .unwrap();
    // At most MAX_ROWS rows of 16 px, the title, the legend and the axes.
    assert!(height < 2200, "{height}");
    // A tall chart has its time axis at the top as well as at the bottom: each tick label twice.
    for tick in ["5", "10", "30"] {
        assert_eq!(
            labels.iter().filter(|t| **t == tick).count(),
            2,
            "{tick}: {labels:?}"
        );
    }
}

/// The probe, run by Chromium once the page has loaded; it appends `<pre id="probe">` with one
/// line per finding. For each chart (`svg` in `.chart` or `figure`): `FAIL` when two `<text>`
/// bounding boxes intersect (by more than half a pixel each way), when the legend's box
/// (`<g class="legend">`) intersects any element of the plotted series (`<g class="series">`),
/// or when there is no legend; then `CHECKED name texts series`. For the validation matrix:
/// `FAIL` when a cell overflows (scrollWidth > clientWidth) or a check or status wraps.
const PROBE: &str = r#"<script>
window.addEventListener('load', () => {
  const out = [];
  const meet = (a, b) =>
    Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 &&
    Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
  const r = e => e.getBoundingClientRect();
  const charts = [...document.querySelectorAll('.chart, figure')].filter(c => c.querySelector('svg'));
  for (const c of charts) {
    const name = c.dataset.name || c.id;
    const svg = c.querySelector('svg');
    const texts = [...svg.querySelectorAll('text')]
      .filter(t => t.textContent.trim() !== '')
      .map(t => ({s: t.textContent.trim(), b: r(t)}));
    for (let i = 0; i < texts.length; i++)
      for (let j = i + 1; j < texts.length; j++)
        if (meet(texts[i].b, texts[j].b))
          out.push('FAIL ' + name + ': text "' + texts[i].s + '" overlaps "' + texts[j].s + '"');
    const legend = svg.querySelector('g.legend');
    const series = [...svg.querySelectorAll('g.series *')].filter(e => { const b = r(e); return b.width > 0 || b.height > 0; });
    if (!legend) out.push('FAIL ' + name + ': no legend group');
    else {
      const l = r(legend);
      const hit = series.filter(e => meet(l, r(e)));
      if (hit.length) out.push('FAIL ' + name + ': the legend box meets ' + hit.length + ' plotted element(s), e.g. <' + hit[0].tagName + '>');
    }
    if (!series.length) out.push('FAIL ' + name + ': no plotted series');
    out.push('CHECKED ' + name + ' ' + texts.length + ' ' + series.length);
  }
  const cells = [...document.querySelectorAll('#validation-matrix td, #validation-matrix th')];
  for (const cell of cells) {
    if (cell.scrollWidth > cell.clientWidth)
      out.push('FAIL matrix cell "' + cell.textContent + '" overflows: ' + cell.scrollWidth + ' > ' + cell.clientWidth);
  }
  for (const row of document.querySelectorAll('#validation-matrix tr[data-check]')) {
    for (const cell of [...row.cells].slice(0, 2)) {
      const range = document.createRange();
      range.selectNodeContents(cell);
      const tops = new Set([...range.getClientRects()].map(b => Math.round(b.bottom / 4)));
      if (tops.size > 1) out.push('FAIL matrix cell "' + cell.textContent + '" wraps onto ' + tops.size + ' lines');
    }
  }
  if (cells.length) out.push('MATRIX ' + cells.length);
  const rows = [...document.querySelectorAll('#validation-matrix tr[data-check]')]
    .filter(r => r.getBoundingClientRect().height > 0)
    .map(r => r.dataset.check + '=' + r.cells[1].textContent);
  out.push('ROWS ' + rows.join(','));
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = out.join('\n');
  document.body.appendChild(pre);
});
</script></body>"#;

/// Opens `html` (a page with `</body>`) in headless Chromium `width` pixels wide with the
/// probe appended; returns the probe's lines and the DOM.
fn probe(chrome: &str, html: &str, width: u32, name: &str) -> (Vec<String>, String) {
    probe_with(chrome, html, width, name, PROBE)
}

/// Opens `html` in headless Chromium `width` pixels wide with `script` (a `<script>` ending in
/// `</body>`, which writes `<pre id="probe">`) in place of its `</body>`; returns the lines of
/// `<pre id="probe">` and the DOM.
fn probe_with(
    chrome: &str,
    html: &str,
    width: u32,
    name: &str,
    script: &str,
) -> (Vec<String>, String) {
    let dir = scratch(format!("probe-{name}"));
    let page = dir.join("probed.html");
    std::fs::write(&page, html.replacen("</body>", script, 1)).unwrap();
    let profile = dir.join("profile");
    let o = headless(
        chrome,
        &profile,
        width,
        2000,
        [
            "--dump-dom".to_string(),
            format!("file://{}", page.display()),
        ],
    );
    let dom = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        dom.contains("<pre id=\"probe\">"),
        "no probe output; chromium stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_default()
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    (text.lines().map(str::to_string).collect(), dom)
}

/// A page that shows each SVG file, in `<div class="chart" data-name="...">`.
fn chart_page(files: &[PathBuf]) -> String {
    let mut page =
        String::from("<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n");
    for f in files {
        let svg = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let svg = match svg.find("<svg") {
            Some(i) => &svg[i..],
            None => panic!("{} is not an SVG", f.display()),
        };
        page.push_str(&format!(
            "<div class=\"chart\" data-name=\"{}\">{svg}</div>\n",
            f.display()
        ));
    }
    page.push_str("</body></html>\n");
    page
}

fn failures(lines: &[String]) -> Vec<&String> {
    lines.iter().filter(|l| l.starts_with("FAIL")).collect()
}

/// Opens report.html in headless Chromium at 1280 px with the probe appended: every check of
/// the validation matrix rendered, no cell overflowing or wrapping a check's name or status,
/// both charts rendered wide and without overlaps.
#[test]
fn report_html_renders_in_headless_chromium() {
    let Some(chrome) = chromium_or_skip() else {
        return;
    };
    let dir = scratch("out-html");
    assert_eq!(out("scenarios/two-customers.toml", &dir), 0);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    // The probe is the test's: report.html itself carries no script.
    let (lines, dom) = probe(chrome, &html, 1280, "html");
    let line = |tag: &str| {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(tag))
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let rows = line("ROWS ");
    for check in [
        "tier_routing",
        "ous_created",
        "accounts_isolated",
        "policies_applied",
        "naming_conflicts",
        "parallel_deploy",
        "revenue_tracking",
        "cost_allocation",
    ] {
        assert!(
            rows.contains(&format!("{check}=PASS")),
            "{check} not rendered: {rows}"
        );
    }
    assert!(
        line("MATRIX ").parse::<usize>().unwrap_or(0) >= 27,
        "{lines:?}"
    );
    assert!(failures(&lines).is_empty(), "{:#?}", failures(&lines));
    let checked: Vec<&String> = lines.iter().filter(|l| l.starts_with("CHECKED")).collect();
    assert_eq!(checked.len(), 2, "both charts probed: {lines:?}");
    assert_eq!(dom.matches("<svg").count(), 2, "both charts are in the DOM");
    // A large run's page: longer details, failures, a folded timeline.
    let dir = scratch("out-html-hundred");
    assert_eq!(out("scenarios/hundred-customers.toml", &dir), 1);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let (lines, _) = probe(chrome, &html, 1280, "html-hundred");
    assert!(failures(&lines).is_empty(), "{:#?}", failures(&lines));
    assert_eq!(lines.iter().filter(|l| l.starts_with("CHECKED")).count(), 2);
}

/// Every chart the README shows (docs/examples/), and the same kinds drawn now — a run of two
/// and of a hundred customers, the cost model, a small sweep, a short load test — have no two
/// texts overlapping and their legend clear of the plotted data.
#[test]
fn charts_have_no_overlaps_in_headless_chromium() {
    let Some(chrome) = chromium_or_skip() else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The README's pictures: every `](docs/examples/....svg)`.
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut files: Vec<PathBuf> = readme
        .split("](")
        .skip(1)
        .filter_map(|s| s.split(')').next())
        .filter(|p| p.starts_with("docs/examples/") && p.ends_with(".svg"))
        .map(|p| root.join(p))
        .collect();
    assert!(files.len() >= 5, "the README's charts: {files:?}");
    let fresh = scratch("overlap-fresh");
    for (scenario, sub) in [
        ("scenarios/two-customers.toml", "two"),
        ("scenarios/cost-model.toml", "cost"),
        ("scenarios/hundred-customers.toml", "hundred"),
    ] {
        let d = fresh.join(sub);
        let _ = out(scenario, &d);
        files.push(d.join("timeline.svg"));
        files.push(d.join("margin.svg"));
    }
    let d = fresh.join("sweep");
    let o = run(&[
        "sweep",
        "scenarios/five-customers.toml",
        "--customers",
        "1..=5",
        "--replications",
        "4",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    files.push(d.join("makespan.svg"));
    files.push(d.join("conflicts.svg"));
    let d = fresh.join("load");
    let o = run(&[
        "load",
        "scenarios/capacity.toml",
        "--rate",
        "3/min",
        "--duration",
        "10m",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(o.status.code().is_some_and(|c| c <= 1));
    files.push(d.join("load.svg"));
    let d = fresh.join("staff");
    let o = run(&[
        "staff",
        "scenarios/two-customers.toml",
        "--customers",
        "2..=12",
        "--step",
        "5",
        "--replications",
        "3",
        "--out",
        d.to_str().unwrap(),
    ]);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    files.push(d.join("attainment.svg"));
    files.push(d.join("staff.svg"));
    // phases and ops (exit 1: some of the brief's claims fail), with --png: the PNGs too.
    for (args, svg, png) in [
        (
            &[
                "phases",
                "scenarios/growth-phases.toml",
                "--replications",
                "4",
            ][..],
            "phases.svg",
            "phases.png",
        ),
        (
            &["ops", "scenarios/operations.toml", "--replications", "2"][..],
            "queue.svg",
            "queue.png",
        ),
    ] {
        let d = fresh.join(args[0]);
        let mut argv = args.to_vec();
        argv.extend(["--png", "--out", d.to_str().unwrap()]);
        let o = run(&argv);
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let png = std::fs::read(d.join(png)).unwrap();
        assert!(png.starts_with(b"\x89PNG"), "{png:?}");
        files.push(d.join(svg));
    }
    let (lines, _) = probe(chrome, &chart_page(&files), 1300, "charts");
    assert!(failures(&lines).is_empty(), "{:#?}", failures(&lines));
    let checked = lines.iter().filter(|l| l.starts_with("CHECKED")).count();
    assert_eq!(checked, files.len(), "every chart probed: {lines:?}");
}

/// The probe can fail: the margin chart as it was drawn before issue 13 (its legend on the
/// stacked costs, its labels crowded) fails it.
#[test]
fn overlap_probe_fails_on_the_old_margin_chart() {
    let Some(chrome) = chromium_or_skip() else {
        return;
    };
    let old =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/margin-before-issue-13.svg");
    let (lines, _) = probe(chrome, &chart_page(&[old]), 1300, "old-margin");
    let fails = failures(&lines);
    assert!(
        fails.iter().any(|l| l.contains("the legend box meets")),
        "{lines:#?}"
    );
    eprintln!("the old margin chart fails the probe:\n{fails:#?}");
    // And two labels drawn on top of each other are found.
    let dir = scratch("probe-crowded");
    let crowded = dir.join("crowded.svg");
    std::fs::write(
        &crowded,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"100\">\
         <g class=\"legend\"><text x=\"10\" y=\"15\" font-size=\"12\">legend</text></g>\
         <g class=\"series\"><polyline points=\"10,90 290,40\" stroke=\"#000\" fill=\"none\"/></g>\
         <text x=\"200\" y=\"60\" font-size=\"12\">99.98%</text>\
         <text x=\"215\" y=\"62\" font-size=\"12\">100%</text></svg>",
    )
    .unwrap();
    let (lines, _) = probe(chrome, &chart_page(&[crowded]), 400, "crowded");
    let fails = failures(&lines);
    assert_eq!(fails.len(), 1, "{lines:#?}");
    assert!(
        fails[0].contains("text \"99.98%\" overlaps \"100%\""),
        "{fails:?}"
    );
}

/// The widths report.html must read at (issue 26).
const WIDTHS: [u32; 4] = [600, 900, 1400, 2000];

/// The smallest text the page may draw, in CSS pixels (`report::html::MIN_TEXT_PX`).
const MIN_TEXT_PX: f64 = 11.0;

/// The width probe, run by Chromium once the page has loaded; it appends `<pre id="probe">`
/// with one line per measurement. `VIEWPORT inner client`; `FAIL` when the document scrolls
/// sideways (scrollWidth > clientWidth). Per chart (an `svg` in a `figure`): `CHART id width
/// card min-width height expected-height`, its rendered width against its card's content box
/// (`FAIL` when it leaves more than 2% of the card empty, or when its height is not its
/// viewBox's aspect); per table `TABLE id width room` (`FAIL` when it is wider than its
/// container or runs past the page, or a cell's content overflows it). Then the smallest text
/// drawn: every visible text node at its computed font size, times the scale of its screen
/// transform when it is SVG text: `MINFONT px nodes text` over the page and `SVGFONT px nodes
/// text` over the charts' text alone (`FAIL` under 11 px, less 0.01 for the float arithmetic of
/// the transform).
const WIDTH_PROBE: &str = r#"<script>
window.addEventListener('load', () => {
  const out = [];
  const de = document.documentElement;
  const px = v => parseFloat(v) || 0;
  out.push('VIEWPORT ' + window.innerWidth + ' ' + de.clientWidth);
  if (de.scrollWidth > de.clientWidth)
    out.push('FAIL the page scrolls sideways: scrollWidth ' + de.scrollWidth + ' > clientWidth ' + de.clientWidth);
  for (const fig of document.querySelectorAll('figure')) {
    const svg = fig.querySelector('svg');
    if (!svg) continue;
    const cs = getComputedStyle(fig);
    const card = fig.clientWidth - px(cs.paddingLeft) - px(cs.paddingRight);
    const b = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    const want = vb && vb.width ? b.width * vb.height / vb.width : b.height;
    out.push('CHART ' + fig.id + ' ' + b.width.toFixed(1) + ' ' + card.toFixed(1) + ' ' +
      px(getComputedStyle(svg).minWidth) + ' ' + b.height.toFixed(1) + ' ' + want.toFixed(1));
    if (b.width < 0.98 * card)
      out.push('FAIL chart ' + fig.id + ' is ' + b.width.toFixed(1) + ' px wide in a card of ' + card.toFixed(1) + ' px');
    if (Math.abs(b.height - want) > 1)
      out.push('FAIL chart ' + fig.id + ' is ' + b.height.toFixed(1) + ' px tall, its viewBox says ' + want.toFixed(1));
  }
  for (const t of document.querySelectorAll('table')) {
    const b = t.getBoundingClientRect();
    const room = t.parentElement.clientWidth;
    out.push('TABLE ' + t.id + ' ' + b.width.toFixed(1) + ' ' + room);
    if (b.width > room + 0.5 || b.right > de.clientWidth + 0.5)
      out.push('FAIL table ' + t.id + ' is ' + b.width.toFixed(1) + ' px wide in ' + room + ' px');
    for (const cell of t.querySelectorAll('td, th'))
      if (cell.getClientRects().length && cell.scrollWidth > cell.clientWidth + 0.5)
        out.push('FAIL table ' + t.id + ' cell "' + cell.textContent.slice(0, 40) + '" overflows: ' + cell.scrollWidth + ' > ' + cell.clientWidth);
  }
  const least = {all: [Infinity, 0, ''], svg: [Infinity, 0, '']};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || el.closest('script, style')) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    if (![...range.getClientRects()].some(r => r.width > 0 && r.height > 0)) continue;
    const st = getComputedStyle(el);
    if (st.visibility !== 'visible' || px(st.opacity) === 0) continue;
    let size = px(st.fontSize);
    const inSvg = el instanceof SVGElement;
    if (inSvg) {
      const m = el.getScreenCTM();
      size *= Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
    }
    for (const k of inSvg ? ['all', 'svg'] : ['all']) {
      least[k][1]++;
      if (size < least[k][0]) { least[k][0] = size; least[k][2] = n.textContent.trim().slice(0, 50); }
    }
  }
  for (const [k, tag] of [['all', 'MINFONT'], ['svg', 'SVGFONT']]) {
    const [size, count, text] = least[k];
    out.push(tag + ' ' + size.toFixed(3) + ' ' + count + ' ' + text);
  }
  if (least.all[0] < MIN - 0.01)
    out.push('FAIL text "' + least.all[2] + '" is drawn at ' + least.all[0].toFixed(2) + ' px');
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = out.join('\n');
  document.body.appendChild(pre);
});
</script></body>"#;

/// The width probe with the minimum text size filled in.
fn width_probe() -> String {
    WIDTH_PROBE.replace("MIN - 0.01", &format!("{MIN_TEXT_PX} - 0.01"))
}

/// The numbers after `tag` on the probe line that starts with it (every such line, in order).
fn fields<'a>(lines: &'a [String], tag: &str) -> Vec<Vec<&'a str>> {
    lines
        .iter()
        .filter_map(|l| l.strip_prefix(tag))
        .map(|l| l.split_whitespace().collect())
        .collect()
}

/// report.html of a run of two and of a hundred customers and of the cost model, opened in
/// headless Chromium 600, 900, 1,400 and 2,000 px wide, measured by the width probe: the page
/// never scrolls sideways, no table is wider than the page, no text (a chart's included, at its
/// scale on the page) is under 11 px, and each chart fills its card — at 1,400 and 2,000 px
/// exactly, at 600 and 900 px (narrower than the width at which its smallest text is 11 px)
/// wider than its card, which it scrolls inside.
#[test]
fn report_html_reads_at_four_widths_in_headless_chromium() {
    let Some(chrome) = chromium_or_skip() else {
        return;
    };
    let script = width_probe();
    for (scenario, sub) in [
        ("scenarios/two-customers.toml", "two"),
        ("scenarios/hundred-customers.toml", "hundred"),
        ("scenarios/cost-model.toml", "cost"),
    ] {
        let dir = scratch(format!("widths-{sub}"));
        let _ = out(scenario, &dir);
        let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
        for width in WIDTHS {
            let (lines, _) = probe_with(
                chrome,
                &html,
                width,
                &format!("widths-{sub}-{width}"),
                &script,
            );
            let at = format!("{scenario} at {width} px");
            assert!(failures(&lines).is_empty(), "{at}: {:#?}", failures(&lines));
            let viewport = fields(&lines, "VIEWPORT ");
            assert_eq!(
                viewport,
                [[width.to_string(), width.to_string()]],
                "{at}: {lines:?}"
            );
            let charts = fields(&lines, "CHART ");
            assert_eq!(charts.len(), 2, "{at}: both charts measured: {lines:?}");
            for c in &charts {
                let n = |i: usize| c[i].parse::<f64>().unwrap();
                let (w, card, min_width) = (n(1), n(2), n(3));
                assert!(min_width > 0.0, "{at}: {c:?} has no min-width");
                if width >= 1400 {
                    assert!((w - card).abs() < 1.0, "{at}: {c:?} does not fill its card");
                } else {
                    assert!(
                        w > card && (w - min_width).abs() < 1.0,
                        "{at}: {c:?} is not at its min-width, scrolling in its card"
                    );
                }
            }
            let tables = fields(&lines, "TABLE ");
            for id in [
                "validation-matrix",
                "conflicts",
                "financials",
                "margin-table",
            ] {
                assert!(
                    tables.iter().any(|t| t[0] == id),
                    "{at}: table {id} measured: {lines:?}"
                );
            }
            for tag in ["MINFONT ", "SVGFONT "] {
                let f = &fields(&lines, tag)[0];
                let (size, count) = (f[0].parse::<f64>().unwrap(), f[1].parse::<usize>().unwrap());
                assert!(size >= MIN_TEXT_PX - 0.01, "{at}: {tag}{f:?}");
                assert!(count >= 50, "{at}: {tag}counted only {count} texts");
            }
        }
    }
}

/// The width probe can fail: a chart of fixed width in a wider card, a chart shrunk to its card
/// with 9.7 px text, and a table of an unbreakable cell wider than the page each fail it.
#[test]
fn width_probe_fails_on_fixed_charts_small_text_and_wide_tables() {
    let Some(chrome) = chromium_or_skip() else {
        return;
    };
    let svg = |attrs: &str| {
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" {attrs}><text x=\"10\" y=\"20\" font-size=\"9.677\">label</text></svg>"
        )
    };
    let page = |body: &str| {
        format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>body{{margin:0;padding:8px;font-size:14px}}\
             figure{{margin:0;padding:0;overflow-x:auto}}figure svg{{max-width:100%;height:auto;display:block}}</style></head><body>{body}</body></html>"
        )
    };
    // As report.html embedded its charts before issue 26: 1,200 px wide, shrinking below that.
    let fixed = page(&format!(
        "<figure id=\"fixed\">{}</figure>",
        svg("width=\"1200\" height=\"300\" viewBox=\"0 0 1200 300\"")
    ));
    let script = width_probe();
    let (lines, _) = probe_with(chrome, &fixed, 1400, "widths-fixed-1400", &script);
    let fails = failures(&lines);
    assert!(
        fails
            .iter()
            .any(|l| l.contains("chart fixed is 1200.0 px wide in a card of 1384.0 px")),
        "{lines:#?}"
    );
    let (lines, _) = probe_with(chrome, &fixed, 900, "widths-fixed-900", &script);
    let fails = failures(&lines);
    // 9.677 * 884 / 1200 = 7.13 px.
    assert!(
        fails
            .iter()
            .any(|l| l.contains("text \"label\" is drawn at 7.13 px")),
        "{lines:#?}"
    );
    let wide = page(&format!(
        "<table id=\"wide\"><tr><td>{}</td></tr></table>",
        "ConcurrentModificationException".repeat(40)
    ));
    let (lines, _) = probe_with(chrome, &wide, 900, "widths-wide-900", &script);
    let fails = failures(&lines);
    assert!(
        fails
            .iter()
            .any(|l| l.contains("the page scrolls sideways")),
        "{lines:#?}"
    );
    assert!(
        fails.iter().any(|l| l.starts_with("FAIL table wide is")),
        "{lines:#?}"
    );
}
