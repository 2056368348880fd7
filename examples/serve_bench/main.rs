//! Requests per second that `orgsim serve` answers on loopback, against moto's server in the
//! same run, and the time it takes to answer at a fixed open-loop rate. Run by
//! `scripts/serve-bench.sh` (which starts both servers: orgsim's release build with
//! `examples/serve_bench/serve.toml`, buckets and latency off, and moto through
//! `scripts/moto.sh`):
//!
//! ```text
//! serve_bench --target NAME=URL [--target NAME=URL ...] [--seconds S] [--connections C]
//!             [--rate R]
//! ```
//!
//! For each target, three measurements:
//! - `read`: DescribeOrganization, closed loop: C connections (keep-alive), each sending its
//!   next request when the last is answered, for S seconds;
//! - `mix`: a Terraform-like create mix, closed loop the same way: per round, an OU, a policy
//!   attached to it, an account and its status, then six reads of them (10 requests, 4 writes);
//! - `open`: DescribeOrganization open loop at R requests/s for S seconds over C connections,
//!   each request's time from its send to the end of its answer (p50, p99, max).
//!
//! Plain HTTP/1.1 over `std::net` (no client library between the measure and the socket); a
//! server that closes the connection after an answer (moto's, HTTP/1.0) is reconnected to, the
//! reconnection counted in the request's time.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TARGET: &str = "AWSOrganizationsV20161128.";

/// One keep-alive connection to a server (reconnected when the server closes it).
struct Conn {
    hostport: String,
    reader: Option<BufReader<TcpStream>>,
    /// Connections opened (the first included).
    opened: u64,
}

impl Conn {
    fn new(hostport: &str) -> Conn {
        Conn {
            hostport: hostport.to_string(),
            reader: None,
            opened: 0,
        }
    }

    fn stream(&mut self) -> &mut BufReader<TcpStream> {
        if self.reader.is_none() {
            let s = TcpStream::connect(&self.hostport).expect("connects");
            s.set_nodelay(true).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
            self.opened += 1;
            self.reader = Some(BufReader::new(s));
        }
        self.reader.as_mut().unwrap()
    }

    /// Sends one Organizations call and reads its answer: (status, body).
    fn call(&mut self, op: &str, body: &Value) -> (u16, Value) {
        let body = body.to_string();
        let head = format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nX-Amz-Target: {TARGET}{op}\r\nContent-Type: application/x-amz-json-1.1\r\nAuthorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=0\r\nContent-Length: {}\r\n\r\n",
            self.hostport,
            body.len()
        );
        for attempt in 0..2 {
            let r = self.stream();
            let sent = r
                .get_mut()
                .write_all(head.as_bytes())
                .and_then(|_| r.get_mut().write_all(body.as_bytes()));
            match sent.ok().and_then(|_| read_answer(r)) {
                Some((status, close, text)) => {
                    if close {
                        self.reader = None;
                    }
                    let v = serde_json::from_slice(&text).unwrap_or(Value::Null);
                    return (status, v);
                }
                // The server closed a kept-alive connection: once more on a new one.
                None if attempt == 0 => self.reader = None,
                None => break,
            }
        }
        panic!("{op}: no answer from {}", self.hostport)
    }
}

/// Reads one HTTP/1.x answer: (status, whether the connection closes after it, body).
fn read_answer(r: &mut BufReader<TcpStream>) -> Option<(u16, bool, Vec<u8>)> {
    let mut line = String::new();
    if r.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let status: u16 = line.split_whitespace().nth(1)?.parse().ok()?;
    let mut close = line.starts_with("HTTP/1.0");
    let mut len: Option<usize> = None;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':')?;
        let v = v.trim();
        match k.to_ascii_lowercase().as_str() {
            "content-length" => len = v.parse().ok(),
            "connection" => close = v.eq_ignore_ascii_case("close"),
            _ => {}
        }
    }
    let mut body = Vec::new();
    match len {
        Some(n) => {
            body.resize(n, 0);
            r.read_exact(&mut body).ok()?;
        }
        None => {
            r.read_to_end(&mut body).ok()?;
            close = true;
        }
    }
    Some((status, close, body))
}

