#!/usr/bin/env python3
"""Check labels.json and negatives.json against the corpus files.

    python3 verify_labels.py [CORPUS_DIR]          # default: this script's folder
    python3 verify_labels.py --markdown             # also print the README tables

Checks, for every label: the file exists inside the corpus, the line exists
and is not blank, and the line holds a value of the label kind's shape (see
SHAPES). Also: no line carries two labels, no negative annotation sits on a
labelled line, every corpus file is valid UTF-8. Prints the counts per kind and
per folder; exits 1 on any problem.

Run it after editing any corpus file: inserting or deleting a line shifts every
label below it.
"""

import json
import os
import re
import sys
from collections import Counter

# Files at the root that describe the corpus; they are not part of it.
METADATA = {"README.md", "labels.json", "negatives.json", "verify_labels.py", "make_values.py"}

B64 = r"[A-Za-z0-9+/]"
# What a labelled line must contain for its kind. Loose on purpose: it catches
# a label that slid onto the wrong line, not a malformed value.
SHAPES = {
    "aws-access-key": r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b",
    "aws-secret-key": rf"(?<![A-Za-z0-9+/]){B64}{{40}}(?![A-Za-z0-9+/])",
    "aws-session-token": rf"IQoJb3JpZ2luX2Vj{B64}{{200,}}",
    "github-token": r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{80,})",
    "gitlab-token": r"\b(?:gl(?:pat|rt|dt)-[A-Za-z0-9_\-]{20}|glptt-[0-9a-f]{40}|GR1348941[A-Za-z0-9_\-]{20})",
    "slack-token": r"\bx(?:ox[bp]|app)-[0-9A-Za-z\-]{20,}",
    "slack-webhook": r"https://hooks\.slack\.com/services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{24}",
    "discord-webhook": r"https://discord\.com/api/webhooks/\d{17,20}/[A-Za-z0-9_\-]{60,}",
    "stripe-key": r"\b[sr]k_live_[0-9A-Za-z]{24,}",
    "stripe-webhook-secret": r"\bwhsec_[A-Za-z0-9]{32}",
    "google-api-key": r"\bAIza[0-9A-Za-z_\-]{35}",
    "google-oauth-client-secret": r"\bGOCSPX-[A-Za-z0-9_\-]{28}",
    "gcp-service-account-key": r"\"private_key\": \"-----BEGIN PRIVATE KEY-----\\n",
    "azure-storage-key": rf"{B64}{{86}}==",
    "azure-connection-string": r"(?:AccountKey|SharedAccessKey)=[A-Za-z0-9+/]{40,}",
    "azure-sas-token": r"[?&]?sv=\d{4}-\d{2}-\d{2}&.*\bsig=[A-Za-z0-9%]{40,}",
    "azure-client-secret": r"[A-Za-z0-9]{3}\dQ~[A-Za-z0-9_~.\-]{34}",
    "twilio-account-sid": r"\bAC[0-9a-f]{32}\b",
    "twilio-api-key": r"\bSK[0-9a-f]{32}\b",
    "twilio-auth-token": r"\b[0-9a-f]{32}\b",
    "sendgrid-key": r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",
    "npm-token": r"\bnpm_[A-Za-z0-9]{36}\b",
    "pypi-token": r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{100,}",
    "cratesio-token": r"\bcio[A-Za-z0-9]{32}\b",
    "docker-config-auth": r"(?:\"auth\"\s*:\s*\"|\.dockerconfigjson: )[A-Za-z0-9+/=]{16,}",
    "openai-key": r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_\-]*T3BlbkFJ[A-Za-z0-9_\-]{20,}",
    "anthropic-key": r"\bsk-ant-(?:api03|admin01)-[A-Za-z0-9_\-]{93}AA",
    "jwt": r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{20,}",
    "vault-token": r"\bhv[sb]\.[A-Za-z0-9_\-]{80,}",
    "terraform-cloud-token": r"\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9]{60,}",
    "private-key": r"-----BEGIN (?:RSA |EC |OPENSSH |PGP )?PRIVATE KEY(?: BLOCK)?-----|^[A-Za-z0-9+/=: .\-]*LS0tLS1CRUdJTi",
    "sonarqube-token": r"\bsq[pua]_[0-9a-f]{40}\b",
    "artifactory-api-key": r"\bAKCp[A-Za-z0-9]{60,}",
    "dockerhub-token": r"\bdckr_pat_[A-Za-z0-9_\-]{27}",
    "grafana-token": r"\bglsa_[A-Za-z0-9]{32}_[0-9a-f]{8}\b",
    "huggingface-token": r"\bhf_[A-Za-z]{34}\b",
    "digitalocean-token": r"\bdop_v1_[0-9a-f]{64}\b",
    "shopify-token": r"\bshp(?:at|ss)_[0-9a-f]{32}\b",
    "sentry-token": r"\bsntry[su]_[A-Za-z0-9_\-=]{40,}",
    "postman-api-key": r"\bPMAK-[0-9a-f]{24}-[0-9a-f]{34}\b",
    "age-secret-key": r"\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b",
    "url-credentials": r"[a-z][a-z0-9+.\-]*://[^\s:/@]*:[^\s/@$]{4,}@[A-Za-z0-9.\-$]",
    "basic-auth": r"(?:Basic |_auth=|auth: )[A-Za-z0-9+/]{12,}={0,2}",
    "bearer-token": r"Bearer [A-Za-z0-9_\-.~+/]{20,}",
    "connection-string": r"(?i)\bPassword=[^;\s\"']{6,}",
    "k8s-secret-data": r"^\s+[A-Za-z0-9_.\-]+: [A-Za-z0-9+/]{12,}={0,2}$",
    # Anything after an assignment, a flag, a colon or a cell: checked for
    # non-emptiness and for not being a reference.
    "generic-password": r"\S{6,}",
    "generic-secret": r"\S{16,}",
}

