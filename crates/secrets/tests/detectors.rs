//! Positive and negative cases per detector family. Fake credentials are
//! assembled at runtime (`cat`) so this file does not itself look like a leak.

use smaqit_secrets::{Scanner, SecretFinding, fingerprint, is_scannable_path, looks_binary, suggested_reference_name};
use std::path::Path;
use std::sync::OnceLock;

fn scanner() -> &'static Scanner {
    static S: OnceLock<Scanner> = OnceLock::new();
    S.get_or_init(Scanner::new)
}

fn cat(parts: &[&str]) -> String {
    parts.concat()
}

/// Deterministic pseudo-random alphanumerics (no PRNG crate).
fn rnd(n: usize, seed: u64) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            A[(x % 62) as usize] as char
        })
        .collect()
}

fn b64(data: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn scan(path: &str, text: &str) -> Vec<SecretFinding> {
    scanner().scan(Path::new(path), text)
}

fn line_of(text: &str, pos: usize) -> usize {
    text[..pos].matches('\n').count() + 1
}

/// Exactly one finding, on `line`, by `detector`, whose value is `value`.
#[track_caller]
fn found(path: &str, text: &str, line: usize, detector: &str, value: &str) {
    let f = scan(path, text);
    let hits: Vec<_> = f.iter().map(|f| (line_of(text, f.range.start), f.detector, &text[f.range.clone()])).collect();
    assert!(
        hits.iter().any(|&(l, d, v)| l == line && d == detector && v == value),
        "expected {detector} on line {line} with the planted value in {path}; got {:?}",
        hits.iter().map(|h| (h.0, h.1)).collect::<Vec<_>>()
    );
}

/// A finding (any detector) on `line`.
#[track_caller]
fn found_on(path: &str, text: &str, line: usize) {
    let f = scan(path, text);
    assert!(
        f.iter().any(|f| line_of(text, f.range.start) == line),
        "expected a finding on line {line} of {path}; got {:?}",
        f.iter().map(|f| (line_of(text, f.range.start), f.detector)).collect::<Vec<_>>()
    );
}

#[track_caller]
fn clean(path: &str, text: &str) {
    let f = scan(path, text);
    assert!(
        f.is_empty(),
        "expected no finding in {path}; got {:?}",
        f.iter().map(|f| (line_of(text, f.range.start), f.detector, f.key_name.clone())).collect::<Vec<_>>()
    );
}

// ---------------------------------------------------------------- cloud

#[test]
fn aws_keys() {
    let id = cat(&["AK", "IA", "QX3TRB7NWPL5ZK2D"]);
    let secret = cat(&["q8Hf2KpL9", "xW3vB6nR1tY4u/Z7cA0sD5eG+jM8kN2"]);
    let text = format!("[prod]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n");
    found("creds/credentials", &text, 2, "aws-access-key", &id);
    found("creds/credentials", &text, 3, "aws-secret-key", &secret);
    // The documentation pair is not a leak.
    let ex = format!(
        "AWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY={}\n",
        cat(&["AKIA", "IOSFODNN7EXAMPLE"]),
        cat(&["wJalrXUtnFEMI/K7MDENG/", "bPxRfiCYEXAMPLEKEY"])
    );
    clean(".env", &ex);
    // CLI form, whitespace separated.
    let cli = format!("aws configure set aws_secret_access_key {secret}\n");
    found("setup.sh", &cli, 1, "aws-secret-key", &secret);
    // Session token.
    let tok = cat(&["IQoJb3JpZ2luX2Vj", &rnd(140, 7)]);
    found(".env", &format!("AWS_SESSION_TOKEN={tok}\n"), 1, "aws-session-token", &tok);
}

#[test]
fn azure() {
    let key = cat(&[&rnd(86, 11), "=="]);
    let conn =
        format!("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={key};EndpointSuffix=core.windows.net");
    found("appsettings.json", &format!("{{\n  \"Storage\": \"{conn}\"\n}}\n"), 2, "azure-connection-string", &key);
    let sas = cat(&[&rnd(43, 12), "="]);
    found(
        ".env",
        &format!("SB=Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={sas}\n"),
        1,
        "azure-connection-string",
        &sas,
    );
    let sig = cat(&[&rnd(40, 14), "%3D"]);
    found(
        "sync.sh",
        &format!(
            "azcopy copy ./out \"https://acme.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rwl&se=2026-01-01T00:00:00Z&sig={sig}\"\n"
        ),
        1,
        "azure-sas-token",
        &sig,
    );
    let cs = cat(&["a1B", "2Q~", &rnd(34, 13)]);
    found(
        "main.tf",
        &format!("provider \"azurerm\" {{\n  client_secret = \"{cs}\"\n}}\n"),
        2,
        "azure-client-secret",
        &cs,
    );
    found("backend.tf", &format!("  access_key = \"{key}\"\n"), 1, "azure-storage-key", &key);
    clean(
        "a.json",
        "{ \"ConnectionString\": \"InstrumentationKey=5bd73d8f-7d93-4415-990b-9be38dd4d951;IngestionEndpoint=https://x/\" }\n",
    );
    clean("b.tf", "  \"DB\" = \"@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)\"\n");
}

#[test]
fn google() {
    let k = cat(&["AI", "za", "Sy", &rnd(33, 21)]);
    found("values.yaml", &format!("maps:\n  apiKey: {k}\n"), 2, "google-api-key", &k);
    let pem_body: String = (0..20).map(|i| rnd(64, 100 + i)).collect::<Vec<_>>().join("\\n");
    let sa = format!(
        "{{\n  \"type\": \"service_account\",\n  \"private_key_id\": \"{}\",\n  \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{pem_body}\\n-----END PRIVATE KEY-----\\n\",\n  \"client_id\": \"1234567890\"\n}}\n",
        "d169b30e5214e6d222812b6fbb2ada185c402962"
    );
    found_on("sa.json", &sa, 4);
    let f = scan("sa.json", &sa);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].detector, "gcp-service-account-key");
}

