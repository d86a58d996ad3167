job "ingest-worker" {
  datacenters = ["ams1"]
  type        = "service"

  group "worker" {
    count = 3

    network {
      port "metrics" { to = 9102 }
    }

    task "worker" {
      driver = "docker"

      config {
        image = "registry.cindermoth.io/ingest-worker:2.14.1"
        ports = ["metrics"]
      }

      vault {
        policies = ["ingest-worker"]
      }

      env {
        VAULT_ADDR      = "https://vault.cindermoth.io:8200"
        # Break-glass token used while the Nomad/Vault integration was down.
        VAULT_TOKEN     = "hvs.CAESI77cQKxFbcaWoO5SD2YCnvmTxxRq5PNn1vZyficsMQUoD_15Ic6a7-y7otUCepFw2UA1ju8IrBi-XAi_YjcQNcG"
        KAFKA_BROKERS   = "kafka-0.ingest:9093,kafka-1.ingest:9093"
        KAFKA_SASL_USER = "ingest-worker"
        KAFKA_SASL_PASS = "EwvN61bv6evQYsy5sUqA4FZV"
      }

      template {
        destination = "secrets/app.env"
        env         = true
        data        = <<-EOT
          {{ with secret "kv/data/ingest/warehouse" }}
          WAREHOUSE_PASSWORD={{ .Data.data.password }}
          {{ end }}
        EOT
      }

      resources {
        cpu    = 500
        memory = 512
      }
    }
  }
}
