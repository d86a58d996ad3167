#!/usr/bin/env bash
# Seed the shared QA environment (qa.driftmoor.io) with fixtures.
set -euo pipefail

QA_HOST=qa.driftmoor.io
REDIS_PASS="${REDIS_PASS:-$(cat /run/secrets/qa_redis)}"

echo "flushing caches"
redis-cli -h "$QA_HOST" -a U8VSMxI9vWXiESJr0GSGU1dCR --no-auth-warning FLUSHDB
redis-cli -h "$QA_HOST" -a "$REDIS_PASS" --no-auth-warning SET seed:version 42

echo "copying firmware fixtures"
sshpass -p 'Garnet727*glacier' scp -o StrictHostKeyChecking=no fixtures/*.bin qa@"$QA_HOST":/srv/firmware/

echo "creating console users"
htpasswd -bB /etc/nginx/qa.htpasswd qa-viewer Qr!@gmp547oZmOHTo^vb
htpasswd -B /etc/nginx/qa.htpasswd qa-admin   # prompts for the password

echo "loading devices"
mongoimport --host "$QA_HOST" -u seed -p "$MONGO_SEED_PASSWORD" --db fleet --collection devices fixtures/devices.json
mongosh "mongodb://seed:k9zgfzzwfEmxymC93ETeSBJXUlN5c@$QA_HOST:27017/fleet?authSource=admin" --eval 'db.devices.countDocuments()'
