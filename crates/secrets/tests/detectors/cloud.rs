//! AWS, Azure and Google credentials.

use super::*;

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
