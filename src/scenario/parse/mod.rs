//! Reading scenario files: TOML text → validated [`Scenario`].
//!
//! Two passes over the text:
//!
//! 1. [`toml::de::DeTable::parse`] gives the document as a tree of spanned keys and values. It
//!    reports TOML syntax errors, and afterwards it is used to name and place errors: the dotted
//!    field path at a byte offset and the place of a dotted path (`span`).
//! 2. serde deserializes private "raw" structs (`raw`; `deny_unknown_fields` everywhere), which
//!    reports unknown keys, wrong types and missing keys with toml's span. Fields that semantic
//!    checks need to place are [`Spanned`]. Money, shares and durations are checked while
//!    deserializing (`units`): one reader of each for every table, `[operations]` included.
//!
//! Then the semantic checks run in file order (tiers, customers, generate, organization, deploy,
//! service, costs, expect, phases, load, operations; `checks`, `generate`, `operations`), and
//! the first fault becomes the [`ScenarioError`].

mod checks;
mod ctx;
mod existing;
mod generate;
mod limits;
mod operations;
mod raw;
mod span;
mod units;

use std::path::Path;

use toml::de::DeTable;

use super::money::MoneyOverflow;
use super::types::{OPERATIONS_ONBOARDING_LINE, OPERATIONS_SUPPORT_LINE};
use super::{CostLine, DeployConfig, Scenario, ScenarioError};
use ctx::Ctx;
pub use limits::MAX_GENERATED;
use raw::RawScenario;
use span::{format_path, key, split_path, LineIndex, Seg};

/// Reads and validates the scenario at `path`. A file larger than
/// `config::limits::MAX_SCENARIO_BYTES` is refused before it is read.
pub fn read(path: &Path) -> Result<Scenario, ScenarioError> {
    read_with(path, false)
}

/// [`read`] for a file whose settings (`[service]`, `[deploy]`, tiers, money) are wanted and
/// whose customers come from elsewhere (`--terraform-plan`): it may have none.
pub fn read_settings(path: &Path) -> Result<Scenario, ScenarioError> {
    read_with(path, true)
}

fn read_with(path: &Path, customers_optional: bool) -> Result<Scenario, ScenarioError> {
    use crate::config::limits::MAX_SCENARIO_BYTES;
    let whole = |e: crate::config::Invalid| ScenarioError {
        file: path.to_path_buf(),
        line: 0,
        column: 0,
        field: None,
        message: e.to_string(),
    };
    let src = crate::config::files::read_regular(
        path,
        MAX_SCENARIO_BYTES,
        "the scenario file size limit",
    )
    .map_err(whole)?;
    parse_bytes_with(&src, path, customers_optional)
}

/// Parses and validates scenario bytes as read from a file: text that is not UTF-8 is refused
/// at its first byte that is not; `source` names it in errors.
pub fn parse_bytes(src: &[u8], source: &Path) -> Result<Scenario, ScenarioError> {
    parse_bytes_with(src, source, false)
}

fn parse_bytes_with(
    src: &[u8],
    source: &Path,
    customers_optional: bool,
) -> Result<Scenario, ScenarioError> {
    match std::str::from_utf8(src) {
        Ok(text) => parse_with(text, source, customers_optional),
        Err(e) => {
            // Placed within the valid prefix: its line, and the column just after it.
            let valid = std::str::from_utf8(&src[..e.valid_up_to()]).unwrap_or_default();
            let (line, column) = LineIndex::new(valid).line_col(valid, valid.len());
            Err(ScenarioError {
                file: source.to_path_buf(),
                line,
                column,
                field: None,
                message: format!(
                    "the file is not UTF-8 text: byte 0x{:02x} at offset {} (TOML files are UTF-8)",
                    src[e.valid_up_to()],
                    e.valid_up_to()
                ),
            })
        }
    }
}

/// Parses and validates scenario text; `source` names it in errors.
pub fn parse(src: &str, source: &Path) -> Result<Scenario, ScenarioError> {
    parse_with(src, source, false)
}

/// [`parse`] of settings only, as [`read_settings`] reads them (no customers is no fault).
pub fn parse_settings(src: &str, source: &Path) -> Result<Scenario, ScenarioError> {
    parse_with(src, source, true)
}

