//! The public API: masks, names, fingerprints.

use super::*;

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
