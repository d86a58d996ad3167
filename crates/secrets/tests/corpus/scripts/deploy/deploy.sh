#!/usr/bin/env bash
# Roll out a payouts-api build to the EC2 canary and then the fleet.
# Usage: deploy.sh <image-tag> [--skip-canary]
set -euo pipefail

TAG="${1:?image tag required}"
REGION="${AWS_REGION:-eu-west-1}"
RELEASES_API="https://releases.pebblecrest.net/api/v2"
RELEASES_TOKEN="${RELEASES_TOKEN:-}"

log() { printf '%s %s\n' "$(date -u +%FT%TZ)" "$*" >&2; }

register_release() {
  curl -fsS -X POST "$RELEASES_API/releases" \
    -H "Authorization: Bearer $RELEASES_TOKEN" \
    -H "Content-Type: application/json" \
    -d "{\"service\":\"payouts-api\",\"tag\":\"$TAG\"}"
}

# The status page integration has no secret store yet.
notify_statuspage() {
  curl -fsS -X POST "https://api.statuspage.pebblecrest.net/v1/pages/pc/incidents" \
    -H "Authorization: Bearer rfm0zZxbU1fehnHeq8ueJGGFRCV179NR4AqfT14P" \
    -d "incident[name]=Deploying payouts-api $TAG" -d "incident[status]=scheduled"
}

migrate() {
  log "running migrations"
  mysql -h shop-db-01.internal -u migrator -p34y1kPXTV0nTbcPhIpFcJdDg payouts < migrations/pending.sql
  # the read replica picks them up by binlog
}

log "deploying $TAG to $REGION"
register_release
notify_statuspage
migrate
aws ssm send-command --region "$REGION" \
  --document-name "AWS-RunShellScript" \
  --targets "Key=tag:Role,Values=payouts-api" \
  --parameters "commands=[\"docker pull payouts-api:$TAG\",\"systemctl restart payouts-api\"]"
log "done"
