# A scenario's plan as Terraform writes it, every name, email, tag and policy document taken
# from `orgsim plan SCENARIO --customers N --terraform DIR`, which writes this file and
# `plan.auto.tfvars.json` (the plan's resources, keyed as `orgsim plan` names them) into DIR.
# The same resources as examples/terraform/main.tf, for any scenario whose OUs are under the
# root; scripts/terraform-vs-sim.sh applies it to `orgsim serve` and compares with `orgsim sweep`.
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

variable "ous" {
  description = "The plan's OUs, all under the root"
  type        = map(object({ name = string }))
}

variable "policies" {
  description = "The plan's service control policies and their documents"
  type        = map(object({ name = string, content = string }))
}

variable "attachments" {
  description = "Each policy attachment: a key of var.policies to a key of var.ous"
  type        = map(object({ policy = string, ou = string }))
}

variable "accounts" {
  description = "The plan's accounts: name, email, the key of their OU, their tags"
  type = map(object({
    name  = string
    email = string
    ou    = string
    tags  = map(string)
  }))
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

resource "aws_organizations_organizational_unit" "this" {
  for_each  = var.ous
  name      = each.value.name
  parent_id = data.aws_organizations_organization.this.roots[0].id
}

resource "aws_organizations_policy" "this" {
  for_each = var.policies
  name     = each.value.name
  type     = "SERVICE_CONTROL_POLICY"
  content  = each.value.content
}

resource "aws_organizations_policy_attachment" "this" {
  for_each  = var.attachments
  policy_id = aws_organizations_policy.this[each.value.policy].id
  target_id = aws_organizations_organizational_unit.this[each.value.ou].id
}

resource "aws_organizations_account" "this" {
  for_each  = var.accounts
  name      = each.value.name
  email     = each.value.email
  parent_id = aws_organizations_organizational_unit.this[each.value.ou].id
  tags      = each.value.tags

  timeouts {
    create = var.create_timeout
  }
}

output "account_ids" {
  value = { for k, a in aws_organizations_account.this : k => a.id }
}
