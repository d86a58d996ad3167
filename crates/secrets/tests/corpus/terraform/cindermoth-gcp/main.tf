terraform {
  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 5.20"
    }
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "~> 4.26"
    }
  }
}

provider "google" {
  project     = "cindermoth-analytics-prod"
  region      = "europe-west4"
  credentials = file("${path.module}/keys/terraform-sa.json")
}

provider "cloudflare" {
  # Zone-scoped token, DNS edit only.
  api_token = "2-xlZWoQa3pag2lldKpReMk9etpE7dqDnpCT4XHZ"
}

resource "google_secret_manager_secret" "ingest_hmac" {
  secret_id = "ingest-hmac-key"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_version" "ingest_hmac" {
  secret      = google_secret_manager_secret.ingest_hmac.id
  secret_data = "2a0722a0dc76eb5b4abb0fd5aac6082fd2a8b4917eee2fbe54c174327bbd81c5"
}

resource "google_secret_manager_secret_version" "warehouse_password" {
  secret      = google_secret_manager_secret.warehouse.id
  secret_data = random_password.warehouse.result
}

resource "google_cloud_run_v2_service" "collector" {
  name     = "collector"
  location = "europe-west4"

  template {
    containers {
      image = "europe-west4-docker.pkg.dev/cindermoth-analytics-prod/apps/collector@sha256:723f12700f64a0189d6755ec0af54252aa112015933b17e3b7106cf8ca20b4de"
      env {
        name  = "GEOCODER_API_KEY"
        value = "AIzaRzoDmla9oEz_DQMYDbgO3spVk5y0J0_I371"
      }
      env {
        name = "WAREHOUSE_PASSWORD"
        value_source {
          secret_key_ref {
            secret  = google_secret_manager_secret.warehouse.secret_id
            version = "latest"
          }
        }
      }
      env {
        name  = "COLLECTOR_PUBLIC_KEY"
        value = "age199tu9qj9sfp44slxmap26v4mjhv070pv37yq4dds0cns5z7gae2azxqgpg"
      }
    }
  }
}

resource "cloudflare_record" "collector" {
  zone_id = "37f7547a4ae894006634e2b57b453b05"
  name    = "collect"
  type    = "CNAME"
  value   = "ghs.googlehosted.com"
  proxied = true
}
