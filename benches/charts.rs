//! Rendering the charts of one 100-customer run: the timeline (folded, 103 rows), the margin
//! chart (two panels, 1..100 customers), every file of `run --out` (JSON, Markdown, HTML and
//! both charts, without writing them), and both charts as PNG.
//!
//! `cargo bench --bench charts`

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion};
use orgsim::report::charts;
use orgsim::{analysis, report, scenario, sim};

fn charts(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/hundred-customers.toml");
    let sc = scenario::read(&path).expect("the shipped scenario loads");
    assert_eq!(sc.customers.len(), 100);
    let out = sim::run(&sc, sc.seed);
    let rep = analysis::analyze(&sc, &out.plan, &out.trace, &out.snapshot, sc.seed, "sim");
    c.bench_function("timeline.svg, 100 customers", |b| {
        b.iter(|| black_box(charts::timeline_svg(&sc, &out.plan, &out.trace, &rep)))
    });
    c.bench_function("margin.svg, 1..100 customers", |b| {
        b.iter(|| black_box(charts::margin_svg(&sc)))
    });
    c.bench_function("both charts, 100 customers", |b| {
        b.iter(|| {
            black_box(charts::timeline_svg(&sc, &out.plan, &out.trace, &rep));
            black_box(charts::margin_svg(&sc))
        })
    });
    c.bench_function("all five --out files, 100 customers", |b| {
        b.iter(|| black_box(report::out_files(&sc, &out.plan, &out.trace, &rep, false)))
    });
    c.bench_function("both charts as PNG (--png), 100 customers", |b| {
        let timeline = charts::TimelineChart::new(&sc, &out.plan, &out.trace, &rep);
        let margin = charts::MarginChart::new(&sc);
        b.iter(|| {
            black_box(charts::png(&timeline).expect("drawn"));
            black_box(charts::png(&margin).expect("drawn"))
        })
    });
}

criterion_group!(benches, charts);
criterion_main!(benches);
