# What `orgsim plan SCENARIO --customers N --terraform DIR` writes as DIR/main.tf: the provider
# (hashicorp/aws 5.100.0 against orgsim serve) and the organization's root. The resources are in
# DIR/plan.tf.json, written from the plan: one resource block per planned resource, at the
# address `orgsim plan` names it, with its dependencies (an account on its tier's OU, an
# attachment on its policy and OU), so that Terraform's walk has the plan's graph, instance by
# instance. Every name, email, tag and policy document is the plan's. OUs under the root only.
# scripts/terraform-vs-sim.sh applies it to `orgsim serve` and compares with `orgsim sweep`.
#
#   terraform init && terraform apply -var endpoint=http://127.0.0.1:4566

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  description = "The Organizations (and STS) endpoint: orgsim serve's address"
  type        = string
  default     = "http://127.0.0.1:4566"
}

variable "create_timeout" {
  description = "The accounts' create timeout (the provider's default is 10m)"
  type        = string
  default     = "10m"
}

provider "aws" {
  region     = "us-east-1"
  access_key = "orgsim"
  secret_key = "orgsim"

  # orgsim serve checks no credentials and serves Organizations and STS only.
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true

  endpoints {
    organizations = var.endpoint
    sts           = var.endpoint
  }
}

data "aws_organizations_organization" "this" {}