// ------------------------------------------------------------------ vcs

#[test]
fn github_gitlab() {
    let ghp = cat(&["gh", "p_", &rnd(36, 31)]);
    found("ci.yml", &format!("env:\n  GH_TOKEN: {ghp}\n"), 2, "github-token", &ghp);
    let pat = cat(&["github", "_pat_", &rnd(22, 32), "_", &rnd(59, 33)]);
    found("x.sh", &format!("export GH_PAT=\"{pat}\"\n"), 1, "github-token", &pat);
    let gl = cat(&["gl", "pat-", &rnd(20, 34)]);
    found(".gitlab-ci.yml", &format!("variables:\n  RENOVATE_TOKEN: \"{gl}\"\n"), 2, "gitlab-token", &gl);
    let rt = cat(&["gl", "rt-", &rnd(20, 35)]);
    found("config.toml", &format!("[[runners]]\n  token = \"{rt}\"\n"), 2, "gitlab-token", &rt);
    clean(".env.example", &format!("GITHUB_TOKEN={}\n", cat(&["gh", "p_", &"*".repeat(36)])));
    clean("ci.yml", "env:\n  GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n");
    // A token inside a URL is reported once, by its specific detector.
    let url = format!("git clone https://oauth2:{gl}@gitlab.com/acme/repo.git\n");
    let f = scan("run.sh", &url);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].detector, "gitlab-token");
}

// ----------------------------------------------------------------- saas

#[test]
fn slack_stripe_twilio_sendgrid() {
    let xoxb = cat(&["xo", "xb-", "1234567890-1234567890123-", &rnd(24, 41)]);
    found(".env", &format!("SLACK_BOT_TOKEN={xoxb}\n"), 1, "slack-token", &xoxb);
    let hook = cat(&["https://hooks.", "slack.com/services/T0", "ABCDEF12/B0ABCDEF123/", &rnd(24, 42)]);
    found("values.yaml", &format!("slack_api_url: {hook}\n"), 1, "slack-webhook", &hook);
    clean(
        ".env.example",
        &format!(
            "SLACK_WEBHOOK_URL={}\n",
            cat(&["https://hooks.", "slack.com/services/TXXXXXXXX/BXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX"])
        ),
    );
    let sk = cat(&["sk", "_live_", &rnd(40, 43)]);
    found(".env", &format!("STRIPE_SECRET_KEY={sk}\n"), 1, "stripe-key", &sk);
    clean(".env", &format!("STRIPE_PUBLISHABLE_KEY={}\n", cat(&["pk", "_live_", &rnd(40, 44)])));
    clean("values.yaml", &format!("stripe:\n  publishableKey: {}\n", cat(&["pk", "_live_", &rnd(40, 45)])));
    clean(".env", "STRIPE_SECRET_KEY=sk_test_dummy\n");
    let sid = cat(&["A", "C", "0123456789abcdef0123456789abcdef"]);
    found(".env", &format!("TWILIO_ACCOUNT_SID={sid}\n"), 1, "twilio-account-sid", &sid);
    clean(".env", "TWILIO_VERIFY_SERVICE_SID=VA0123456789abcdef0123456789abcdef\n");
    let sg = cat(&["S", "G.", &rnd(22, 46), ".", &rnd(43, 47)]);
    found("cm.yaml", &format!("data:\n  SMTP_PASSWORD: {sg}\n"), 2, "sendgrid-key", &sg);
}

