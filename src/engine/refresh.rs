//! The refresh of an organization that exists (`[organization.existing]`, the plan's state):
//! before anything is planned, the data source's reads (ListAccounts, paged over the whole
//! organization, and ListRoots; under `terraform-aws` also DescribeOrganization before them and
//! ListAWSServiceAccessForOrganization after, as at every plan) and the reads of every resource in state,
//! at the deployer's parallelism, through the same retry layers. A read given up fails the
//! whole apply before anything is created ("Planning failed"). What each profile reads:
//! `docs/model.md`, "The refresh".

use crate::config::Deployer;
use crate::org::types::{Operation, Request};
use crate::plan::InState;

use super::machine::Engine;
use super::machine::{Active, Step, Who};
use super::trace::{Failure, RefreshTally};

impl Engine {
    /// True when this apply has a refresh phase: the organization exists (the plan has a
    /// state) and the deployer reads it (Terraform's refresh, a script's inventory; the
    /// account factory enrols accounts one by one and reads nothing org-wide).
    pub(super) fn refreshes(&self) -> bool {
        !self.plan.state.is_empty() && self.cfg.deployer != Deployer::ControlTower
    }

    /// True when `who`'s call belongs to the refresh phase (the setup's, when refreshing).
    pub(super) fn in_refresh(&self, who: Who) -> bool {
        match who {
            Who::Refresh(_) => true,
            Who::Setup => self.trace.refresh.is_some() && self.trace.refresh_done_ms().is_none(),
            Who::Resource(_) => false,
        }
    }

    /// The refresh's part of [`Engine::restart`].
    pub(super) fn restart_refresh(&mut self) {
        let n = self.plan.state.resources.len();
        self.refresh_active.clear();
        self.refresh_active.resize(n, None);
        self.refresh_next = 0;
        self.refresh_left = n;
        self.refresh_in_flight = 0;
        self.setup_call = 0;
        self.trace.refresh = self.refreshes().then(RefreshTally::default);
    }