fn ok(what: &str, (status, v): (u16, Value)) -> Value {
    assert_eq!(status, 200, "{what}: {status} {v}");
    v
}

fn id(v: &Value, path: &[&str]) -> String {
    let mut x = v;
    for p in path {
        x = &x[*p];
    }
    x.as_str()
        .unwrap_or_else(|| panic!("no {path:?} in {v}"))
        .to_string()
}

const SCP: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#;

/// One round of the create mix on `c` (10 requests), names made unique by `tag`.
fn mix_round(c: &mut Conn, root: &str, tag: &str) {
    let ou = ok(
        "CreateOrganizationalUnit",
        c.call(
            "CreateOrganizationalUnit",
            &json!({"ParentId": root, "Name": format!("ou-{tag}")}),
        ),
    );
    let ou = id(&ou, &["OrganizationalUnit", "Id"]);
    let p = ok(
        "CreatePolicy",
        c.call(
            "CreatePolicy",
            &json!({"Name": format!("p-{tag}"), "Description": "bench", "Content": SCP,
                    "Type": "SERVICE_CONTROL_POLICY"}),
        ),
    );
    let p = id(&p, &["Policy", "PolicySummary", "Id"]);
    ok(
        "AttachPolicy",
        c.call("AttachPolicy", &json!({"PolicyId": p, "TargetId": ou})),
    );
    let st = ok(
        "CreateAccount",
        c.call(
            "CreateAccount",
            &json!({"Email": format!("a-{tag}@example.com"), "AccountName": format!("A {tag}")}),
        ),
    );
    let car = id(&st, &["CreateAccountStatus", "Id"]);
    ok(
        "DescribeCreateAccountStatus",
        c.call(
            "DescribeCreateAccountStatus",
            &json!({"CreateAccountRequestId": car}),
        ),
    );
    ok(
        "DescribeOrganizationalUnit",
        c.call(
            "DescribeOrganizationalUnit",
            &json!({"OrganizationalUnitId": ou}),
        ),
    );
    ok(
        "ListParents",
        c.call("ListParents", &json!({"ChildId": ou})),
    );
    ok(
        "ListTagsForResource",
        c.call("ListTagsForResource", &json!({"ResourceId": ou})),
    );
    ok(
        "DescribePolicy",
        c.call("DescribePolicy", &json!({"PolicyId": p})),
    );
    ok(
        "ListTargetsForPolicy",
        c.call("ListTargetsForPolicy", &json!({"PolicyId": p})),
    );
}

const MIX_ROUND: u64 = 10;

