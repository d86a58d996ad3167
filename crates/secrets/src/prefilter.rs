//! One Aho-Corasick automaton over the keywords of every detector
//! (ASCII case-insensitive). Lines without a hit are never looked at again;
//! a hit names the detectors to run on its line.

use crate::detectors::RuleSpec;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// What a keyword hit asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    /// A secret-ish key word: run the generic key/value parser at the hit.
    Generic,
    /// Run specific rule number `n` over the hit's line.
    Rule(u16),
    /// `-----BEGIN`.
    Pem,
    /// `://`.
    Url,
    /// The base64 encoding of a known secret prefix: decode the token.
    B64,
    Basic,
    Bearer,
    /// A command whose flags carry passwords (`curl -u`, `mysql -p…`).
    Cli,
    Stdin,
    SecureString,
}

/// Key words for the generic detector. `pass` covers password/passwd/…,
/// `key` covers api_key/secretKey/…; precision comes from the parser.
const GENERIC: &[&str] = &["pass", "pwd", "secret", "token", "key", "auth", "cred", "cookie", "_pat", "-pat"];

const CLI: &[&str] =
    &["curl", "wget", "mysql", "mariadb", "login", "sqlcmd", "redis-cli", "sshpass", "mongo", "ldap", "htpasswd"];

/// Secret prefixes whose base64 encoding (at offset 0) is a keyword: a
/// Kubernetes `data:` value or `.dockerconfigjson` holding them is found
/// without decoding every base64 string.
const B64_PREFIXES: &[&str] = &[
    "-----BEGIN",
    "{\"auths\"",
    "sk-ant-",
    "sk-proj-",
    "sk_live_",
    "rk_live_",
    "ghp_",
    "gho_",
    "ghs_",
    "ghu_",
    "github_pat_",
    "glpat-",
    "glrt-",
    "xoxb-",
    "xoxp-",
    "SG.",
    "AKIA",
    "ASIA",
    "AIza",
    "npm_",
    "pypi-",
    "hvs.",
    "whsec_",
    "postgres://",
    "postgresql://",
    "mysql://",
    "mongodb+srv://",
    "mongodb://",
    "amqp://",
    "amqps://",
    "redis://",
    "rediss://",
    "https://",
    "DefaultEndpointsProtocol=",
    "Endpoint=sb://",
    "Server=",
    "Data Source=",
];

/// The base64 characters fully determined by `prefix` at offset 0.
pub(crate) fn b64_prefix(prefix: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &c in prefix {
        acc = (acc << 8) | c as u32;
        bits += 8;
        while bits >= 6 {
            bits -= 6;
            out.push(A[((acc >> bits) & 63) as usize] as char);
        }
        acc &= (1 << bits) - 1;
    }
    out
}

pub(crate) struct Prefilter {
    pub ac: AhoCorasick,
    /// Actions per pattern id.
    pub actions: Vec<Vec<Action>>,
}

impl Prefilter {
    pub fn new(rules: &[RuleSpec]) -> Prefilter {
        let mut pats: Vec<String> = Vec::new();
        let mut actions: Vec<Vec<Action>> = Vec::new();
        let mut add = |kw: &str, a: Action| {
            let kw = kw.to_ascii_lowercase();
            if let Some(i) = pats.iter().position(|p| *p == kw) {
                if !actions[i].contains(&a) {
                    actions[i].push(a);
                }
            } else {
                pats.push(kw);
                actions.push(vec![a]);
            }
        };
        for k in GENERIC {
            add(k, Action::Generic);
        }
        for (i, r) in rules.iter().enumerate() {
            for k in r.keywords {
                add(k, Action::Rule(i as u16));
            }
        }
        add("-----begin", Action::Pem);
        add("://", Action::Url);
        add("basic", Action::Basic);
        add("bearer", Action::Bearer);
        for k in CLI {
            add(k, Action::Cli);
        }
        add("password-stdin", Action::Stdin);
        add("asplaintext", Action::SecureString);
        for p in B64_PREFIXES {
            // Eight characters are selective enough; longer keywords only
            // grow the automaton (the token is decoded and checked anyway).
            let k = b64_prefix(p.as_bytes());
            add(&k[..k.len().min(8)], Action::B64);
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            // A full DFA: one table lookup per byte, the fastest search for
            // ~150 patterns (a few hundred KB, built once).
            .kind(Some(AhoCorasickKind::DFA))
            .build(&pats)
            .expect("keyword automaton builds");
        Prefilter { ac, actions }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn b64_prefixes() {
        assert_eq!(b64_prefix(b"-----BEGIN"), "LS0tLS1CRUdJT");
        assert_eq!(b64_prefix(b"SG."), "U0cu");
        assert_eq!(b64_prefix(b"{\"auths\""), "eyJhdXRocy");
    }
}
