provider "grafana" {
  url  = "https://cindermoth.grafana.net/"
  auth = "glsa_vP8ObHax7rxo9P5RINAvx84U9bbF2FNt_8ae25b06"
}

provider "datadog" {
  api_key = "5533a7f7ebd55dea460b99a1e437f2e6"
  app_key = "a46f0b5c6857dfb6ff4b7a1903902ec2a57cdbbf"
  api_url = "https://api.datadoghq.eu/"
}

provider "pagerduty" {
  token = var.pagerduty_token
}

variable "pagerduty_token" {
  type      = string
  sensitive = true
}

resource "grafana_folder" "ingest" {
  title = "Ingest"
}

resource "grafana_contact_point" "ops" {
  name = "ops-slack"
  slack {
    url = "https://hooks.slack.com/services/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"
  }
}

resource "pagerduty_service_integration" "grafana" {
  name    = "Grafana"
  service = "P8X2KQ7"
  vendor  = "PZQ6AUS"
}

resource "datadog_monitor" "collector_errors" {
  name    = "Collector 5xx rate"
  type    = "metric alert"
  query   = "sum(last_5m):sum:trace.http.request.errors{service:collector}.as_rate() > 0.05"
  message = "@pagerduty-cindermoth-ingest Collector errors above 5%"
}
