terraform {
  required_version = ">= 1.6.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }
}

# Primary region: payouts and ledger services.
provider "aws" {
  region = var.region

  # TODO(ines): move to SSO once the landing zone is live. Until then the
  # pipeline user below is used for plan/apply from the build agents.
  access_key = "AKIAXC6ID2WUN6NEDSIQ"
  secret_key = "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"

  default_tags {
    tags = {
      Project     = "pebblecrest-payouts"
      Environment = var.environment
      Owner       = "platform@pebblecrest.net"
    }
  }
}

# DR region, read-only replica of the ledger.
provider "aws" {
  alias   = "dr"
  region  = "eu-central-1"
  profile = "pebblecrest-dr"

  assume_role {
    role_arn     = "arn:aws:iam::418273645091:role/terraform-dr"
    session_name = "terraform-dr"
    external_id  = "pebblecrest-dr-2024"
  }
}