fn parse_with(
    src: &str,
    source: &Path,
    customers_optional: bool,
) -> Result<Scenario, ScenarioError> {
    use crate::config::limits::MAX_SCENARIO_TOKENS;
    // Before the tree is built: what it would hold is bounded by the separators.
    let tokens = src
        .bytes()
        .filter(|b| matches!(b, b'=' | b',' | b'[' | b'{'))
        .count();
    if tokens > MAX_SCENARIO_TOKENS {
        return Err(ScenarioError {
            file: source.to_path_buf(),
            line: 0,
            column: 0,
            field: None,
            message: format!(
                "the file holds {tokens} keys, values and tables (its `=`, `,`, `[` and `{{` \
                 characters), more than a scenario may ({MAX_SCENARIO_TOKENS}, the scenario \
                 value limit)"
            ),
        });
    }
    let lines = LineIndex::new(src);
    let tree = match DeTable::parse(src) {
        Ok(t) => t.into_inner(),
        Err(e) => {
            let ctx = Ctx {
                src,
                source,
                tree: DeTable::new(),
                lines,
                customers_optional,
            };
            return Err(ctx.toml_error(e.message(), e.span()));
        }
    };
    let ctx = Ctx {
        src,
        source,
        tree,
        lines,
        customers_optional,
    };
    // Text that reaches a terminal and the reports: no control character but a newline or a
    // tab (an escape sequence in a name would retitle or clear the reader's terminal).
    let mut path = Vec::new();
    if let Some((span, c)) = span::control_character(&ctx.tree, &mut path) {
        return Err(ctx.err_at(
            span,
            Some(format_path(&path)),
            format!(
                "the text holds the control character {c}: orgsim refuses control characters \
                 (other than a newline or a tab) in a scenario, which could drive the terminal \
                 or a report it is shown in"
            ),
        ));
    }
    let raw: RawScenario = toml::from_str(src).map_err(|e| ctx.serde_error(&e))?;
    ctx.build(raw)
}

