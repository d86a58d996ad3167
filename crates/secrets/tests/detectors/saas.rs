//! Vendor API keys and tokens by prefix.

use super::*;

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
