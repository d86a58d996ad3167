# Self-hosted CI runners for the stonechat and pebblecrest GitLab groups.

terraform {
  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "~> 2.36"
    }
    tls = {
      source = "hashicorp/tls"
    }
  }
}

provider "digitalocean" {
  token = "dop_v1_dc046223acc391a254c66b9e5368cd47708e96bafb5ef9037612adc7f086a9be"
}

resource "tls_private_key" "runner" {
  algorithm = "ED25519"
}

resource "digitalocean_ssh_key" "runner" {
  name       = "ci-runner"
  public_key = tls_private_key.runner.public_key_openssh
}

resource "digitalocean_droplet" "runner" {
  count    = var.runner_count
  name     = "ci-runner-${count.index}"
  region   = "ams3"
  size     = "s-4vcpu-8gb"
  image    = "ubuntu-24-04-x64"
  ssh_keys = [digitalocean_ssh_key.runner.fingerprint]

  user_data = <<-EOT
    #cloud-config
    write_files:
      - path: /etc/gitlab-runner/bootstrap.env
        permissions: "0600"
        content: |
          CI_SERVER_URL=https://gitlab.pebblecrest.net
          REGISTRATION_TOKEN=GR1348941FCB1A839CEy60AOvbnQm
          RUNNER_TAG_LIST=docker,linux,do-ams3
    runcmd:
      - [ bash, -c, "curl -L https://packages.gitlab.com/install/repositories/runner/gitlab-runner/script.deb.sh | bash" ]
      - [ bash, -c, "apt-get install -y gitlab-runner" ]
      - [ bash, -c, "gitlab-runner register --non-interactive --url https://gitlab.pebblecrest.net --token glrt-E63w1po6DQ0rvX3EEMRQ --executor docker --docker-image alpine:3.20" ]
  EOT
}

variable "runner_count" {
  type    = number
  default = 2
}

output "runner_private_key" {
  value     = tls_private_key.runner.private_key_openssh
  sensitive = true
}
