# Shared defaults for every environment. Per-environment overrides live in envs/.
region      = "eu-west-1"
environment = "production"

vpc_id             = "vpc-0a7c3e91f24d6b58e"
private_subnet_ids = ["subnet-04e8b2d7c91fa3360", "subnet-0b5d9c1e47a82f3d1"]

ledger_db_username = "ledger_admin"
ledger_db_password = "Clover+Canyon41"

# GitHub provider for repository settings (branch protection, deploy keys).
github_owner = "pebblecrest"
github_token = "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"

payouts_image = "418273645091.dkr.ecr.eu-west-1.amazonaws.com/payouts@sha256:15a60c1fa7772391fbc6fc625ede0c16ddb51e92da188ae957f25d3c064340e8"
