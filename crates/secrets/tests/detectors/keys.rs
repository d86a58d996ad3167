//! Private keys and Kubernetes Secret data.

use super::*;

pub(super) fn pem(label: &str, seed: u64) -> String {
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
