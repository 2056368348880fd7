# The seed's SecureBase deployment as Terraform writes it: one OU per tier in use (under the
# root), one service control policy per tier's framework, attached to the tier's OU, and one
# account per customer in its tier's OU, tagged with its tenant id, tier and framework. The
# same resources `orgsim plan` lists for a scenario with these customers.
#
# Against `orgsim serve` (docs/serve.md, "Terraform"):
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

variable "customers" {
  description = "The customers, by tenant id (the seed's two by default)"
  type = map(object({
    name  = string
    email = string
    tier  = string
  }))
  default = {
    "acme-finance-inc" = {
      name  = "ACME Finance Inc"
      email = "john@acmefinance.com"
      tier  = "fintech"
    }
    "medicorp-solutions-inc" = {
      name  = "MediCorp Solutions Inc"
      email = "compliance@medicorp.com"
      tier  = "healthcare"
    }
  }
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

locals {
  # orgsim's tiers (src/scenario/tiers.rs): the framework and the OU of each.
  tiers = {
    fintech    = { framework = "SOC2", ou = "Customers-Fintech" }
    healthcare = { framework = "HIPAA", ou = "Customers-Healthcare" }
    government = { framework = "FedRAMP", ou = "Customers-Government-Federal" }
    standard   = { framework = "CIS", ou = "Customers-Standard" }
  }
  tiers_in_use = toset([for c in var.customers : c.tier])

  # The guard rails every tier's SCP carries (orgsim's plan::policy_content), and the region
  # lock of the frameworks that have one.
  base_statements = [
    {
      Sid      = "DenyLeaveOrganization"
      Effect   = "Deny"
      Action   = "organizations:LeaveOrganization"
      Resource = "*"
    },
    {
      Sid    = "ProtectAuditTrail"
      Effect = "Deny"
      Action = [
        "cloudtrail:StopLogging",
        "cloudtrail:DeleteTrail",
        "config:DeleteConfigurationRecorder",
        "config:StopConfigurationRecorder",
      ]
      Resource = "*"
    },
    {
      Sid       = "RequireEncryptedStorage"
      Effect    = "Deny"
      Action    = "s3:PutObject"
      Resource  = "*"
      Condition = { Null = { "s3:x-amz-server-side-encryption" = "true" } }
    },
  ]
  region_locks = {
    FedRAMP = ["us-east-1", "us-west-2", "us-gov-west-1", "us-gov-east-1"]
    HIPAA   = ["us-east-1", "us-east-2", "us-west-2"]
    SOC2    = ["us-east-1", "us-east-2", "us-west-2"]
  }
}

data "aws_organizations_organization" "this" {}

resource "aws_organizations_organizational_unit" "tier" {
  for_each  = local.tiers_in_use
  name      = local.tiers[each.key].ou
  parent_id = data.aws_organizations_organization.this.roots[0].id
}

resource "aws_organizations_policy" "tier" {
  for_each = local.tiers_in_use
  name     = "SecureBase-${local.tiers[each.key].framework}"
  type     = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      local.base_statements,
      [for r in [lookup(local.region_locks, local.tiers[each.key].framework, null)] : {
        Sid       = "${local.tiers[each.key].framework}RegionLock"
        Effect    = "Deny"
        NotAction = ["iam:*", "organizations:*", "sts:*", "support:*"]
        Resource  = "*"
        Condition = { StringNotEquals = { "aws:RequestedRegion" = r } }
      } if r != null]
    )
  })
}

resource "aws_organizations_policy_attachment" "tier" {
  for_each  = local.tiers_in_use
  policy_id = aws_organizations_policy.tier[each.key].id
  target_id = aws_organizations_organizational_unit.tier[each.key].id
}

resource "aws_organizations_account" "customer" {
  for_each  = var.customers
  name      = each.value.name
  email     = each.value.email
  parent_id = aws_organizations_organizational_unit.tier[each.value.tier].id
  tags = {
    "securebase:tenant-id" = each.key
    "securebase:tier"      = each.value.tier
    "securebase:framework" = local.tiers[each.value.tier].framework
  }
}

output "root_id" {
  value = data.aws_organizations_organization.this.roots[0].id
}

output "account_ids" {
  value = { for k, a in aws_organizations_account.customer : k => a.id }
}
