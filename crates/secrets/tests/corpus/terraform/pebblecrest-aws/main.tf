locals {
  name_prefix = "pc-${var.environment}"
  ledger_port = 5432
}

resource "random_password" "ledger_app" {
  length           = var.admin_password_length
  special          = true
  override_special = "!#%*-_=+"
}

resource "aws_db_instance" "ledger" {
  identifier                  = "${local.name_prefix}-ledger"
  engine                      = "postgres"
  engine_version              = "16.2"
  instance_class              = "db.r6g.large"
  allocated_storage           = 200
  username                    = var.ledger_db_username
  password                    = var.ledger_db_password
  manage_master_user_password = false
  kms_key_id                  = var.kms_key_arn
  storage_encrypted           = true
  skip_final_snapshot         = false
}

resource "aws_secretsmanager_secret" "ledger_app" {
  name       = "${local.name_prefix}/ledger/app"
  kms_key_id = var.kms_key_arn
}

resource "aws_secretsmanager_secret_version" "ledger_app" {
  secret_id = aws_secretsmanager_secret.ledger_app.id
  secret_string = jsonencode({
    username = "ledger_app"
    password = random_password.ledger_app.result
    host     = aws_db_instance.ledger.address
    port     = local.ledger_port
  })
}

resource "aws_secretsmanager_secret_version" "reporting_ro" {
  secret_id = "${local.name_prefix}/reporting/readonly"
  secret_string = jsonencode({
    username = "reporting_ro"
    password = "Z@-^Ppl8WW*BcVhGPv~^KZ=Ahk1"
  })
}

resource "aws_lambda_function" "payout_notifier" {
  function_name    = "${local.name_prefix}-payout-notifier"
  role             = aws_iam_role.notifier.arn
  handler          = "notifier.handler"
  runtime          = "python3.12"
  filename         = "${path.module}/build/notifier.zip"
  source_code_hash = "tyx3v7a6rVaSvfu4RtFqGSPmO3kPfMfpPbWNOU3vZXY="

  environment {
    variables = {
      LOG_LEVEL         = "info"
      SLACK_WEBHOOK_URL = "https://hooks.slack.com/services/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"
      LEDGER_SECRET_ARN = aws_secretsmanager_secret.ledger_app.arn
      STRIPE_API_KEY    = var.stripe_secret_key
    }
  }
}

resource "aws_iam_role" "notifier" {
  name = "${local.name_prefix}-notifier"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_instance" "bastion" {
  ami           = "ami-0c1f3a8d2e7b94f15"
  instance_type = "t4g.micro"
  key_name      = "pebblecrest-bastion"

  user_data = <<-EOT
    #!/bin/bash
    set -euo pipefail
    echo "ledger.internal:5432:*:ledger_admin:Clover+Canyon41" > /root/.pgpass
    chmod 600 /root/.pgpass
    curl -fsSL https://get.pebblecrest.net/agent.sh | bash -s -- --site eu-west-1
  EOT
}
