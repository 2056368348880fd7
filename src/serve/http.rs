//! The HTTP/1.1 server of `orgsim serve`: hyper's connection driver on tokio, one task a
//! connection, [`Served`] under one mutex.
//!
//! Bounded against its clients: at most [`Limits::max_connections`] connections (more are
//! closed at once), a request head within [`Limits::header_timeout`] and at most 64 KiB, a body
//! within [`Limits::body_timeout`] and at most [`Limits::max_body`] bytes (413 past it). A panic
//! while answering is caught and answered as a ServiceException (500).

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::{Method, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};

use super::Served;
use crate::clock::Clock;

/// What the server allows a client.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest request body, in bytes (larger: 413).
    pub max_body: usize,
    /// The time a client has to send a request's head.
    pub header_timeout: Duration,
    /// The time a client has to send a request's body.
    pub body_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            // An SCP is at most 5,120 characters (and a request names a few ids): 1 MiB is
            // far above any request the served operations take.
            max_body: 1 << 20,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 256,
        }
    }
}

/// The largest request head (hyper's read buffer), in bytes.
const MAX_HEAD: usize = 64 * 1024;

/// The served organization, its clock and its time scale.
pub struct Shared {
    state: Mutex<(Served, Clock)>,
    scale: f64,
    /// `--out DIR`: where `GET /_orgsim/report` writes the report's files.
    out: Option<std::path::PathBuf>,
}

impl Shared {
    pub fn new(mut served: Served, scale: f64) -> Shared {
        served.set_time_scale(scale);
        Shared {
            state: Mutex::new((served, Clock::new(scale))),
            scale,
            out: None,
        }
    }

    /// Writes the report's files into `dir` at every `GET /_orgsim/report`.
    pub fn with_out(mut self, dir: Option<std::path::PathBuf>) -> Shared {
        self.out = dir;
        self
    }

    /// Writes [`Shared::out_files`] into the `--out` directory, if there is one, all or
    /// nothing; gives the directory written.
    pub fn write_out(&self) -> Result<Option<&std::path::Path>, String> {
        let Some(dir) = &self.out else {
            return Ok(None);
        };
        let files = self.out_files()?;
        crate::report::write_files(dir, &files)
            .map_err(|e| format!("cannot write into {}: {e}", dir.display()))?;
        Ok(Some(dir))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Served, Clock)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The report of what was served (`GET /_orgsim/report`), as JSON text.
    pub fn report(&self) -> String {
        let g = self.lock();
        // `schema_version` first, as in every JSON report (docs/serve.md).
        crate::json::pretty_json(&crate::json::Versioned {
            schema_version: crate::json::SERVE_SCHEMA_VERSION,
            report: &g.0.report(g.1.now_ms()),
        })
    }

    /// The files `--out` writes: `requests.json` ([`Shared::report`]) and what `run --out`
    /// writes, of what the client did (`Served::run_files`). A chart that cannot be drawn is
    /// an error naming it.
    pub fn out_files(&self) -> Result<Vec<(&'static str, Vec<u8>)>, String> {
        let requests = self.report();
        let mut g = self.lock();
        let now = g.1.now_ms();
        let mut files =
            g.0.run_files(now)
                .map_err(|e| format!("cannot draw a chart: {e}"))?;
        files.insert(0, ("requests.json", requests.into_bytes()));
        Ok(files)
    }

    /// The run-style report.json of what the client did (`GET /_orgsim/report/run`).
    pub fn run_report(&self) -> String {
        let mut g = self.lock();
        let now = g.1.now_ms();
        let (_, rep) = g.0.run_report(now);
        crate::report::json(&rep)
    }

    /// The one-screen summary of what was served.
    pub fn summary(&self) -> String {
        let g = self.lock();
        g.0.summary(g.1.now_ms())
    }
}

/// Epoch milliseconds now.
pub fn epoch_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

type Resp = hyper::Response<Full<Bytes>>;

fn respond(status: u16, content_type: &'static str, body: String) -> Resp {
    let mut r = hyper::Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

fn json(status: u16, body: &serde_json::Value) -> Resp {
    respond(status, "application/x-amz-json-1.1", body.to_string())
}

/// Serves on `listener` until `stop` completes; then lets the requests in flight finish (for
/// at most 2 s) and returns.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    limits: Limits,
    stop: impl Future<Output = ()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stopping, stopped) = watch::channel(false);
    tokio::pin!(stop);
    loop {
        let (stream, _peer) = tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // A client that went away mid-handshake, or no descriptors left: go on.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = Arc::clone(&slots).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(route(&shared, req, limits).await) }
            });
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .max_buf_size(MAX_HEAD)
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stopped.changed() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(2), conn).await;
                }
            }
            drop(permit);
        });
    }
    let _ = stopping.send(true);
    let all = limits.max_connections.min(u32::MAX as usize) as u32;
    let _ = tokio::time::timeout(Duration::from_secs(3), slots.acquire_many(all)).await;
}