REFERENCE = re.compile(r"^\s*[A-Za-z0-9_.\-\"']+\s*[:=]\s*[\"']?\$\{[^}]*\}[\"']?\s*$")


def corpus_files(root):
    out = []
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if x != "__pycache__"]
        for n in names:
            rel = os.path.relpath(os.path.join(d, n), root).replace(os.sep, "/")
            if rel not in METADATA:
                out.append(rel)
    return sorted(out)


def folder_of(rel):
    parts = rel.split("/")
    if parts[0] in ("specs", ".smaqit") and len(parts) > 2:
        return "/".join(parts[:2]) + "/"
    return parts[0] + "/"


def main(argv):
    markdown = "--markdown" in argv
    args = [a for a in argv if not a.startswith("--")]
    root = os.path.abspath(args[0] if args else os.path.dirname(os.path.abspath(__file__)))
    problems = []
    labels = json.load(open(os.path.join(root, "labels.json"), encoding="utf-8"))
    neg_path = os.path.join(root, "negatives.json")
    negatives = json.load(open(neg_path, encoding="utf-8")) if os.path.exists(neg_path) else []
    files = corpus_files(root)
    texts = {}
    for rel in files:
        raw = open(os.path.join(root, rel), "rb").read()
        try:
            texts[rel] = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append(f"{rel}: not UTF-8 ({e})")

    def line_of(rel, n):
        t = texts.get(rel)
        if t is None:
            return None
        t = t.lstrip("\ufeff")
        lines = t.split("\n")
        if n < 1 or n > len(lines):
            return None
        return lines[n - 1].rstrip("\r")

    seen = set()
    for e in labels:
        rel, n, kind = e["file"], e["line"], e.get("kind", "")
        key = (rel, n)
        if key in seen:
            problems.append(f"{rel}:{n}: two labels on one line")
        seen.add(key)
        if rel in METADATA or rel not in texts:
            problems.append(f"{rel}: labelled file is missing or is metadata")
            continue
        line = line_of(rel, n)
        if line is None or not line.strip():
            problems.append(f"{rel}:{n}: labelled line is missing or blank")
            continue
        shape = SHAPES.get(kind)
        if shape is None:
            problems.append(f"{rel}:{n}: unknown kind {kind!r}")
        elif not re.search(shape, line):
            problems.append(f"{rel}:{n}: line does not hold a {kind} value")
        if REFERENCE.match(line):
            problems.append(f"{rel}:{n}: labelled line is a reference")
    for e in negatives:
        if (e["file"], e["line"]) in seen:
            problems.append(f"{e['file']}:{e['line']}: negative annotation on a labelled line")
        if e["file"] not in texts:
            problems.append(f"{e['file']}: annotated file is missing")
        else:
            line = line_of(e["file"], e["line"])
            if line is None or not line.strip():
                problems.append(f"{e['file']}:{e['line']}: annotated line is missing or blank")

    by_kind = Counter(e["kind"] for e in labels)
    by_folder_files = Counter(folder_of(f) for f in files)
    by_folder_secret_files = Counter(folder_of(f) for f in {e["file"] for e in labels})
    by_folder_labels = Counter(folder_of(e["file"]) for e in labels)
    by_folder_negs = Counter(folder_of(e["file"]) for e in negatives)
    by_neg_kind = Counter(e["kind"] for e in negatives)

    print(f"{len(files)} corpus files, {len({e['file'] for e in labels})} with a secret")
    print(f"{len(labels)} labels in {len(by_kind)} kinds, {len(negatives)} annotated negatives")
    if markdown:
        print("\n| folder | files | files with a secret | secrets | annotated negatives |")
        print("|---|---:|---:|---:|---:|")
        for f in sorted(by_folder_files):
            print(f"| `{f}` | {by_folder_files[f]} | {by_folder_secret_files[f]} | {by_folder_labels[f]} | {by_folder_negs[f]} |")
        print(f"| total | {len(files)} | {len({e['file'] for e in labels})} | {len(labels)} | {len(negatives)} |")
        print("\n| kind | count |")
        print("|---|---:|")
        for k, c in sorted(by_kind.items(), key=lambda x: (-x[1], x[0])):
            print(f"| `{k}` | {c} |")
        print("\n| negative category | count |")
        print("|---|---:|")
        for k, c in sorted(by_neg_kind.items(), key=lambda x: (-x[1], x[0])):
            print(f"| `{k}` | {c} |")
    else:
        for k, c in sorted(by_kind.items(), key=lambda x: (-x[1], x[0])):
            print(f"  {k:28} {c}")
    for p in problems:
        print("PROBLEM:", p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