#[test]
fn registries() {
    let npm = cat(&["np", "m_", &rnd(36, 51)]);
    found(".npmrc", &format!("//registry.npmjs.org/:_authToken={npm}\n"), 1, "npm-token", &npm);
    let auth = b64(b"ci-bot:Xk2!pQ9vLm4Rt7");
    found(".npmrc", &format!("//nexus.internal/repository/npm/:_auth={auth}\n"), 1, "basic-auth", &auth);
    clean(".npmrc", "//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}\nalways-auth=true\n");
    let pypi = cat(&["py", "pi-AgEIcHlwaS5vcmc", &rnd(80, 52)]);
    found(".pypirc", &format!("[pypi]\nusername = __token__\npassword = {pypi}\n"), 3, "pypi-token", &pypi);
    let cio = cat(&["ci", "o", &rnd(32, 53)]);
    found("credentials.toml", &format!("[registry]\ntoken = \"{cio}\"\n"), 2, "cratesio-token", &cio);
    let dauth = b64(b"deploy:Pz8!rT4qWm2Lx9");
    let cfg =
        format!("{{\n\t\"auths\": {{\n\t\t\"registry.acme.io\": {{\n\t\t\t\"auth\": \"{dauth}\"\n\t\t}}\n\t}}\n}}\n");
    found("config.json", &cfg, 4, "docker-config-auth", &dauth);
    clean("config.json", "{\n  \"auths\": { \"ecr\": { \"auth\": \"\" } },\n  \"credsStore\": \"desktop\"\n}\n");
    let dcj = b64(format!(
        "{{\"auths\":{{\"ghcr.io\":{{\"username\":\"bot\",\"password\":\"{}\",\"auth\":\"{}\"}}}}}}",
        rnd(20, 54),
        b64(b"bot:x")
    )
    .as_bytes());
    found(
        "regcred.yaml",
        &format!("type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {dcj}\n"),
        3,
        "docker-config-auth",
        &dcj,
    );
}

#[test]
fn llm_jwt_vault_tfc() {
    let oa = cat(&["sk-", "proj-", &rnd(40, 61), "T3Blbk", "FJ", &rnd(40, 62)]);
    found(".env.local", &format!("OPENAI_API_KEY={oa}\n"), 1, "openai-key", &oa);
    let an = cat(&["sk-", "ant-", "api03-", &rnd(93, 63), "AA"]);
    found("values.yaml", &format!("env:\n  - name: ANTHROPIC_API_KEY\n    value: \"{an}\"\n"), 3, "anthropic-key", &an);
    clean("local_settings.py.example", "OPENAI_API_KEY = \"sk-REPLACE_ME\"\n");
    let jwt = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256","typ":"JWT"}"#).trim_end_matches('='),
        b64(br#"{"sub":"svc-deployer","iat":1718000000}"#).trim_end_matches('='),
        rnd(43, 64)
    );
    found("kubeconfig.yaml", &format!("users:\n  - name: ci\n    user:\n      token: {jwt}\n"), 4, "jwt", &jwt);
    let hvs = cat(&["hv", "s.", &rnd(90, 65)]);
    found("app.properties", &format!("spring.cloud.vault.token={hvs}\n"), 1, "vault-token", &hvs);
    let tfc = cat(&[&rnd(14, 66), ".atlas", "v1.", &rnd(67, 67)]);
    found(
        ".terraformrc",
        &format!("credentials \"app.terraform.io\" {{\n  token = \"{tfc}\"\n}}\n"),
        2,
        "terraform-cloud-token",
        &tfc,
    );
}

#[test]
fn vendor_prefixes() {
    let cases = [
        ("whsec_", rnd(32, 300), "stripe-webhook-secret"),
        ("sqp_", "0123456789abcdef0123456789abcdef01234567".to_string(), "sonarqube-token"),
        ("GOCSPX-", rnd(28, 301), "google-oauth-client-secret"),
        ("AKCp", rnd(69, 302), "artifactory-api-key"),
        ("dckr_pat_", rnd(27, 303), "dockerhub-token"),
        ("glsa_", format!("{}_{}", rnd(32, 304), "0a1b2c3d"), "grafana-token"),
        (
            "hf_",
            rnd(34, 305)
                .chars()
                .filter(|c| c.is_ascii_alphabetic())
                .chain("abcdefghijklmnopqrstuvwxyzABCDEFGH".chars())
                .take(34)
                .collect(),
            "huggingface-token",
        ),
        ("dop_v1_", "0123456789abcdef".repeat(4), "digitalocean-token"),
        ("shpat_", "0123456789abcdef".repeat(2), "shopify-token"),
        ("sntrys_", rnd(60, 306), "sentry-token"),
        (
            "PMAK-",
            format!("{}-{}", "0123456789abcdef01234567", "0123456789abcdef0123456789abcdef01"),
            "postman-api-key",
        ),
        ("xapp-", format!("1-{}", rnd(40, 307)), "slack-token"),
        ("AGE-SECRET-KEY-1", rnd(58, 308).to_uppercase(), "age-secret-key"),
    ];
    for (prefix, body, det) in cases {
        let v = cat(&[prefix, &body]);
        found(
            "x.env",
            &format!(
                "SOME_VALUE={v}
"
            ),
            1,
            det,
            &v,
        );
    }
    let hook = cat(&["https://discord.com/api/", "webhooks/123456789012345678/", &rnd(68, 309)]);
    found(
        "x.env",
        &format!(
            "NOTIFY={hook}
"
        ),
        1,
        "discord-webhook",
        &hook,
    );
}

// ----------------------------------------------------------------- keys

fn pem(label: &str, seed: u64) -> String {
    let body: Vec<String> = (0..12).map(|i| rnd(64, seed + i)).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----", body.join("\n"))
}

