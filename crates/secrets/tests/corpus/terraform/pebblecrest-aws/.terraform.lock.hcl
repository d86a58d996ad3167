# This file is maintained automatically by "terraform init".
# Manual edits may be lost in future updates.

provider "registry.terraform.io/hashicorp/aws" {
  version     = "5.44.0"
  constraints = "~> 5.40"
  hashes = [
    "h1:NyOOMImzayaDx+ilwyNc69iGx9v7TBjfEZjXK32qPu8=",
    "zh:e53a54dbaa110fede1c95ba352d2750c2b6e87dde38b75bd0fc2cd63c58b227a",
    "zh:095abc8385c96da35ca8d9410f36b01b837b2374b6a6725ba7da23df307d5e93",
    "zh:3a6ce8ab916a8ef40138aa5ab2ac9cf650ca8fb3bcdea3aff69210e8c35d8a81",
    "zh:63c2e1ff23e07152f5792a3d7ee66a7d492145db67ea4858197c6af384695e11",
    "zh:891efa906b62d944427233d71aef276b6854cb329493ca4c67336fcdd1ec4335",
  ]
}

provider "registry.terraform.io/hashicorp/random" {
  version     = "3.6.0"
  constraints = "~> 3.6"
  hashes = [
    "h1:q96kJLfU4PpI8FYhmCApJwrHLzKJIoicE7blwI2gsbY=",
    "zh:6e65d2b94b25adf6d3864f1420ae935c72bace91dbcdbedd7c36a7b8936097a5",
    "zh:f5360109947d6f96af95fc0c0a28031136c37ecea230cef8471d2c7e5ba2f613",
    "zh:52484cdca45c5542b4058380dacca5fbe91060b38dda7d8e44560bd802ac9d7a",
  ]
}
