variable "region" {
  type        = string
  description = "Primary AWS region"
  default     = "eu-west-1"
}

variable "environment" {
  type    = string
  default = "production"
}

variable "ledger_db_username" {
  type    = string
  default = "ledger_admin"
}

variable "ledger_db_password" {
  type        = string
  description = "Master password of the ledger RDS cluster"
  sensitive   = true
  default     = "Clover+Canyon41"
}

variable "payouts_api_token" {
  type      = string
  sensitive = true
  default   = ""
}

variable "datadog_api_key" {
  type        = string
  description = "Injected by the pipeline from ${secrets.DATADOG_API_KEY}"
  sensitive   = true
}

variable "stripe_secret_key" {
  type        = string
  description = "Stripe live key for the payouts worker"
  sensitive   = true
  default     = "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"
}

variable "admin_password_length" {
  type    = number
  default = 32
}

variable "password_rotation_days" {
  type    = number
  default = 90
}

variable "kms_key_arn" {
  type    = string
  default = "arn:aws:kms:eu-west-1:418273645091:key/774e6649-2ee6-402e-ad13-23cf37d3272c"
}

variable "enable_secret_rotation" {
  type    = bool
  default = true
}