#[test]
fn private_keys() {
    let k = pem(&cat(&["RSA PRIV", "ATE KEY"]), 70);
    let text = format!("# deploy key\n{k}\n");
    let f = scan("id_rsa", &text);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].detector, "private-key");
    assert_eq!(line_of(&text, f[0].range.start), 2);
    assert!(text[f[0].range.clone()].starts_with("-----BEGIN") && text[f[0].range.clone()].ends_with("KEY-----"));
    // Indented in YAML, OpenSSH flavour, inside a Markdown fence.
    let ssh = pem(&cat(&["OPENSSH PRIV", "ATE KEY"]), 80).replace('\n', "\n    ");
    found_on("secret.yaml", &format!("stringData:\n  ssh-privatekey: |\n    {ssh}\n"), 3);
    let pgp = pem(&cat(&["PGP PRIV", "ATE KEY BLOCK"]), 90);
    found_on("spec.md", &format!("# Key\n\n```\n{pgp}\n```\n"), 4);
    // Public material is never a secret.
    clean("ca.crt", &format!("{}\n", pem("CERTIFICATE", 100)));
    clean("values.yaml", &format!("jwtPublicKey: |\n  {}\n", pem("PUBLIC KEY", 110).replace('\n', "\n  ")));
    clean(
        "x.md",
        &format!(
            "```\n{}\n```\n",
            pem(&cat(&["RSA PRIV", "ATE KEY"]), 1)
                .lines()
                .take(1)
                .chain(["...", "-----END RSA PRIVATE KEY-----"])
                .collect::<Vec<_>>()
                .join("\n")
        ),
    );
    // A PEM encoded in base64 on one line.
    let one = b64(pem(&cat(&["EC PRIV", "ATE KEY"]), 120).as_bytes());
    found("ingress.yaml", &format!("data:\n  tls.key: {one}\n"), 2, "private-key", &one);
    let crt = b64(pem("CERTIFICATE", 130).as_bytes());
    clean("ingress.yaml", &format!("data:\n  tls.crt: {crt}\n"));
}

#[test]
fn kubernetes_secret_data() {
    let pw = b64(b"Harbour-Lights#2031");
    found(
        "secret.yaml",
        &format!("kind: Secret\ndata:\n  username: {}\n  password: {pw}\n", b64(b"app")),
        4,
        "k8s-secret-data",
        &pw,
    );
    let tok = b64(cat(&["sk-", "ant-", "api03-", &rnd(95, 140)]).as_bytes());
    found("secret.yaml", &format!("data:\n  model-token: {tok}\n"), 2, "k8s-secret-data", &tok);
    // Base64 of ordinary configuration is not a secret.
    clean(
        "secret.yaml",
        &format!(
            "data:\n  host: {}\n  port: {}\n  password: {}\n",
            b64(b"db.internal"),
            b64(b"5432"),
            b64(b"changeme")
        ),
    );
    // Sealed and SOPS-encrypted values are ciphertext.
    clean(
        "sealed.yaml",
        &format!(
            "kind: SealedSecret\nspec:\n  encryptedData:\n    API_KEY: AgB{}\n    DB_PASSWORD: AgC{}\n",
            rnd(300, 141),
            rnd(300, 142)
        ),
    );
    clean(
        "enc.yaml",
        "stringData:\n  CLIENT_SECRET: ENC[AES256_GCM,data:tjlPUeQ8RrUF9lzeb,iv:r+ridLqQ,tag:/C+Z,type:str]\n",
    );
}

// ----------------------------------------------------------------- urls

#[test]
fn url_credentials() {
    for (scheme, user) in [
        ("postgres", "app"),
        ("mysql", "root"),
        ("mongodb+srv", "svc"),
        ("amqps", "bus"),
        ("snowflake", "ETL"),
        ("https", "deployer"),
    ] {
        let pw = cat(&["Qz7", &rnd(14, 150)]);
        let text = format!("URL={scheme}://{user}:{pw}@host.internal:5432/db\n");
        found(".env", &text, 1, "url-credentials", &pw);
    }
    let pw = rnd(24, 151);
    found("celery.py", &format!("result_backend = \"redis://:{pw}@cache:6379/1\"\n"), 1, "url-credentials", &pw);
    for url in [
        "postgres://app@db:5432/app",
        "postgres://app:${DB_PASSWORD}@db/app",
        "postgres://app:{{ db_password }}@db/app",
        "postgres://app:$(DB_PASSWORD)@db/app",
        "postgres://app:[REDACTED]@db/app",
        "postgres://user:password@localhost/app",
        "amqp://guest:guest@localhost:5672/",
        "https://7e527a9253fff0995c2e72524121e0ae@o1.ingest.sentry.io/42",
        "redis://:%(ENV_REDIS_PASSWORD)s@127.0.0.1:6379/0",
    ] {
        clean(".env", &format!("URL={url}\n"));
    }
    let basic = b64(b"edge-admin:qM83LhC!iM9f");
    found("nginx.conf", &format!("proxy_set_header Authorization \"Basic {basic}\";\n"), 1, "basic-auth", &basic);
    clean("nginx.conf", "auth_basic \"Restricted\";\nauth_basic_user_file /etc/nginx/.htpasswd;\n");
}

