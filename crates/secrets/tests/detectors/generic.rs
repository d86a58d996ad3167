//! Secret-ish keys assigned literals, structures and command lines; the never-flagged shapes.

use super::*;

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