async fn route(shared: &Shared, req: hyper::Request<Incoming>, limits: Limits) -> Resp {
    let path = req.uri().path().to_string();
    match (req.method().clone(), path.as_str()) {
        (Method::POST, "/") => aws(shared, req, limits).await,
        (Method::GET, "/_orgsim/health") => {
            let g = shared.lock();
            let body = serde_json::json!({
                "status": "ready",
                "model_time_ms": g.1.now_ms(),
                "management_account_id": g.0.management_account_id(),
            });
            respond(200, "application/json", body.to_string())
        }
        (Method::GET, "/_orgsim/report") => match shared.write_out() {
            Ok(_) => respond(200, "application/json", shared.report()),
            Err(e) => respond(
                500,
                "application/json",
                serde_json::json!({ "error": e }).to_string(),
            ),
        },
        (Method::GET, "/_orgsim/report/run") => {
            respond(200, "application/json", shared.run_report())
        }
        (Method::POST, "/_orgsim/reset") => {
            let mut g = shared.lock();
            g.1 = Clock::new(shared.scale);
            g.0.reset(epoch_ms());
            respond(200, "application/json", "{\"reset\":true}".into())
        }
        (_, p) if p.starts_with("/_orgsim/") => respond(
            404,
            "application/json",
            "{\"error\":\"the admin paths are GET /_orgsim/health, GET /_orgsim/report, GET /_orgsim/report/run and POST /_orgsim/reset\"}".into(),
        ),
        _ => json(
            404,
            &super::error_body(
                "UnknownOperationException",
                "orgsim serve answers POST / (the AWS JSON 1.1 protocol)",
            ),
        ),
    }
}

/// Records a request answered before the model saw it.
fn refuse(shared: &Shared, what: &str, status: u16, code: &str, message: &str) -> Resp {
    let mut g = shared.lock();
    let now = g.1.now_ms();
    g.0.record(now, what.to_string(), code.to_string(), None, status, 0);
    drop(g);
    json(status, &super::error_body(code, message))
}

async fn aws(shared: &Shared, req: hyper::Request<Incoming>, limits: Limits) -> Resp {
    let target = req
        .headers()
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let what = match &target {
        Some(t) => t
            .strip_prefix(super::wire::TARGET_PREFIX)
            .unwrap_or(t)
            .to_string(),
        None => "(no X-Amz-Target)".into(),
    };
    let declared = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = format!(
        "the request body is larger than {} bytes, the most orgsim serve takes",
        limits.max_body
    );
    if declared.is_some_and(|n| n > limits.max_body as u64) {
        return refuse(shared, &what, 413, "RequestEntityTooLarge", &too_large);
    }
    let body = Limited::new(req.into_body(), limits.max_body).collect();
    let body = match tokio::time::timeout(limits.body_timeout, body).await {
        Ok(Ok(b)) => b.to_bytes(),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => {
            return refuse(shared, &what, 413, "RequestEntityTooLarge", &too_large)
        }
        Ok(Err(_)) => {
            return refuse(
                shared,
                &what,
                400,
                "SerializationException",
                "the request body could not be read",
            )
        }
        Err(_) => {
            return refuse(
                shared,
                &what,
                408,
                "RequestTimeout",
                "the request body did not arrive in time",
            )
        }
    };
    if target.is_none() && form {
        return sts(shared, &body);
    }
    let answered = {
        let mut g = shared.lock();
        let now = g.1.now_ms();
        let served = &mut g.0;
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            served.handle(now, target.as_deref(), &body)
        }))
    };
    let reply = match answered {
        Ok(r) => r,
        Err(_) => {
            return json(
                500,
                &super::error_body("ServiceException", "orgsim serve failed on this request"),
            )
        }
    };
    if reply.latency_ms > 0 {
        let wait = reply.latency_ms as f64 / 1000.0 / shared.scale;
        tokio::time::sleep(Duration::from_secs_f64(wait.min(3600.0))).await;
    }
    json(reply.status, &reply.body)
}

/// STS's GetCallerIdentity (the Query protocol: a form-encoded POST, an XML answer): the
/// management account, as the AWS CLI and Terraform's provider ask for it. Any other STS
/// action is answered as unknown.
fn sts(shared: &Shared, body: &[u8]) -> Resp {
    let text = String::from_utf8_lossy(body);
    let action = text
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .unwrap_or("");
    let mut g = shared.lock();
    let now = g.1.now_ms();
    let account = g.0.management_account_id().to_string();
    if action != "GetCallerIdentity" {
        g.0.record(
            now,
            format!("sts:{action}"),
            "InvalidAction".into(),
            None,
            400,
            0,
        );
        return respond(
            400,
            "text/xml",
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>orgsim serve answers GetCallerIdentity only</Message></Error><RequestId>orgsim</RequestId></ErrorResponse>".into(),
        );
    }
    g.0.record(
        now,
        "sts:GetCallerIdentity".into(),
        "ok".into(),
        None,
        200,
        0,
    );
    respond(
        200,
        "text/xml",
        format!(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>arn:aws:iam::{account}:root</Arn>\
             <UserId>{account}</UserId><Account>{account}</Account></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>orgsim-sts</RequestId></ResponseMetadata>\
             </GetCallerIdentityResponse>"
        ),
    )
}

/// Binds `addr` (a clear error if it cannot).
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