#[test]
fn connection_strings() {
    let pw = cat(&["Xa", &rnd(16, 160), "."]);
    found(
        "appsettings.json",
        &format!(
            "{{ \"Db\": \"Server=tcp:sql.example.net,1433;Initial Catalog=app;User ID=admin;Password={pw};Encrypt=True;\" }}\n"
        ),
        1,
        "connection-string",
        &pw,
    );
    clean(
        "appsettings.json",
        "{ \"Db\": \"Server=tcp:sql.example.net;Initial Catalog=app;Authentication=Active Directory Default;\" }\n",
    );
}

// -------------------------------------------------------------- generic

#[test]
fn generic_formats() {
    let human = "Summer2024!Deploy";
    found("terraform.tfvars", &format!("db_master_password = \"{human}\"\n"), 1, "generic-password", human);
    found("values.yaml", &format!("grafana:\n  adminPassword: {human}\n"), 2, "generic-password", human);
    found(".env", &format!("DB_PASSWORD='{human}'\n"), 1, "generic-password", human);
    found("my.cnf", &format!("[client]\npassword=\"{human}\"\n"), 2, "generic-password", human);
    found("app.properties", &format!("spring.datasource.password={human}\n"), 1, "generic-password", human);
    found("config.toml", &format!("[db]\npassword = \"{human}\"\n"), 2, "generic-password", human);
    found("app.json", &format!("{{\"db\": {{\"password\": \"{human}\"}}}}\n"), 1, "generic-password", human);
    found("Dockerfile", &format!("FROM alpine\nENV DB_PASSWORD={human}\n"), 2, "generic-password", human);
    found("deploy.sh", &format!("export DB_PASSWORD=\"{human}\"\n"), 1, "generic-password", human);
    found(
        "settings.py",
        &format!("DATABASES = {{\"default\": {{\"PASSWORD\": \"{human}\"}}}}\n"),
        1,
        "generic-password",
        human,
    );
    found(
        "settings.xml",
        &format!("<server>\n  <password>{human}</password>\n</server>\n"),
        2,
        "generic-password",
        human,
    );
    found("web.config", &format!("<add key=\"SmtpPassword\" value=\"{human}\" />\n"), 1, "generic-password", human);
    let tok = rnd(40, 170);
    found("ci.yml", &format!("env:\n  PARTNER_API_TOKEN: {tok}\n"), 2, "generic-secret", &tok);
    found("app.ini", &format!("[auth]\nclient_secret = {tok}\n"), 2, "generic-secret", &tok);
    found(
        "jaas.yaml",
        &format!("sasl.jaas.config: PlainLoginModule required username=\"svc\" password=\"{human}\";\n"),
        1,
        "generic-password",
        human,
    );
    found("run.sh", &format!("java -Dapp.api-key={tok} -jar app.jar\n"), 1, "generic-secret", &tok);
    found(
        "curl.sh",
        &format!("curl -d \"client_secret={tok}&grant_type=client_credentials\" https://idp/token\n"),
        1,
        "generic-secret",
        &tok,
    );
}

#[test]
fn generic_structures() {
    let pw = "Harbour-Lights#2031";
    found("deploy.yaml", &format!("env:\n  - name: DB_PASSWORD\n    value: \"{pw}\"\n"), 3, "generic-password", pw);
    found(
        "pipelines.yml",
        &format!("variables:\n  - name: SERVICE_PAT\n    value: {}\n", rnd(52, 180).to_lowercase()),
        3,
        "generic-secret",
        &rnd(52, 180).to_lowercase(),
    );
    found(
        "deploy.yaml",
        &format!("env:\n  - name: JAAS\n  - name: DB_PASSWORD\n    value: >-\n      {pw}\n"),
        5,
        "generic-password",
        pw,
    );
    found(
        "variables.tf",
        &format!(
            "variable \"admin_password\" {{\n  type      = string\n  sensitive = true\n  default   = \"{pw}\"\n}}\n"
        ),
        4,
        "generic-password",
        pw,
    );
    found(
        "release.tf",
        &format!("set_sensitive {{\n  name  = \"auth.adminPassword\"\n  value = \"{pw}\"\n}}\n"),
        3,
        "generic-password",
        pw,
    );
    found(
        "spec.md",
        &format!("| Secret | Type | Value |\n|---|---|---|\n| SMTP_PASSWORD | password | `{pw}` |\n"),
        3,
        "generic-password",
        pw,
    );
    found(
        "site.yml",
        &format!("password: \"{{{{ '{pw}' | password_hash('sha512') }}}}\"\n"),
        1,
        "generic-password",
        pw,
    );
    found("haproxy.cfg", &format!("userlist ops\n\tuser ops insecure-password {pw}\n"), 2, "generic-password", pw);
    found("haproxy.cfg", &format!("listen stats\n\tstats auth admin:{pw}\n"), 2, "generic-password", pw);
    found(
        "compose.yaml",
        &format!("command: [\"redis-server\", \"--requirepass\", \"{}\"]\n", rnd(32, 181)),
        1,
        "generic-password",
        &rnd(32, 181),
    );
    found(
        "hosts.ini",
        &format!("db1 ansible_host=10.0.0.1 ansible_user=root ansible_ssh_pass={pw}\n"),
        1,
        "generic-password",
        pw,
    );
    found("job.yaml", &format!("args:\n  - --db-password\n  - \"{pw}\"\n"), 3, "generic-password", pw);
    found("wp.md", &format!("```php\ndefine('DB_PASSWORD', '{pw}');\n```\n"), 2, "generic-password", pw);
    found("a.yaml", &format!("base: &creds\n  password: &pw {pw}\n"), 2, "generic-password", pw);
    found(
        "runbook.md",
        &format!("- **Password:** `{pw}`\n- **Token**: `{}`\n", rnd(30, 185)),
        1,
        "generic-password",
        pw,
    );
    found("runbook.md", &format!("The break-glass password is `{pw}` until Friday.\n"), 1, "generic-password", pw);
    found(
        "inf.md",
        &format!("| Secret | Type | Value |\n|---|---|---|\n| REDIS_PASSWORD | password | {pw} |\n"),
        3,
        "generic-password",
        pw,
    );
    clean(
        "inf.md",
        "| Secret | Type | Source |\n|---|---|---|\n| REDIS_PASSWORD | password | CI variable |\n| API_TOKEN | token | `${secrets.API_TOKEN}` |\n| JWT_KEY | RS256 | yearly |\n",
    );
}

