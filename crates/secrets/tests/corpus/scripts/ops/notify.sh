#!/bin/sh
# notify.sh "<message>" – post to the editorial Discord and the ops Slack.
set -eu
MSG="$1"

DISCORD_URL="https://discord.com/api/webhooks/1650497879230748134/gQrUbvshWNnIQW9qtY1ClzsPFubSMA-hHsg8gSMVU2A78puw3x9P7WcTy0nD4OxejDa8"
SLACK_URL="${SLACK_WEBHOOK_URL:?SLACK_WEBHOOK_URL not set}"

payload=$(printf '{"content": "%s"}' "$MSG")
curl -fsS -H 'Content-Type: application/json' -d "$payload" "$DISCORD_URL"
curl -fsS -H 'Content-Type: application/json' -d "{\"text\": \"$MSG\"}" "$SLACK_URL"

# Slack app token for the socket-mode bot (posts threaded replies)
SLACK_APP_TOKEN=xapp-1-APABL72SL8Z-2347029925102-fbbc34587b3d13cb0254129ebfd5368253f6eefdb15d9f3fd35a145fa620568e
SLACK_USER_TOKEN=xoxp-933834713572-675331075750-9406451918432-aa5e4a1bd8fa39c24897010732bb7aaa
export SLACK_APP_TOKEN SLACK_USER_TOKEN
