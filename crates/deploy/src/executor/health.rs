//! Health checks after the steps: an HTTP(S) GET with an expected status
//! and JSON fields, or a TCP connect, retried until a deadline. `https://`
//! is verified against the system's trust store (`SSL_CERT_FILE` and
//! `SSL_CERT_DIR` honoured) plus the environment's `ca_file`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use smaqit_core::project::environments::HealthCheck;
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};

use super::scrub::Scrubber;
use crate::protocol::HealthResult;

/// The HTTP agent of one deploy: the system's roots, or those plus the
/// environment's CA file.
pub fn agent(ca_file: Option<&std::path::Path>) -> Result<ureq::Agent, String> {
    let roots = match ca_file {
        None => RootCerts::PlatformVerifier,
        Some(path) => {
            let pem = std::fs::read(path).map_err(|e| format!("ca_file {}: {e}", path.display()))?;
            let mut certs: Vec<Certificate<'static>> = ureq::tls::parse_pem(&pem)
                .filter_map(|i| match i {
                    Ok(PemItem::Certificate(c)) => Some(c.to_owned()),
                    _ => None,
                })
                .collect();
            if certs.is_empty() {
                return Err(format!("ca_file {}: no certificate in it", path.display()));
            }
            let native = rustls_native_certs::load_native_certs();
            certs.extend(native.certs.iter().map(|c| Certificate::from_der(c.as_ref()).to_owned()));
            RootCerts::Specific(Arc::new(certs))
        }
    };
    Ok(ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .http_status_as_error(false)
        .tls_config(TlsConfig::builder().root_certs(roots).build())
        .build()
        .into())
}

/// Why a check failed, and whether it reached its target at all.
struct Failure {
    why: String,
    reached: bool,
}

pub fn run(check: &HealthCheck, agent: &ureq::Agent, cancel: &AtomicBool, scrub: &Scrubber) -> HealthResult {
    let deadline = Instant::now() + Duration::from_secs(check.within_secs);
    let result = |ok: bool, reached: bool, detail: &str| HealthResult {
        check: scrub.scrub_raw(&check.describe()),
        ok,
        detail: scrub.scrub_raw(detail),
        reached,
        verifies: check.verifies.clone(),
    };
    let mut last;
    loop {
        let outcome = match (&check.url, &check.tcp) {
            (Some(url), _) => http(url, check, agent),
            (None, Some(addr)) => tcp(addr),
            _ => Err(Failure { why: "no target".into(), reached: false }),
        };
        match outcome {
            Ok(detail) => return result(true, true, &detail),
            Err(e) => last = e,
        }
        if Instant::now() >= deadline || cancel.load(Ordering::Relaxed) {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    result(false, last.reached, &format!("not healthy within {} s: {}", check.within_secs, last.why))
}

fn http(url: &str, check: &HealthCheck, agent: &ureq::Agent) -> Result<String, Failure> {
    let unreached = |why: String| Failure { why, reached: false };
    let reached = |why: String| Failure { why, reached: true };
    let mut response = agent.get(url).call().map_err(|e| unreached(e.to_string()))?;
    let status = response.status().as_u16();
    if status != check.expect_status {
        return Err(reached(format!("status {status}, expected {}", check.expect_status)));
    }
    if check.json.is_empty() {
        return Ok(format!("{status}"));
    }
    let body = response.body_mut().read_to_string().map_err(|e| reached(e.to_string()))?;
    let value: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| reached(format!("body is not JSON: {e}")))?;
    for (field, want) in &check.json {
        let Some(got) = value.get(field) else { return Err(reached(format!("JSON field `{field}` is missing"))) };
        let got = got.as_str().map_or_else(|| got.to_string(), str::to_owned);
        if want != "*" && &got != want {
            return Err(reached(format!("JSON field `{field}` is `{got}`, expected `{want}`")));
        }
    }
    Ok(format!("{status}, JSON fields {} present", check.json.keys().cloned().collect::<Vec<_>>().join(", ")))
}

fn tcp(addr: &str) -> Result<String, Failure> {
    use std::net::ToSocketAddrs;
    let unreached = |why: String| Failure { why, reached: false };
    let addrs: Vec<_> = addr.to_socket_addrs().map_err(|e| unreached(e.to_string()))?.collect();
    for a in addrs {
        if std::net::TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok() {
            return Ok(format!("connected to {a}"));
        }
    }
    Err(unreached(format!("cannot connect to {addr}")))
}