#[test]
fn command_lines() {
    let pw = "Tk7.vRm2!qLx9Wz";
    found("deploy.sh", &format!("mysql -h db -u etl -p'{pw}' -e 'select 1'\n"), 1, "generic-password", pw);
    found("deploy.sh", &format!("curl -fsS -u deploy:{pw} https://ci/job\n"), 1, "generic-password", pw);
    found("ci.yml", &format!("run: echo \"{pw}\" | docker login -u bot --password-stdin\n"), 1, "generic-password", pw);
    found("login.sh", &format!("docker login -u bot -p {pw} registry.example.com\n"), 1, "generic-password", pw);
    found(
        "backup.ps1",
        &format!("$pw = ConvertTo-SecureString \"{pw}\" -AsPlainText -Force\n"),
        1,
        "generic-password",
        pw,
    );
    found("psql.sh", &format!("psql \"host=db user=app password={pw} dbname=app\"\n"), 1, "generic-password", pw);
    found("ht.sh", &format!("htpasswd -bc /etc/nginx/.htpasswd admin '{pw}'\n"), 1, "generic-password", pw);
    found("redis.conf", &format!("requirepass {pw}\n"), 1, "generic-password", pw);
    found(".netrc", &format!("machine api.example.com login deploy password {pw}\n"), 1, "generic-password", pw);
    clean(
        "deploy.sh",
        "mysql -u root -p mydb\ndocker login -u \"$USER\" -p \"$PASS\" reg\ncurl -u \"$U:$P\" https://x\n",
    );
}

