environment = "production"

# Observability
datadog_api_key   = "db8b6e954a3799e08298b524e1ee839f"
datadog_app_key   = "${secrets.DATADOG_APP_KEY}"
sentry_org        = "pebblecrest"
sentry_auth_token = "sntrys_eyJpYXQiOjE3MjQ1ODczMjgsInVybCI6Imh0dHBzOi8vc2VudHJ5LmlvIiwicmVnaW9uX3VybCI6Imh0dHBzOi8vZGUuc2VudHJ5LmlvIiwib3JnIjoicGViYmxlY3Jlc3QifQ_ftvttyQROY83NYSeCcvnPsdTp4eZffgpZsa1Ks-CAYe"
sentry_dsn        = "https://691da710da71e7b0b7e7bb4ccaac9a5c@o4507312.ingest.de.sentry.io/4507312881"

alarm_email = "oncall@pebblecrest.net"

# Payouts
stripe_publishable_key = "pk_live_51aBolKcydQl6d8WOp586NYa2c97xQtsCxbfLvT25HsCGP2jNdlll1g6dV3Rv3nPudxcU7tyNs2AXEvjDUMPTP9bHsYtcyIIfNZ"
payouts_api_token      = "y2LY1zsjBPfMrfMB2uBk0idSoipkvkE4y0wzOb6w"
