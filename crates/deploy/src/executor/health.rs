//! Health checks after the steps: an HTTP GET with an expected status and
//! JSON fields, or a TCP connect, retried until a deadline.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::scrub::Scrubber;
use crate::protocol::HealthResult;
use smaqit_core::project::environments::HealthCheck;

pub fn run(check: &HealthCheck, cancel: &AtomicBool, scrub: &Scrubber) -> HealthResult {
    let deadline = Instant::now() + Duration::from_secs(check.within_secs);
    let mut last;
    loop {
        let outcome = match (&check.url, &check.tcp) {
            (Some(url), _) => http(url, check),
            (None, Some(addr)) => tcp(addr),
            _ => Err("no target".into()),
        };
        match outcome {
            Ok(detail) => {
                return HealthResult { check: scrub.scrub(&check.describe()), ok: true, detail: scrub.scrub(&detail) };
            }
            Err(e) => last = e,
        }
        if Instant::now() >= deadline || cancel.load(Ordering::Relaxed) {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    HealthResult {
        check: scrub.scrub(&check.describe()),
        ok: false,
        detail: scrub.scrub(&format!("not healthy within {} s: {last}", check.within_secs)),
    }
}

fn http(url: &str, check: &HealthCheck) -> Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    if status != check.expect_status {
        return Err(format!("status {status}, expected {}", check.expect_status));
    }
    if check.json.is_empty() {
        return Ok(format!("{status}"));
    }
    let body = response.body_mut().read_to_string().map_err(|e| e.to_string())?;
    let value: serde_json::Value = serde_json::from_str(&body).map_err(|e| format!("body is not JSON: {e}"))?;
    for (field, want) in &check.json {
        let Some(got) = value.get(field) else { return Err(format!("JSON field `{field}` is missing")) };
        let got = got.as_str().map_or_else(|| got.to_string(), str::to_owned);
        if want != "*" && &got != want {
            return Err(format!("JSON field `{field}` is `{got}`, expected `{want}`"));
        }
    }
    Ok(format!("{status}, JSON fields {} present", check.json.keys().cloned().collect::<Vec<_>>().join(", ")))
}

fn tcp(addr: &str) -> Result<String, String> {
    use std::net::ToSocketAddrs;
    let addrs: Vec<_> = addr.to_socket_addrs().map_err(|e| e.to_string())?.collect();
    for a in addrs {
        if std::net::TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok() {
            return Ok(format!("connected to {a}"));
        }
    }
    Err(format!("cannot connect to {addr}"))
}