#[test]
fn never_flagged() {
    let lines = [
        "DB_PASSWORD: ${secrets.DB_PASSWORD}",
        "password: ${{ secrets.PG_PASSWORD }}",
        "password = \"${var.db_password}\"",
        "password = var.db_password",
        "password: \"{{ .Values.db.password }}\"",
        "password: \"{{ vault_db_password }}\"",
        "password: \"{{ lookup('hashivault', 'secret/db', 'password') }}\"",
        "password: \"{{ vault_pw | default('changeme') }}\"",
        "DB_PASSWORD=$DB_PASSWORD",
        "DB_PASSWORD=${DB_PASSWORD:-}",
        "DB_PASSWORD=\"$(cat /run/secrets/db)\"",
        "set PGPASSWORD=%DB_PASSWORD%",
        "environment=TOKEN=\"%(ENV_TOKEN)s\"",
        "client_secret: $__file{/etc/secrets/client_secret}",
        "valueFrom:",
        "secretKeyRef: { name: db, key: password }",
        "existingSecret: app-db",
        "POSTGRES_PASSWORD_FILE: /run/secrets/db_password",
        "password_file = \"/etc/app/pass\"",
        "vault: production/db/password@kv",
        "key: secret/data/app/db",
        "db_secret_arn = \"arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/db-AbCdEf\"",
        "password: !vault |",
        "password: changeme",
        "password: \"<your-password>\"",
        "API_KEY=REPLACE_ME",
        "TOKEN=xxxxxxxxxxxxxxxxxxxxxxxx",
        "SECRET=************",
        "JWT_SECRET=TODO",
        "SECRET_KEY=dummy",
        "password: \"[REDACTED]\"",
        "checksum: \"sha256:4585aeacda5a62eb394d8a852423ae4108cb9cf51a7cee94f1008fee0b911d3e\"",
        "    checksum/secret: 866eddfbdaf613c084a94b3de6b4544b65962879ef1ba53604859f8dcbbe4a0d",
        "    checksum/config: 608e107b5fc2483e8cb320e1d0caa59b76a2069e69b5a94830584fd863b2fe88",
        "\"integrity\": \"sha512-DHNCvp6P974PzHQb+tSIZSTaJy1nAlVUWHMqrQCn/3d9re+a/hE7BeksGEteT/PutRvNYw0nKJ9l84nqW9j6wg==\",",
        "\"h1:qpqItZr28/IEtWbA3+XnvKK87nwLeyYj/GncVbTWqHM=\",",
        "TENANT_ID=7663fc86-6da1-438c-97b2-6a98ccc1f085",
        "release_sha = \"b20a0f49ce69e15bbe258d9cc5a502af95c3a481\"",
        "NEXT_PUBLIC_POSTHOG_KEY=phc_0rnXs2oMD2poSwRdGa2nTcY4FUCXYBRmDBYNXl1Thnl",
        "SENTRY_DSN=https://586758fe902bf71cb439c33f89b00148@o191690.ingest.sentry.io/2739834",
        "GOOGLE_OAUTH_CLIENT_ID=768661147571-tctjxp2zakvfueg3cl3q03ekheg174uo.apps.googleusercontent.com",
        "password: \"\"",
        "password: null",
        "require_password: true",
        "token_ttl = \"15m\"",
        "password_min_length = 12",
        "PASSWORD_HASH_ALGO = pbkdf2",
        "-Djavax.net.ssl.trustStorePassword=changeit",
        "private_key_id = \"d169b30e5214e6d222812b6fbb2ada185c402962\"",
        "public_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEumJqImNoYUr+rvy93nai3OHLlcbXy9ao6SptGQiLBY ops@host\"",
        "recipient: age1en5q5zjw2nyf5y7wdkadxqeyy6r224u88k7jg6qdswrxze8ddwwlwf5dvn",
        "htpasswd: \"admin:$apr1$Qz9x1a2b$Nf5Ys8kL0pQeWzXcVbNmA1\"",
        "gpg --recv-keys F31CEAABCE19B75B9C7D92CC02136C161AC78180",
        "KEY_FPR=\"1F7E147CAB5FFDFCD4419174FE625307AEDB13FA\"",
        "signing.keyId=3863FD7A",
        "The password must be at least 12 characters and is rotated every 90 days.",
        "Agents act through an impersonation token that expires after 10 minutes.",
        "secret_string = jsonencode({ username = var.user, password = random_password.db.result })",
        "credentials = file(\"${path.module}/sa.json\")",
        "\"PASSWORD\": os.environ[\"DB_PASSWORD\"],",
        "S3_ACCESS_KEY: harbor-uploader",
        "NEXTAUTH_SECRET=test-secret-not-used-in-prod",
    ];
    for l in lines {
        clean("mixed.yaml", &format!("{l}\n"));
    }
    // Weak sample passwords are placeholders in example files only.
    clean(".env.example", "DB_PASSWORD=password123\nDATABASE_URL=postgresql://app:password123@localhost/app\n");
    clean(
        "vault.yml",
        "$ANSIBLE_VAULT;1.1;AES256\n61663739336338353039363337383464333639383634303439313538303466313831656362316432\n",
    );
    clean(
        "renovate.json",
        &format!(
            "{{\n  \"hostRules\": [\n    {{\n      \"encrypted\": {{\n        \"token\": \"wcFMA{}\"\n      }}\n    }}\n  ]\n}}\n",
            rnd(200, 190)
        ),
    );
}

// ------------------------------------------------------------ robustness

#[test]
fn no_panic_on_awkward_text() {
    let pw = "Fjord&Ferry-2021";
    let inputs = [
        format!("\u{feff}{{\n  \"password\": \"{pw}\"\n}}\n"),
        format!("DB_PASSWORD={pw}\r\nOTHER=1\r\n"),
        format!("# Zoë 📦 données\npassword: {pw} # 🚀\n"),
        format!("密码: 中文\npassword: \"{pw}✓\"\n"),
        "password: \"unterminated é\n".to_string(),
        "-----BEGIN RSA PRIVATE KEY-----\n".to_string(),
        "LS0tLS1CRUdJTiBQUklWQVRF".to_string(),
        "postgres://a:b@".to_string(),
        "key=".to_string(),
        "token:".to_string(),
        "Basic ".to_string(),
        "\u{feff}".to_string(),
        String::new(),
        "é".repeat(1000),
        format!("{}password={pw}", "x".repeat(5000)),
    ];
    for t in &inputs {
        for path in ["a.yaml", ".env", "a.json", "a.md", "Dockerfile", "a.tf", "a.sh"] {
            let f = scan(path, t);
            for x in &f {
                assert!(t.is_char_boundary(x.range.start) && t.is_char_boundary(x.range.end));
                assert!(!t[x.range.clone()].contains('\r'));
            }
            // Every byte offset as an edit position.
            for p in (0..=t.len()).step_by(7) {
                let _ = scanner().scan_region(Path::new(path), t, p..p + 3);
            }
        }
    }
    // CRLF: the value excludes the carriage return; the BOM shifts nothing.
    found(".env", &format!("A=1\r\nDB_PASSWORD={pw}\r\n"), 2, "generic-password", pw);
    found("a.json", &format!("\u{feff}{{\r\n  \"password\": \"{pw}\"\r\n}}\r\n"), 2, "generic-password", pw);
}

