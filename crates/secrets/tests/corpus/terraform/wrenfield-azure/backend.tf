terraform {
  backend "azurerm" {
    resource_group_name  = "rg-wrenfield-tfstate"
    storage_account_name = "wftfstate01"
    container_name       = "tfstate"
    key                  = "dispatch/prod.terraform.tfstate"

    # The state account does not allow Entra ID auth yet.
    access_key = "wywiErCiv7hn+dyN6w+UFcBCOAd0gT/V6lZe13jMSUruwottzH+4hE4w8CJX0vyNwE0MmfMzNNzFIr/oC9h9Kg=="
  }
}

# Read the shared network outputs with a read-only SAS.
data "terraform_remote_state" "network" {
  backend = "azurerm"
  config = {
    storage_account_name = "wftfstate01"
    container_name       = "tfstate"
    key                  = "network/prod.terraform.tfstate"
    sas_token            = "?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-06-30T17:00:00Z&st=2025-01-02T09:00:00Z&spr=https&sig=l7nuDdVGbiumovRYe3Ax37vfwrGLwO%2BdWOaxFlZwWcU%3D"
  }
}
