environment = "staging"

datadog_api_key   = "${secrets.DATADOG_API_KEY}"
sentry_auth_token = ""
payouts_api_token = "changeme"
stripe_secret_key = "<stripe-test-key-from-1password>"

ledger_db_password = "${secrets.STAGING_LEDGER_DB_PASSWORD}"