    /// The setup's reads, in order: with `data_source_reads`, what Terraform's
    /// `data "aws_organizations_organization"` reads at every plan (its `Read`:
    /// DescribeOrganization, ListAccounts paged over the whole organization, ListRoots,
    /// ListAWSServiceAccessForOrganization); else ListAccounts then ListRoots when the
    /// organization exists and the deployer refreshes; else ListRoots alone.
    pub(super) fn setup_reads(&self) -> &'static [Operation] {
        const DATA_SOURCE: [Operation; 4] = [
            Operation::DescribeOrganization,
            Operation::ListAccounts,
            Operation::ListRoots,
            Operation::ListAWSServiceAccessForOrganization,
        ];
        if self.cfg.data_source_reads {
            &DATA_SOURCE
        } else if self.refreshes() {
            &DATA_SOURCE[1..3]
        } else {
            &DATA_SOURCE[2..3]
        }
    }

    /// The setup's current request ([`Engine::setup_reads`]).
    pub(super) fn setup_request(&self) -> Request {
        let reads = self.setup_reads();
        match reads[self.setup_call.min(reads.len() - 1)] {
            Operation::DescribeOrganization => Request::DescribeOrganization,
            Operation::ListAccounts => Request::ListAccounts,
            Operation::ListAWSServiceAccessForOrganization => {
                Request::ListAWSServiceAccessForOrganization
            }
            _ => Request::ListRoots,
        }
    }

    /// How many reads resource `k` of the state takes under this profile: Terraform's refresh
    /// per type (`../shared/reference/terraform-observed.md`), a script's inventory of the
    /// accounts (DescribeAccount, ListParents: botocove, ADF).
    fn reads_of_state(&self, k: usize) -> usize {
        let terraform = self.cfg.deployer == Deployer::TerraformAws;
        match (&self.plan.state.resources[k], terraform) {
            (InState::Ou { .. }, true) => 4,
            (InState::Policy { .. }, true) => 2,
            (InState::Attachment { .. }, true) => 1,
            (InState::Account { .. }, true) => 3,
            (InState::Account { .. }, false) => 2,
            (_, false) => 0,
        }
    }

    /// The current read of resource `k` of the state.
    pub(super) fn refresh_request(&self, k: usize) -> Option<Request> {
        let read = match self.refresh_active.get(k)?.as_ref()?.step {
            Step::Read { k: read, .. } => read,
            _ => return None,
        };
        let terraform = self.cfg.deployer == Deployer::TerraformAws;
        Some(match (&self.plan.state.resources[k], read) {
            (InState::Ou { id, .. }, 0) => Request::DescribeOrganizationalUnit {
                organizational_unit_id: id.clone(),
            },
            (InState::Ou { id, .. }, 1) => Request::ListParents {
                child_id: id.clone(),
            },
            (InState::Ou { id, .. }, 2) => Request::ListAccountsForParent {
                parent_id: id.clone(),
            },
            (InState::Ou { id, .. }, 3) => Request::ListTagsForResource {
                resource_id: id.clone(),
            },
            (InState::Policy { id, .. }, 0) => Request::DescribePolicy {
                policy_id: id.clone(),
            },
            (InState::Policy { id, .. }, 1) => Request::ListTagsForResource {
                resource_id: id.clone(),
            },
            (InState::Attachment { policy_id, .. }, 0) => Request::ListTargetsForPolicy {
                policy_id: policy_id.clone(),
            },
            (InState::Account { id, .. }, 0) => Request::DescribeAccount {
                account_id: id.clone(),
            },
            (InState::Account { id, .. }, 1) => Request::ListParents {
                child_id: id.clone(),
            },
            (InState::Account { id, .. }, 2) if terraform => Request::ListTagsForResource {
                resource_id: id.clone(),
            },
            _ => return None,
        })
    }

    /// Starts refreshes while slots are free (`parallelism`, as Terraform's walk); when none
    /// is left, the refresh ends and the plan's roots are ready.
    pub(super) fn pump_refresh(&mut self, now_ms: u64) {
        while self.refresh_in_flight < self.cfg.parallelism as usize
            && self.refresh_next < self.refresh_active.len()
        {
            let k = self.refresh_next;
            self.refresh_next += 1;
            if self.reads_of_state(k) == 0 {
                self.refresh_left -= 1;
                continue;
            }
            self.refresh_active[k] = Some(Active::new(
                Step::Read {
                    id: Default::default(),
                    k: 0,
                },
                now_ms,
                false,
            ));
            self.refresh_in_flight += 1;
            self.issue(now_ms, Who::Refresh(k as u32));
        }
        if self.refresh_left == 0 && self.refresh_in_flight == 0 {
            if let Some(r) = self.trace.refresh.as_mut() {
                if r.end_ms == 0 {
                    r.end_ms = now_ms.max(1);
                    self.ready_roots(now_ms);
                }
            }
        }
    }

    /// Read `k`'s call succeeded: its next read, or its end.
    pub(super) fn refreshed(&mut self, now_ms: u64, k: usize) {
        let next = {
            let Some(a) = self.refresh_active[k].as_mut() else {
                return;
            };
            let Step::Read { k: read, .. } = &mut a.step else {
                return;
            };
            *read += 1;
            let read = *read;
            a.attempt = 1;
            a.provider_try = 1;
            a.step_started_ms = now_ms;
            read < self.reads_of_state(k)
        };
        if next {
            self.issue(now_ms, Who::Refresh(k as u32));
            return;
        }
        self.refresh_active[k] = None;
        self.refresh_in_flight -= 1;
        self.refresh_left -= 1;
        self.pump_refresh(now_ms);
    }

    /// A read of the refresh (or the data source) was given up: "Planning failed", every
    /// resource fails with it and nothing is created; the other reads are abandoned.
    pub(super) fn planning_failed(
        &mut self,
        now_ms: u64,
        code: crate::org::types::ErrorCode,
        message: &str,
    ) {
        for a in &mut self.refresh_active {
            *a = None;
        }
        self.refresh_in_flight = 0;
        self.refresh_next = self.refresh_active.len();
        if let Some(r) = self.trace.refresh.as_mut() {
            r.failures += 1;
            r.end_ms = now_ms.max(1);
        }
        let message = format!("Planning failed: {message}");
        self.fail_all(now_ms, Failure::Planning(code), &message);
    }
}