/// Closed loop: `conns` connections for `secs`, each running `work` (which makes `per`
/// requests) again and again. Gives requests per second.
fn closed_loop(
    hostport: &str,
    conns: usize,
    secs: f64,
    per: u64,
    work: impl Fn(&mut Conn, usize, u64) + Send + Sync + 'static,
) -> f64 {
    let work = Arc::new(work);
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..conns)
        .map(|w| {
            let (work, stop, done) = (work.clone(), stop.clone(), done.clone());
            let hostport = hostport.to_string();
            std::thread::spawn(move || {
                let mut c = Conn::new(&hostport);
                let mut k = 0;
                while !stop.load(Ordering::Relaxed) {
                    work(&mut c, w, k);
                    k += 1;
                    done.fetch_add(per, Ordering::Relaxed);
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(secs));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().expect("worker");
    }
    done.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// Open loop: `rate` DescribeOrganization requests a second for `secs`, spread over `conns`
/// connections (request i goes out at start + i/rate on connection i mod conns). Gives each
/// request's time from its send to its answer, in microseconds, and how far behind its
/// schedule the latest send was.
fn open_loop(hostport: &str, conns: usize, secs: f64, rate: f64) -> (Vec<u64>, Duration) {
    let total = (rate * secs) as u64;
    let start = Instant::now() + Duration::from_millis(50);
    let handles: Vec<_> = (0..conns)
        .map(|w| {
            let hostport = hostport.to_string();
            std::thread::spawn(move || {
                let mut c = Conn::new(&hostport);
                // Connected before the clock starts.
                ok(
                    "DescribeOrganization",
                    c.call("DescribeOrganization", &json!({})),
                );
                let mut times = Vec::new();
                let mut lag = Duration::ZERO;
                let mut i = w as u64;
                while i < total {
                    let at = start + Duration::from_secs_f64(i as f64 / rate);
                    let now = Instant::now();
                    if at > now {
                        std::thread::sleep(at - now);
                    } else {
                        lag = lag.max(now - at);
                    }
                    let sent = Instant::now();
                    ok(
                        "DescribeOrganization",
                        c.call("DescribeOrganization", &json!({})),
                    );
                    times.push(sent.elapsed().as_micros() as u64);
                    i += conns as u64;
                }
                (times, lag)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut lag = Duration::ZERO;
    for h in handles {
        let (t, l) = h.join().expect("worker");
        all.extend(t);
        lag = lag.max(l);
    }
    all.sort_unstable();
    (all, lag)
}

fn pct(sorted: &[u64], q: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn main() {
    let mut targets: Vec<(String, String)> = Vec::new();
    let (mut secs, mut conns, mut rate) = (5.0f64, 8usize, 1000.0f64);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().unwrap_or_else(|| panic!("{a} needs a value"));
        match a.as_str() {
            "--target" => {
                let v = val();
                let (name, url) = v.split_once('=').expect("--target NAME=URL");
                targets.push((name.to_string(), url.to_string()));
            }
            "--seconds" => secs = val().parse().expect("--seconds S"),
            "--connections" => conns = val().parse().expect("--connections C"),
            "--rate" => rate = val().parse().expect("--rate R"),
            _ => panic!("unknown argument {a}; see the file's doc comment"),
        }
    }
    assert!(!targets.is_empty(), "--target NAME=URL, at least one");
    println!(
        "{} s per measurement, {conns} connections; open loop at {rate} requests/s",
        secs
    );
    let mut rows = Vec::new();
    for (name, url) in &targets {
        let hostport = url
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let mut c = Conn::new(&hostport);
        let roots = ok("ListRoots", c.call("ListRoots", &json!({})));
        let root = roots["Roots"][0]["Id"]
            .as_str()
            .unwrap_or_else(|| panic!("ListRoots: {roots}"))
            .to_string();
        let read = closed_loop(&hostport, conns, secs, 1, |c, _, _| {
            ok(
                "DescribeOrganization",
                c.call("DescribeOrganization", &json!({})),
            );
        });
        let run = std::process::id();
        let mix = {
            let root = root.clone();
            closed_loop(&hostport, conns, secs, MIX_ROUND, move |c, w, k| {
                mix_round(c, &root, &format!("{run}-{w}-{k}"))
            })
        };
        let (times, lag) = open_loop(&hostport, conns.min(4), secs, rate);
        let row = (
            name.clone(),
            read,
            mix,
            pct(&times, 0.50),
            pct(&times, 0.99),
            times.last().copied().unwrap_or(0),
            lag,
        );
        println!(
            "{:<8} read {:>8.0} req/s   mix {:>8.0} req/s   open {rate:.0}/s: p50 {} µs, p99 {} µs, max {} µs (latest send {} µs behind)",
            row.0,
            row.1,
            row.2,
            row.3,
            row.4,
            row.5,
            row.6.as_micros()
        );
        rows.push(row);
    }
    if rows.len() >= 2 {
        let (a, b) = (&rows[0], &rows[1]);
        println!(
            "{} / {}: read {:.1}x, mix {:.1}x; p99 at {rate:.0}/s {} µs vs {} µs",
            a.0,
            b.0,
            a.1 / b.1,
            a.2 / b.2,
            a.4,
            b.4
        );
    }
}
