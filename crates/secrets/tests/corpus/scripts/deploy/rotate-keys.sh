#!/usr/bin/env bash
# Re-encrypt the shared SOPS files after an age key rotation.
set -euo pipefail

export VAULT_ADDR=https://vault.cindermoth.io:8200
# TODO(priya): switch to `vault login -method=oidc`; this token expires 2025-03-31
export VAULT_TOKEN=hvs.CAESIcLC7AdvV3RxIeae8xxKxno1qkVFlyAke4xYDb136PDwz_2RBbT-qAHeR4UfHBiluJYCCmEoT5Mokb8NqW0sqDo

NEW_RECIPIENT="age1akxzg8fg7gnj7k62qk97la9pze4kntg7q0jp3gdws79289wt8ud6y7255j"
KEYS_FILE="$(mktemp)"
trap 'rm -f "$KEYS_FILE"' EXIT

cat > "$KEYS_FILE" <<'KEYS'
# created: 2025-01-18T08:21:40Z
# public key: age1l9g4j9h340z6v5tzzv8kmnpavzj2wegz7vzsg5xalg9qmz0s8z7c8s9cf6
AGE-SECRET-KEY-1X6MSWTFL4HZ4Y2TWT2EGHYGLULAJMV0LP6HMYWMS90L75W2PFWT53SG30W
KEYS

export SOPS_AGE_KEY_FILE="$KEYS_FILE"
for f in $(git ls-files '*.enc.yaml'); do
  sops updatekeys --yes "$f"
  sops --rotate --in-place --add-age "$NEW_RECIPIENT" "$f"
done

# Keep the CLI credentials in line with the new role.
aws configure set aws_access_key_id AKIAV3VKUYHPARNTHEVQ --profile sops-rotation
aws configure set aws_secret_access_key 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 --profile sops-rotation
vault kv put kv/sops/recipients current="$NEW_RECIPIENT"
