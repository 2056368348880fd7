//! The built-in SecureBase tiers and the rules tier definitions follow.
use crate::config::Invalid;
use std::collections::BTreeMap;

use super::Tier;

/// The four tiers of the SecureBase platform: (key, framework, OU, monthly price in dollars).
const BUILTIN: [(&str, &str, &str, i64); 4] = [
    ("fintech", "SOC2", "Customers-Fintech", 8_000),
    ("healthcare", "HIPAA", "Customers-Healthcare", 15_000),
    (
        "gov-federal",
        "FedRAMP",
        "Customers-Government-Federal",
        25_000,
    ),
    ("standard", "CIS", "Customers-Standard", 2_000),
];

/// `fintech`, `healthcare`, `gov-federal`, `standard`.
pub fn builtin_tiers() -> BTreeMap<String, Tier> {
    BUILTIN
        .iter()
        .map(|&(key, framework, ou, dollars)| {
            (
                key.to_string(),
                Tier {
                    key: key.to_string(),
                    framework: framework.to_string(),
                    ou: ou.to_string(),
                    monthly_price_cents: dollars * 100,
                },
            )
        })
        .collect()
}

/// Why `key` is not a valid tier key (lowercase letters, digits and hyphens), if it is not.
pub(crate) fn check_tier_key(key: &str) -> Result<(), Invalid> {
    if key.is_empty() {
        return Err(Invalid::from("a tier key must not be empty"));
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(Invalid::from(format!(
            "tier key `{key}` may contain only lowercase letters, digits and hyphens"
        )));
    }
    Ok(())
}

/// Why `ou` is not a valid OU name (1 to 128 characters), if it is not.
pub(crate) fn check_ou_name(ou: &str) -> Result<(), Invalid> {
    let n = ou.chars().count();
    if n == 0 || n > 128 {
        return Err(Invalid::from(format!(
            "an OU name must be 1 to 128 characters long, not {n}"
        )));
    }
    if ou.chars().any(|c| c.is_control()) {
        return Err(Invalid::from(
            "an OU name must not contain control characters",
        ));
    }
    Ok(())
}

/// Why `fw` is not a valid framework name (1 to 64 letters, digits, `-` or `_`), if it is not.
pub(crate) fn check_framework(fw: &str) -> Result<(), Invalid> {
    let n = fw.chars().count();
    if n == 0 || n > 64 {
        return Err(Invalid::from(format!(
            "a framework name must be 1 to 64 characters long, not {n}"
        )));
    }
    if !fw
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(Invalid::from(format!(
            "framework `{fw}` may contain only letters, digits, `-` and `_`"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_match_the_platform() {
        let t = builtin_tiers();
        assert_eq!(t.len(), 4);
        assert_eq!(t["fintech"].framework, "SOC2");
        assert_eq!(t["fintech"].ou, "Customers-Fintech");
        assert_eq!(t["fintech"].monthly_price_cents, 800_000);
        assert_eq!(t["healthcare"].framework, "HIPAA");
        assert_eq!(t["healthcare"].monthly_price_cents, 1_500_000);
        assert_eq!(t["gov-federal"].ou, "Customers-Government-Federal");
        assert_eq!(t["gov-federal"].framework, "FedRAMP");
        assert_eq!(t["gov-federal"].monthly_price_cents, 2_500_000);
        assert_eq!(t["standard"].framework, "CIS");
        assert_eq!(t["standard"].monthly_price_cents, 200_000);
        for (k, tier) in &t {
            assert_eq!(k, &tier.key);
            check_tier_key(k).unwrap();
            check_ou_name(&tier.ou).unwrap();
            check_framework(&tier.framework).unwrap();
        }
    }

    #[test]
    fn key_rules() {
        assert!(check_tier_key("gov-federal2").is_ok());
        assert!(check_tier_key("Fintech").is_err());
        assert!(check_tier_key("").is_err());
        assert!(check_tier_key("a_b").is_err());
        assert!(check_framework("PCI_DSS-4").is_ok());
        assert!(check_framework("PCI DSS").is_err());
        assert!(check_ou_name(&"x".repeat(129)).is_err());
    }
}
