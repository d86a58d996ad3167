//! Single-threaded scan throughput on ~30 MB of generated IaC and Markdown
//! with sparse secrets. Deterministic (xorshift PRNG, fixed seed); prints the
//! median MB/s of several runs.
//!
//! Run with `cargo bench -p smaqit-secrets`.

use smaqit_secrets::Scanner;
use std::path::PathBuf;
use std::time::Instant;

const TARGET_BYTES: usize = 30 * 1024 * 1024;
const RUNS: usize = 7;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn chars(&mut self, n: usize, set: &[u8]) -> String {
        (0..n).map(|_| set[self.below(set.len())] as char).collect()
    }
    fn alnum(&mut self, n: usize) -> String {
        self.chars(n, b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    }
    fn hex(&mut self, n: usize) -> String {
        self.chars(n, b"0123456789abcdef")
    }
}

const WORDS: &[&str] = &[
    "ledger",
    "harbor",
    "quarry",
    "tide",
    "fjord",
    "orchard",
    "billing",
    "gateway",
    "worker",
    "ingest",
    "report",
    "search",
    "payments",
    "identity",
    "catalog",
    "inventory",
    "notify",
    "scheduler",
    "audit",
    "export",
    "frontend",
    "backend",
    "cache",
    "queue",
    "metrics",
];
const PROSE: &[&str] = &[
    "the",
    "service",
    "deploys",
    "to",
    "a",
    "private",
    "subnet",
    "and",
    "reads",
    "its",
    "configuration",
    "from",
    "environment",
    "variables",
    "resolved",
    "by",
    "executor",
    "every",
    "request",
    "is",
    "authenticated",
    "with",
    "short-lived",
    "credentials",
    "rotated",
    "daily",
    "operators",
    "never",
    "see",
    "values",
    "key",
    "rotation",
    "runs",
    "weekly",
    "token",
    "lifetime",
    "is",
    "fifteen",
    "minutes",
    "password",
    "policy",
    "requires",
    "twelve",
    "characters",
];

