#!/usr/bin/env python3
"""Score secret-scanner output against a labels file by (file, 1-based line).

    python3 score.py --tool smaqit-ls|detect-secrets|ripsecrets \\
        --root DIR --labels labels.json OUTPUT [--json] [--fp N] [--fn N]

OUTPUT is the tool's raw output, parsed as:

- smaqit-ls: `check --only secrets --format json` — a JSON array of objects
  with `path` and `line`; `path` is the folder as given on the command line
  joined with the path inside it, so `--root` (the folder as given) is
  stripped from it.
- detect-secrets: the baseline JSON that `scan --all-files` prints; the keys
  of `results` are paths relative to the directory the scan ran in, which
  must be `--root`.
- ripsecrets: one line per match, `path:line:matched text`; `path` starts
  with the folder as given.

Matching follows the corpus README: a finding matches a label when the path
relative to `--root` and the line are equal; several findings on one line
count once; a finding on an unlabelled line is a false positive; a label that
no finding matches is a false negative. Findings in the corpus metadata files
at the root (README.md, labels.json, negatives.json, verify_labels.py) are
dropped for every tool: they are not corpus.

Prints one line `tool precision recall f1 tp fp fn` (or a JSON object with
--json); --fp/--fn N also print up to N false positives / negatives.
"""

import argparse
import json
import os
import re
import sys

METADATA = {"README.md", "labels.json", "negatives.json", "verify_labels.py"}


def norm(path, root):
    """`path` relative to `root`, with forward slashes."""
    p = path.replace("\\", "/")
    r = root.replace("\\", "/").rstrip("/")
    if os.path.isabs(p) != os.path.isabs(r):
        p, r = os.path.abspath(p), os.path.abspath(r)
    if r in ("", "."):
        rel = p
    elif p == r:
        rel = ""
    elif p.startswith(r + "/"):
        rel = p[len(r) + 1:]
    else:
        rel = os.path.relpath(p, r)
    while rel.startswith("./"):
        rel = rel[2:]
    return rel


def parse_smaqit(text, root):
    out = set()
    text = text.strip()
    if not text:
        return out
    for f in json.loads(text):
        if not f.get("code", "secret/").startswith("secret/"):
            continue
        out.add((norm(f["path"], root), int(f["line"])))
    return out


def parse_detect_secrets(text, root):
    out = set()
    data = json.loads(text)
    for path, items in data.get("results", {}).items():
        for it in items:
            # The scan runs inside ROOT, so paths are already relative to it.
            out.add((norm(path, "."), int(it["line_number"])))
    return out


RIPSECRETS_LINE = re.compile(r"^(.+?):(\d+):")


def parse_ripsecrets(text, root):
    out = set()
    for line in text.splitlines():
        # ripsecrets colours its output only on a terminal; strip any escapes.
        line = re.sub(r"\x1b\[[0-9;]*m", "", line)
        m = RIPSECRETS_LINE.match(line)
        if m:
            out.add((norm(m.group(1), root), int(m.group(2))))
    return out


PARSERS = {"smaqit-ls": parse_smaqit, "detect-secrets": parse_detect_secrets, "ripsecrets": parse_ripsecrets}


def score(findings, labels):
    findings = {(f, ln) for f, ln in findings if f not in METADATA}
    gold = {(lab["file"], int(lab["line"])) for lab in labels}
    tp = findings & gold
    fp = findings - gold
    fn = gold - findings
    p = len(tp) / (len(tp) + len(fp)) if findings else 0.0
    r = len(tp) / (len(tp) + len(fn)) if gold else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f1, "tp": len(tp), "fp": len(fp), "fn": len(fn),
            "fp_list": sorted(fp), "fn_list": sorted(fn)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tool", required=True, choices=sorted(PARSERS))
    ap.add_argument("--root", required=True, help="the folder as given to the tool")
    ap.add_argument("--labels", required=True)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--fp", type=int, default=0, help="print up to N false positives")
    ap.add_argument("--fn", type=int, default=0, help="print up to N false negatives")
    ap.add_argument("output")
    a = ap.parse_args()

    with open(a.output, encoding="utf-8", errors="replace") as f:
        text = f.read()
    with open(a.labels) as f:
        labels = json.load(f)
    s = score(PARSERS[a.tool](text, a.root), labels)
    if a.json:
        print(json.dumps({k: v for k, v in s.items() if not k.endswith("_list")} | {"tool": a.tool}))
    else:
        print(f"{a.tool} precision={s['precision']:.3f} recall={s['recall']:.3f} f1={s['f1']:.3f} "
              f"tp={s['tp']} fp={s['fp']} fn={s['fn']}")
    for f, ln in s["fp_list"][: a.fp]:
        print(f"  FP {f}:{ln}", file=sys.stderr)
    for f, ln in s["fn_list"][: a.fn]:
        print(f"  FN {f}:{ln}", file=sys.stderr)


if __name__ == "__main__":
    main()
