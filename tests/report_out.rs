//! `orgsim run SCENARIO --out DIR`: the five files, well-formed SVG, byte-for-byte determinism,
//! and report.html rendered by headless Chromium.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_orgsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .expect("orgsim runs")
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

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
            // One row per resource, grouped by customer; a time axis in minutes; a legend.
            for want in [
                "OU Customers-Fintech",
                "ACME Finance Inc · account",
                "MediCorp Solutions Inc · tags",
                "minutes since the deployment started",
                "polling account status",
                "in an API call",
            ] {
                assert!(texts.contains(&want), "{f} lacks {want:?}: {texts:?}");
            }
        } else {
            for want in [
                "the seed's view: base infrastructure only",
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
    assert!(height < 1600, "{height}");
}

/// The Chromium binary, if there is one.
fn chromium() -> Option<&'static str> {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}

/// Opens report.html in headless Chromium with a probe appended that records, after layout,
/// the validation matrix's rows and each chart's rendered size; reads them back from the DOM.
#[test]
fn report_html_renders_in_headless_chromium() {
    let Some(chrome) = chromium() else {
        if std::env::var_os("CI").is_some() {
            panic!("chromium is not installed; .ci/run installs it (apt-get install chromium)");
        }
        eprintln!("SKIPPED report_html_renders_in_headless_chromium: chromium is not installed (apt-get install -y chromium)");
        return;
    };
    let dir = scratch("out-html");
    assert_eq!(out("scenarios/two-customers.toml", &dir), 0);
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    // The probe is the test's: report.html itself carries no script.
    let probe = r#"<script>
window.addEventListener('load', () => {
  const out = document.createElement('pre');
  out.id = 'probe';
  const rows = [...document.querySelectorAll('#validation-matrix tr[data-check]')]
    .filter(r => r.getBoundingClientRect().height > 0)
    .map(r => r.dataset.check + '=' + r.cells[1].textContent);
  const charts = ['timeline', 'margin'].map(id => {
    const s = document.querySelector('#' + id + ' svg');
    const b = s ? s.getBoundingClientRect() : {width: 0, height: 0};
    return id + ':' + Math.round(b.width) + 'x' + Math.round(b.height);
  });
  out.textContent = 'ROWS ' + rows.join(',') + '\nCHARTS ' + charts.join(',');
  document.body.appendChild(out);
});
</script></body>"#;
    let probed = dir.join("probed.html");
    std::fs::write(&probed, html.replace("</body>", probe)).unwrap();
    let profile = scratch("chromium-profile");
    let o = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,2000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", probed.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&o.stdout);
    assert!(
        dom.contains("<pre id=\"probe\">"),
        "no probe output; chromium stderr: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let probe_out = dom
        .split("<pre id=\"probe\">")
        .nth(1)
        .and_then(|rest| rest.split("</pre>").next())
        .unwrap_or_default()
        .to_string();
    let line = |tag: &str| {
        probe_out
            .lines()
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
    let charts = line("CHARTS ");
    for part in charts.split(',') {
        let (id, size) = part.split_once(':').unwrap();
        let (w, h) = size.split_once('x').unwrap();
        let (w, h): (u32, u32) = (w.parse().unwrap(), h.parse().unwrap());
        assert!(w > 600 && h > 200, "chart {id} rendered at {w}x{h}");
    }
    assert_eq!(dom.matches("<svg").count(), 2, "both charts are in the DOM");
}
