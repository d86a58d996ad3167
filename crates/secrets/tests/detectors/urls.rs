//! Credentials in URLs and connection strings.

use super::*;

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