/// A fake credential, assembled at runtime so this file holds none.
fn secret_line(r: &mut Rng, kind: &str) -> String {
    let v = match r.below(8) {
        0 => format!("{}{}", ["gh", "p_"].concat(), r.alnum(36)),
        1 => format!("{}{}", ["AK", "IA"].concat(), r.chars(16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")),
        2 => format!("{}{}", ["xo", "xb-"].concat(), r.alnum(40)),
        3 => format!("{}!{}", r.alnum(10), r.alnum(6)),
        4 => format!("postgres://app:{}@db.internal:5432/app", r.alnum(18)),
        5 => format!("{}{}", ["sk_", "live_"].concat(), r.alnum(32)),
        6 => r.hex(40),
        _ => format!("{}{}", ["gl", "pat-"].concat(), r.alnum(20)),
    };
    match kind {
        "yaml" => format!("  API_SECRET: {v}\n"),
        "hcl" => format!("  secret_value = \"{v}\"\n"),
        "env" => format!("SERVICE_TOKEN={v}\n"),
        "json" => format!("    \"clientSecret\": \"{v}\",\n"),
        _ => format!("    export DEPLOY_TOKEN={v}\n"),
    }
}

fn yaml_doc(r: &mut Rng, out: &mut String) {
    let svc = r.pick(WORDS);
    let ns = r.pick(WORDS);
    out.push_str(&format!(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {svc}\n  namespace: {ns}\n  labels:\n    app.kubernetes.io/name: {svc}\n    app.kubernetes.io/version: \"{}.{}.{}\"\n  annotations:\n    checksum/config: {}\nspec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: {svc}\n  template:\n    spec:\n      serviceAccountName: {svc}\n      containers:\n        - name: {svc}\n          image: registry.example.com/{ns}/{svc}@sha256:{}\n          ports:\n            - name: http\n              containerPort: 8080\n          env:\n            - name: LOG_LEVEL\n              value: info\n            - name: DATABASE_URL\n              value: postgres://{svc}@db.{ns}.svc:5432/{svc}\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: {{ name: {svc}-db, key: password }}\n            - name: API_TOKEN\n              value: ${{API_TOKEN}}\n          resources:\n            requests: {{ cpu: 250m, memory: 512Mi }}\n            limits: {{ memory: 1Gi }}\n          readinessProbe:\n            httpGet: {{ path: /healthz, port: http }}\n---\n",
        r.below(10),
        r.below(30),
        r.below(10),
        r.hex(64),
        1 + r.below(6),
        r.hex(64)
    ));
}

fn hcl_doc(r: &mut Rng, out: &mut String) {
    let svc = r.pick(WORDS);
    let env = r.pick(&["dev", "staging", "prod"]);
    out.push_str(&format!(
        "resource \"aws_s3_bucket\" \"{svc}\" {{\n  bucket = \"{svc}-{env}-{}\"\n  tags = {{\n    Owner   = \"team-{}\"\n    Service = \"{svc}\"\n  }}\n}}\n\nvariable \"{svc}_replicas\" {{\n  type        = number\n  description = \"How many {svc} tasks run in {env}.\"\n  default     = {}\n}}\n\nresource \"aws_db_instance\" \"{svc}\" {{\n  identifier     = \"{svc}-{env}\"\n  engine         = \"postgres\"\n  instance_class = \"db.t4g.medium\"\n  username       = \"{svc}_admin\"\n  password       = var.{svc}_db_password\n  kms_key_id     = \"arn:aws:kms:eu-west-1:{}:key/{}\"\n}}\n\n",
        r.hex(6),
        r.pick(WORDS),
        1 + r.below(9),
        r.below(1_000_000_000),
        r.hex(32)
    ));
}

fn env_doc(r: &mut Rng, out: &mut String) {
    let svc = r.pick(WORDS);
    out.push_str(&format!(
        "# {svc} settings\nAPP_ENV=production\nAPP_URL=https://{svc}.example.com\nLOG_LEVEL=info\nDB_HOST=db.internal\nDB_PORT=5432\nDB_USER={svc}\nDB_PASSWORD_FILE=/run/secrets/db\nREDIS_URL=redis://cache:6379/0\nFEATURE_FLAGS=checkout,search\nMAX_WORKERS={}\nBUILD_SHA={}\n\n",
        1 + r.below(32),
        r.hex(40)
    ));
}

fn json_doc(r: &mut Rng, out: &mut String) {
    let svc = r.pick(WORDS);
    out.push_str(&format!(
        "{{\n  \"name\": \"{svc}\",\n  \"version\": \"{}.{}.{}\",\n  \"dependencies\": {{\n    \"{}\": {{\n      \"version\": \"2.{}.0\",\n      \"resolved\": \"https://registry.npmjs.org/{svc}/-/{svc}-2.0.0.tgz\",\n      \"integrity\": \"sha512-{}==\"\n    }}\n  }},\n  \"settings\": {{ \"timeoutMs\": {}, \"retries\": 3, \"region\": \"eu-west-1\" }}\n}}\n",
        r.below(5),
        r.below(20),
        r.below(9),
        r.pick(WORDS),
        r.below(9),
        r.alnum(86),
        r.below(10_000)
    ));
}

fn md_doc(r: &mut Rng, out: &mut String) {
    out.push_str(&format!("## {} {}\n\n", r.pick(WORDS), r.pick(WORDS)));
    for _ in 0..6 {
        let n = 12 + r.below(20);
        let words: Vec<&str> = (0..n).map(|_| r.pick(PROSE)).collect();
        out.push_str(&words.join(" "));
        out.push_str(".\n");
    }
    out.push_str("\n| Secret | Type | Source |\n|---|---|---|\n");
    for _ in 0..3 {
        out.push_str(&format!(
            "| {}_TOKEN | token | vault `secret/data/{}/{}` |\n",
            r.pick(WORDS).to_uppercase(),
            r.pick(WORDS),
            r.pick(WORDS)
        ));
    }
    out.push_str("\n```bash\ncurl -fsS https://api.example.com/v1/health | jq .status\n```\n\n");
}

fn generate() -> (Vec<(PathBuf, String)>, usize) {
    let mut r = Rng(0x9e37_79b9_7f4a_7c15);
    let mut files = Vec::new();
    let mut total = 0;
    let kinds = [
        ("yaml", "deploy.yaml"),
        ("hcl", "main.tf"),
        ("env", ".env"),
        ("json", "package-lock.json"),
        ("md", "spec.md"),
    ];
    let mut i = 0;
    let mut planted = 0;
    while total < TARGET_BYTES {
        let (kind, name) = kinds[i % kinds.len()];
        let mut text = String::new();
        while text.len() < 64 * 1024 {
            match kind {
                "yaml" => yaml_doc(&mut r, &mut text),
                "hcl" => hcl_doc(&mut r, &mut text),
                "env" => env_doc(&mut r, &mut text),
                "json" => json_doc(&mut r, &mut text),
                _ => md_doc(&mut r, &mut text),
            }
            // Sparse secrets: about one per 400 lines.
            if r.below(12) == 0 {
                text.push_str(&secret_line(&mut r, kind));
                planted += 1;
            }
        }
        total += text.len();
        files.push((PathBuf::from(format!("bench/{i}/{name}")), text));
        i += 1;
    }
    (files, planted)
}

fn main() {
    let (files, planted) = generate();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let scanner = Scanner::new();
    let mut rates = Vec::new();
    let mut findings = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        findings = 0;
        for (path, text) in &files {
            findings += scanner.scan(path, text).len();
        }
        let secs = start.elapsed().as_secs_f64();
        rates.push(bytes as f64 / secs / 1e6);
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    println!(
        "smaqit-secrets throughput: {:.1} MB/s median over {RUNS} runs ({:.1} MB in {} files, {planted} planted secrets, {findings} findings; min {:.1}, max {:.1})",
        rates[RUNS / 2],
        bytes as f64 / 1e6,
        files.len(),
        rates[0],
        rates[RUNS - 1]
    );
}