impl Ctx<'_> {
    // -----------------------------------------------------------------------------------------
    // Semantic checks.

    fn build(&self, raw: RawScenario) -> Result<Scenario, ScenarioError> {
        let raw_costs_len = raw.costs.len();
        let listed_monthly: Vec<bool> = raw
            .customers
            .iter()
            .map(|c| c.get_ref().monthly.is_some())
            .collect();
        let name = raw.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(self.at(
                raw.name.span(),
                &[key("name")],
                "the scenario name must not be empty",
            ));
        }
        let seed = raw.seed.unwrap_or(1);

        let tiers = self.tiers(&raw.tiers)?;

        let max = crate::config::limits::MAX_CUSTOMERS;
        if raw.customers.len() > max {
            return Err(self.at_path(
                &[key("customers"), Seg::Index(max)],
                format!(
                    "the file lists {} customers, more than a scenario may have ({max}, the \
                     customer limit)",
                    raw.customers.len()
                ),
            ));
        }
        let mut customers = Vec::with_capacity(raw.customers.len());
        for (i, c) in raw.customers.iter().enumerate() {
            customers.push(self.customer(i, c, &tiers)?);
        }

        let mut generate_at = None;
        if let Some(g) = &raw.generate {
            generate_at = Some(g.count.span());
            let listed = customers.len() as u64;
            let count = *g.count.get_ref();
            if count <= MAX_GENERATED && listed + count > MAX_GENERATED {
                return Err(self.at(
                    g.count.span(),
                    &[key("generate"), key("count")],
                    format!(
                        "{listed} listed and {count} generated customers are more than a \
                         scenario may have ({max}, the customer limit)"
                    ),
                ));
            }
            customers.extend(self.generate(g, seed, &tiers)?);
        }
        let organization = self.organization(raw.organization.as_ref())?;
        let existing = self.existing(
            raw.organization.as_ref().and_then(|o| o.existing.as_ref()),
            &tiers,
            &customers,
            organization.existing_accounts,
            organization.account_quota,
        )?;
        for (i, c) in raw.customers.iter().enumerate() {
            if let Some(r) = &c.get_ref().region {
                if !organization.regions.contains(r.get_ref()) {
                    return Err(self.at(
                        r.span(),
                        &[key("customers"), Seg::Index(i), key("region")],
                        format!(
                            "unknown region `{}`; [organization] regions are {}",
                            r.get_ref(),
                            organization.regions.join(", ")
                        ),
                    ));
                }
            }
        }

        let deploy_overrides = raw.deploy.unwrap_or_default();
        let deploy = DeployConfig::resolve(
            deploy_overrides.deployer.unwrap_or_default(),
            &deploy_overrides,
        );
        let service = raw.service.unwrap_or_default();
        for checked in [deploy.check(), service.check()] {
            if let Err(e) = checked {
                let path = split_path(e.field.as_deref().unwrap_or_default());
                return Err(self.at_path(&path, e.message));
            }
        }

        let max_lines = crate::config::limits::MAX_COST_LINES;
        if raw.costs.len() > max_lines {
            return Err(self.at_path(
                &[key("costs"), Seg::Index(max_lines)],
                format!(
                    "the file has {} [[costs]] lines, more than a scenario may have \
                     ({max_lines}, the cost line limit)",
                    raw.costs.len()
                ),
            ));
        }
        let mut costs = Vec::with_capacity(raw.costs.len());
        for (i, c) in raw.costs.iter().enumerate() {
            let n = c.name.get_ref().trim();
            if n.is_empty() {
                return Err(self.at(
                    c.name.span(),
                    &[key("costs"), Seg::Index(i), key("name")],
                    "a cost line's name must not be empty",
                ));
            }
            costs.push(CostLine {
                name: n.to_string(),
                kind: self.cost_kind(i, c, &tiers)?,
            });
        }

        let expect = self.expect(raw.expect.as_ref())?;
        let max_phases = crate::config::limits::MAX_PHASES;
        if raw.phases.len() > max_phases {
            return Err(self.at_path(
                &[key("phases"), Seg::Index(max_phases)],
                format!(
                    "the file has {} [[phases]], more than a scenario may have ({max_phases}, \
                     the phase limit)",
                    raw.phases.len()
                ),
            ));
        }
        let phases = self.phases(&raw.phases)?;
        let load = self.load_settings(raw.load.as_ref())?;
        let operations = match &raw.operations {
            None => None,
            Some(o) => {
                let tier_keys: Vec<&str> = tiers.keys().map(String::as_str).collect();
                Some(self.operations(o, &tier_keys)?)
            }
        };
        // The people `[operations]` staffs are monthly costs too: they flow into the
        // financials (only for scenarios that have the table).
        if let Some(o) = &operations {
            for (name, people, each) in [
                (
                    OPERATIONS_SUPPORT_LINE,
                    o.support.staff,
                    o.support.monthly_cost_per_person_cents,
                ),
                (
                    OPERATIONS_ONBOARDING_LINE,
                    o.onboarding.engineers,
                    o.onboarding.monthly_cost_per_person_cents,
                ),
            ] {
                let Some(monthly_cents) = (people as i64).checked_mul(each) else {
                    let table = if name == OPERATIONS_SUPPORT_LINE {
                        "support"
                    } else {
                        "onboarding"
                    };
                    return Err(self.at_path(
                        &[
                            key("operations"),
                            key(table),
                            key("monthly_cost_per_person"),
                        ],
                        format!(
                            "{people} people at this monthly cost exceed \
                             $92,233,720,368,547,758.07, the most orgsim holds in integer cents"
                        ),
                    ));
                };
                costs.push(CostLine {
                    name: name.into(),
                    kind: crate::scenario::CostKind::Fixed { monthly_cents },
                });
            }
        }

        if customers.is_empty() && !self.customers_optional {
            let msg = "the scenario has no customers: list some under [[customers]] or \
                       generate some with [generate] count > 0";
            return Err(match generate_at {
                Some(span) => self.at(span, &[key("generate"), key("count")], msg),
                None => self.err_file(Some("customers".into()), msg.into()),
            });
        }

        let sc = Scenario {
            name,
            description: raw.description,
            seed,
            source: self.source.to_path_buf(),
            customers,
            tiers,
            organization,
            deploy,
            deploy_overrides,
            service,
            costs,
            expect,
            phases,
            load,
            operations,
            existing,
        };
        // Money that does not fit in cents is refused here, at the field it comes from, for the
        // largest month a run of this file computes (its margin curves reach 100 customers).
        if let Err(e) = sc.check_money(sc.customers.len().max(100)) {
            return Err(self.money_error(raw_costs_len, &listed_monthly, &sc, &e));
        }
        Ok(sc)
    }

    /// A [`MoneyOverflow`] at the field it comes from: the customer's `monthly` (or its tier's
    /// price), `[generate] count`, or the cost line's amount.
    fn money_error(
        &self,
        raw_costs: usize,
        listed_monthly: &[bool],
        sc: &Scenario,
        e: &MoneyOverflow,
    ) -> ScenarioError {
        let msg = e.to_string();
        match *e {
            MoneyOverflow::Revenue { customer, .. } => {
                let c = &sc.customers[customer];
                if c.generated {
                    self.at_path(&[key("generate"), key("count")], msg)
                } else if listed_monthly.get(customer).copied().unwrap_or(false) {
                    self.at_path(
                        &[key("customers"), Seg::Index(customer), key("monthly")],
                        msg,
                    )
                } else {
                    self.at_path(
                        &[key("tiers"), key(&c.tier), key("monthly_price")],
                        format!(
                            "{msg} (customers[{customer}] pays tier `{}`'s price)",
                            c.tier
                        ),
                    )
                }
            }
            MoneyOverflow::Line { line, .. } | MoneyOverflow::Costs { line, .. } => {
                if line < raw_costs {
                    self.at_path(
                        &[
                            key("costs"),
                            Seg::Index(line),
                            key(sc.costs[line].kind.key()),
                        ],
                        msg,
                    )
                } else {
                    self.at_path(&[key("operations")], msg)
                }
            }
        }
    }
}

impl ScenarioError {
    fn with_field(mut self, field: String) -> Self {
        self.field = Some(field);
        self
    }
}

#[cfg(test)]
mod tests;
