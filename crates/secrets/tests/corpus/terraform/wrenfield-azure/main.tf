provider "azurerm" {
  features {
    key_vault {
      purge_soft_delete_on_destroy = false
    }
  }

  subscription_id = "a50baaed-badb-44e5-a487-62e1d010a348"
  tenant_id       = "a4555a17-b72c-43b1-8c06-0f9e6511591f"
  client_id       = "7c3ded0c-b90c-4a64-b2e3-5cf8e5cdeeee"
  client_secret   = "8wK4Q~imyOVQV3g0TRkHPd8GAeb0bZ0~bYToQM_O"
}

locals {
  location = "westeurope"
  tags = {
    costcenter = "wf-logistics-4410"
    managed_by = "terraform"
  }
}

resource "azurerm_resource_group" "dispatch" {
  name     = "rg-wrenfield-dispatch-prod"
  location = local.location
  tags     = local.tags
}

resource "azurerm_storage_account" "manifests" {
  name                     = "wfmanifestsprod"
  resource_group_name      = azurerm_resource_group.dispatch.name
  location                 = local.location
  account_tier             = "Standard"
  account_replication_type = "GRS"
  min_tls_version          = "TLS1_2"
}

resource "azurerm_key_vault" "dispatch" {
  name                = "kv-wf-dispatch-prod"
  location            = local.location
  resource_group_name = azurerm_resource_group.dispatch.name
  tenant_id           = "a4555a17-b72c-43b1-8c06-0f9e6511591f"
  sku_name            = "standard"
}

resource "azurerm_key_vault_secret" "sql_admin" {
  name         = "sql-admin-password"
  value        = "H2+kvu5R*!_R4qDeFtw78Q"
  key_vault_id = azurerm_key_vault.dispatch.id
}

resource "azurerm_key_vault_secret" "carrier_api" {
  name         = "carrier-api-key"
  value        = var.carrier_api_key
  key_vault_id = azurerm_key_vault.dispatch.id
}

resource "azurerm_mssql_server" "dispatch" {
  name                         = "sql-wf-dispatch-prod"
  resource_group_name          = azurerm_resource_group.dispatch.name
  location                     = local.location
  version                      = "12.0"
  administrator_login          = "wfsqladmin"
  administrator_login_password = azurerm_key_vault_secret.sql_admin.value
}

resource "azurerm_linux_web_app" "dispatch_api" {
  name                = "app-wf-dispatch-api"
  resource_group_name = azurerm_resource_group.dispatch.name
  location            = local.location
  service_plan_id     = azurerm_service_plan.dispatch.id

  site_config {}

  app_settings = {
    "ASPNETCORE_ENVIRONMENT"         = "Production"
    "ConnectionStrings__Manifests"   = "DefaultEndpointsProtocol=https;AccountName=wfmanifestsprod;AccountKey=oNfsLuiVMClxSys69GCtlOE9tIUk5/cpB0+38wEtqXsaitjr96y3+aeniBuLbwNLVfbJyd47CCUBq3wBDQX+gA==;EndpointSuffix=core.windows.net"
    "ConnectionStrings__Dispatch"    = "@Microsoft.KeyVault(SecretUri=https://kv-wf-dispatch-prod.vault.azure.net/secrets/dispatch-sql/)"
    "APPINSIGHTS_INSTRUMENTATIONKEY" = "690b694a-c89c-44a2-99c1-73e8e3989f7f"
  }
}

variable "carrier_api_key" {
  description = "API key for the carrier tracking integration (NordFreight)"
  type        = string
  sensitive   = true
  default     = "LBONbrLjwvAAyLsrKMaZNHmzm7ZKuk3q"
}

variable "carrier_api_base_url" {
  type    = string
  default = "https://api.nordfreight.example/v2"
}

variable "sql_admin_login" {
  type    = string
  default = "wfsqladmin"
}

variable "sql_admin_password" {
  description = "Set from the pipeline: TF_VAR_sql_admin_password"
  type        = string
  sensitive   = true
}

variable "storage_access_key" {
  type      = string
  sensitive = true
  default   = null
}
