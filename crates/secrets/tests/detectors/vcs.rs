//! GitHub and GitLab tokens.

use super::*;

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