#[test]
fn scan_region_splices() {
    let pw = "Harbour-Lights#2031";
    let key = pem(&cat(&["RSA PRIV", "ATE KEY"]), 200);
    let text = format!(
        "a: 1\nenv:\n  - name: DB_PASSWORD\n    value: \"{pw}\"\nprivate: |\n  {}\nz: 2\n",
        key.replace('\n', "\n  ")
    );
    let full = scan("x.yaml", &text);
    assert_eq!(full.len(), 2, "{full:?}");
    // Editing the `name` line re-reports the value on the next line.
    let name_at = text.find("DB_PASSWORD").unwrap();
    let (region, f) = scanner().scan_region(Path::new("x.yaml"), &text, name_at..name_at + 2);
    assert!(region.start <= name_at && region.end >= text.find(pw).unwrap());
    assert!(f.contains(&full[0]));
    // Editing the middle of the PEM body re-reports the key from its BEGIN line.
    let mid = text.find("-----END").unwrap() - 80;
    let (region, f) = scanner().scan_region(Path::new("x.yaml"), &text, mid..mid);
    assert!(region.start <= full[1].range.start && region.end >= full[1].range.end);
    assert_eq!(f.iter().filter(|x| x.detector == "private-key").count(), 1);
}

// ------------------------------------------------------------------ api

#[test]
fn api_helpers() {
    let human = "Summer2024!Deploy";
    let f = scan(
        ".env",
        &format!(
            "STRIPE_API_KEY={}\nDB_PASSWORD={human}\nDATABASE_URL=postgres://a:{human}@db/x\n",
            cat(&["sk", "_live_", &rnd(30, 210)])
        ),
    );
    assert_eq!(f.len(), 3, "{f:?}");
    assert_eq!(suggested_reference_name(&f[0]), "STRIPE_API_KEY");
    assert_eq!(f[0].masked, "sk_\u{2026}");
    assert_eq!(suggested_reference_name(&f[1]), "DB_PASSWORD");
    assert_eq!(f[1].masked, "\u{2026}");
    assert_eq!(suggested_reference_name(&f[2]), "DATABASE_PASSWORD");
    for x in &f {
        let dbg = format!("{x:?}");
        assert!(!dbg.contains(human) && !dbg.contains(&human[..8]));
    }
    assert_eq!(fingerprint(human), fingerprint(human));
    assert_ne!(fingerprint(human), fingerprint("Summer2024!Deplo"));
    assert_eq!(fingerprint(human).len(), 16);
    assert!(is_scannable_path(Path::new("x/.env.production")));
    assert!(looks_binary(&[0x89, b'P', b'N', b'G', 0, 0]));
}

/// Random text built from keywords, punctuation and multi-byte characters:
/// no panic, ranges on char boundaries, and `scan_region` agrees with `scan`.
#[test]
fn fuzz_invariants() {
    const PIECES: &[&str] = &[
        "password",
        "token",
        "key",
        "secret",
        "auth",
        "://",
        "@",
        ":",
        "=",
        " ",
        "  ",
        "\t",
        "\n",
        "\r\n",
        "\"",
        "'",
        "`",
        "\\",
        "|",
        "{",
        "}",
        "[",
        "]",
        "(",
        ")",
        "$",
        "${",
        "{{",
        "-----BEGIN ",
        "PRIVATE KEY-----",
        "-----END ",
        "LS0tLS1CRUdJTi",
        "eyJ",
        ".eyJ",
        "AKIA",
        "gh",
        "p_",
        "Basic ",
        "Bearer ",
        "curl -u ",
        "mysql -p",
        "| docker login --password-stdin",
        "ConvertTo-SecureString \"",
        " -AsPlainText",
        "variable \"",
        "default = ",
        "- name: ",
        "value: ",
        ">-",
        "|-",
        "é",
        "✓",
        "🚀",
        "中文",
        "\u{feff}",
        "postgres://",
        "Password=",
        ";",
        "sk-ant-",
        "hooks.slack.com",
        "AccountKey=",
        "Q~",
        "_auth=",
        "export ",
        "ENV ",
        "# ",
        "<",
        ">",
        "&",
        ",",
    ];
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n as u64) as usize
    };
    let paths = ["a.yaml", ".env", "a.json", "a.md", "Dockerfile", "a.tf", "a.sh", "haproxy.cfg", "a.properties"];
    for round in 0..1500 {
        let mut t = String::new();
        for _ in 0..(5 + next(60)) {
            if next(3) == 0 {
                t.push_str(&rnd(1 + next(30), round * 131 + t.len() as u64));
            } else {
                t.push_str(PIECES[next(PIECES.len())]);
            }
        }
        let path = Path::new(paths[next(paths.len())]);
        let full = scanner().scan(path, &t);
        for f in &full {
            assert!(f.range.start < f.range.end && f.range.end <= t.len());
            assert!(t.is_char_boundary(f.range.start) && t.is_char_boundary(f.range.end));
            assert!(f.masked.trim_end_matches('\u{2026}').chars().count() <= 4);
        }
        for _ in 0..3 {
            let mut p = next(t.len() + 1);
            while !t.is_char_boundary(p) {
                p -= 1;
            }
            let (region, got) = scanner().scan_region(path, &t, p..p);
            assert!(region.start <= p && p <= region.end && region.end <= t.len());
            let want: Vec<_> = full.iter().filter(|f| region.contains(&f.range.start)).cloned().collect();
            assert_eq!(got, want, "round {round}, edit at {p}, path {path:?}:\n{t:?}");
        }
    }
}
