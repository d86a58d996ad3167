//! Awkward text and incremental scans.

use super::keys::pem;
use super::*;

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
