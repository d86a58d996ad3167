#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/<target>/) from the bundled
# fixtures and the scanner's labelled corpus in the repository; an extra
# folder of inputs may be named by SMAQIT_FUZZ_EXTRA_SEEDS (never assumed).
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../fixtures
for t in parse_spec reparse transition secrets jsonrpc; do mkdir -p "corpus/$t"; done

i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  for t in parse_spec reparse transition; do cp "$f" "corpus/$t/spec-$i"; done
  # reparse: the same text followed by an edit script (see the target).
  { cat "$f"; printf '\xff\x10\x05\x03\x80\x00\x04\xf0\x20\x07\x40\x02\x0d'; } > "corpus/reparse/spec-$i-edits"
done < <(find "$fixtures" -path '*/specs/*' -name '*.md' -print0)

i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  cp "$f" "corpus/secrets/file-$i"
done < <(find "$fixtures" ../crates/secrets/tests/corpus ${SMAQIT_FUZZ_EXTRA_SEEDS:+"$SMAQIT_FUZZ_EXTRA_SEEDS"} -type f -size -64k -print0 2>/dev/null || true)

# jsonrpc: messages separated by NUL bytes, sent after the handshake.
spec=$(find "$fixtures/example/specs/functional" -name '*.md' | head -1)
text=$(python3 -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' "$spec")
uri='file:///fuzz/specs/functional/f.md'
open='{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"'$uri'","languageId":"markdown","version":1,"text":'$text'}}}'
req() { printf '{"jsonrpc":"2.0","id":%s,"method":"%s","params":%s}' "$1" "$2" "$3"; }
pos='{"textDocument":{"uri":"'$uri'"},"position":{"line":3,"character":9}}'
far='{"textDocument":{"uri":"'$uri'"},"position":{"line":4294967295,"character":4294967295}}'
range='{"textDocument":{"uri":"'$uri'"},"range":{"start":{"line":9,"character":0},"end":{"line":2,"character":0}},"context":{"diagnostics":[]}}'
change='{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"'$uri'","version":2},"contentChanges":[{"range":{"start":{"line":2,"character":8},"end":{"line":2,"character":13}},"text":"deployed"}]}}'
n=0
emit() { n=$((n + 1)); printf '%s' "$1" > "corpus/jsonrpc/seed-$n"; }
emit "$open"
emit "$open"$'\0'"$(req 1 textDocument/hover "$pos")"$'\0'"$(req 2 textDocument/definition "$pos")"
emit "$open"$'\0'"$change"$'\0'"$(req 3 textDocument/codeAction "$range")"
emit "$open"$'\0'"$(req 4 textDocument/completion "$far")"$'\0'"$(req 5 textDocument/documentSymbol '{"textDocument":{"uri":"'$uri'"}}')"
emit "$(req 6 workspace/symbol '{"query":"FUN"}')"$'\0'"$(req 7 textDocument/references "$pos")"
emit "$(req 8 no/such/method '{}')"$'\0''{"jsonrpc":"2.0","id":9,"method":"textDocument/hover","params":[1,2]}'$'\0''{not json'
emit "$open"$'\0'"$(req 10 textDocument/prepareRename "$pos")"$'\0'"$(req 11 textDocument/rename '{"textDocument":{"uri":"'$uri'"},"position":{"line":1,"character":5},"newName":"FUN-NEW"}')"
emit "$(req 12 workspace/executeCommand '{"command":"smaqit.plan","arguments":[]}')"$'\0''{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":12}}'
echo "seeded: $(for t in corpus/*; do printf '%s=%s ' "${t#corpus/}" "$(ls "$t" | wc -l)"; done)"
