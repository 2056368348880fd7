//! Each operation's own validation and effect (step 7 of the order of processing), applied at
//! the request's time.

use std::collections::BTreeSet;

use rand::Rng;

use super::ids::{org_arn, Padded};
use super::shared::{
    cv, err, secs_to_ms, DAY_MS, FULL_ACCESS_AT, MSG_INVALID_INPUT, MSG_IN_PROGRESS, OU_ID_PREFIX,
};
use super::state::{Creation, Entity, LockKey, OrgModel, OuRec, PolicyRec};
use super::validate::{email_is_valid, has_statement, lower_email, lower_shared};
use crate::org::types::{
    ApiResult, Child, ChildType, ConstraintViolationReason as Cv, CreateAccountFailureReason,
    CreateAccountState, ErrorCode, Parent, ParentType, PolicySummary, Request, Response, SharedStr,
    Tags,
};

/// The lock key a request takes (an id, or the policy list) and the one it only checks.
pub(super) fn lock_keys(req: &Request) -> (Option<LockOn<'_>>, Option<LockOn<'_>>) {
    use LockOn::{Id, Policies};
    match req {
        Request::CreateOrganizationalUnit { parent_id, .. } => (Some(Id(parent_id)), None),
        Request::CreatePolicy { .. } => (Some(Policies), None),
        Request::AttachPolicy { target_id, .. } | Request::DetachPolicy { target_id, .. } => {
            (Some(Id(target_id)), Some(Policies))
        }
        Request::MoveAccount { account_id, .. } => (Some(Id(account_id)), None),
        Request::UpdateOrganizationalUnit {
            organizational_unit_id,
            ..
        } => (Some(Id(organizational_unit_id)), None),
        Request::UpdatePolicy { policy_id, .. } => (Some(Id(policy_id)), Some(Policies)),
        Request::DeleteOrganizationalUnit {
            organizational_unit_id,
        } => (Some(Id(organizational_unit_id)), None),
        Request::DeletePolicy { policy_id } => (Some(Id(policy_id)), Some(Policies)),
        Request::EnablePolicyType { root_id, .. } => (Some(Id(root_id)), None),
        Request::RemoveAccountFromOrganization { account_id }
        | Request::CloseAccount { account_id } => (Some(Id(account_id)), None),
        Request::TagResource { resource_id, .. } | Request::UntagResource { resource_id, .. } => {
            (Some(Id(resource_id)), None)
        }
        _ => (None, None),
    }
}

/// A lock key as a request names it.
#[derive(Debug, Clone, Copy)]
pub(super) enum LockOn<'a> {
    Policies,
    Id(&'a str),
}

impl OrgModel {
    pub(super) fn apply<R: Rng>(&mut self, now: u64, req: &Request, rng: &mut R) -> ApiResult {
        match req {
            Request::ListRoots => Ok(Response::Roots(vec![self.root.clone()])),
            Request::CreateOrganizationalUnit { parent_id, name, tags } => {
                self.create_ou(parent_id, name, tags)
            }
            Request::CreatePolicy { name, content, tags, .. } => {
                self.create_policy(name, content, tags)
            }
            Request::AttachPolicy { policy_id, target_id } => self.attach_policy(policy_id, target_id),
            Request::DetachPolicy { policy_id, target_id } => self.detach_policy(policy_id, target_id),
            Request::CreateAccount { email, account_name, tags } => {
                self.create_account(now, email, account_name, tags, rng)
            }
            Request::DescribeCreateAccountStatus { create_account_request_id } => {
                match self.creation_index.get(create_account_request_id) {
                    Some(i) => Ok(Response::CreateAccountStatus(self.creations[i].status())),
                    None => err(
                        ErrorCode::CreateAccountStatusNotFoundException,
                        "We can't find a create account request with the CreateAccountRequestId that you specified.",
                    ),
                }
            }
            Request::MoveAccount { account_id, source_parent_id, destination_parent_id } => {
                self.move_account(account_id, source_parent_id, destination_parent_id)
            }
            Request::TagResource { resource_id, tags } => self.tag_resource(resource_id, tags),
            Request::UntagResource { resource_id, tag_keys } => {
                let Some(t) = self.tags_mut(resource_id) else {
                    return Self::target_not_found();
                };
                for k in tag_keys {
                    t.make_mut().remove(k);
                }
                Ok(Response::Empty)
            }
            Request::ListParents { child_id } => {
                let parent = match self.entity(child_id) {
                    Some(Entity::Account(i)) => self.accounts[i].parent_id.clone(),
                    Some(Entity::Ou(i)) => self.ous[i].parent_id.clone(),
                    _ => {
                        return err(
                            ErrorCode::Other("ChildNotFoundException".into()),
                            "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
                        )
                    }
                };
                let kind =
                    if parent == self.root.id { ParentType::Root } else { ParentType::OrganizationalUnit };
                Ok(Response::Parents(vec![Parent { id: parent, kind }]))
            }
            Request::ListAccountsForParent { parent_id } => {
                if !self.is_parent(parent_id) {
                    return Self::parent_not_found();
                }
                Ok(Response::Accounts(
                    self.accounts.iter().filter(|a| &a.parent_id == parent_id).map(|a| a.api(&self.active)).collect(),
                ))
            }
            Request::ListOrganizationalUnitsForParent { parent_id } => {
                if !self.is_parent(parent_id) {
                    return Self::parent_not_found();
                }
                Ok(Response::OrganizationalUnits(
                    self.ous.iter().filter(|o| &o.parent_id == parent_id).map(OuRec::api).collect(),
                ))
            }
            Request::ListAccounts => {
                Ok(Response::Accounts(self.accounts.iter().map(|a| a.api(&self.active)).collect()))
            }
            Request::ListPolicies => {
                Ok(Response::Policies(self.policies.iter().map(|p| p.summary.clone()).collect()))
            }
            Request::ListPoliciesForTarget { target_id } => {
                let Some(target) = self.attach_target(target_id) else {
                    return Self::target_not_found();
                };
                let attached: BTreeSet<usize> = self.attached_to(target).map(|a| a.policy).collect();
                Ok(Response::Policies(
                    attached.into_iter().map(|i| self.policies[i].summary.clone()).collect(),
                ))
            }
            Request::ListTagsForResource { resource_id } => match self.tags_mut(resource_id) {
                Some(t) => Ok(Response::Tags(t.clone())),
                None => Self::target_not_found(),
            },
            Request::DescribeAccount { account_id } => match self.account_index.get(account_id) {
                Some(i) => Ok(Response::Account(self.accounts[i].api(&self.active))),
                None => Self::account_not_found(),
            },
            Request::DescribeOrganizationalUnit { organizational_unit_id } => {
                match self.ou_index.get(organizational_unit_id) {
                    Some(i) => Ok(Response::OrganizationalUnit(self.ous[i].api())),
                    None => err(
                        ErrorCode::OrganizationalUnitNotFoundException,
                        "We can't find an OU with the OrganizationalUnitId that you specified.",
                    ),
                }
            }
            Request::DescribePolicy { policy_id } => match self.policy_index.get(policy_id) {
                Some(i) => Ok(Response::PolicyDocument {
                    summary: self.policies[i].summary.clone(),
                    content: self.policies[i].content.clone(),
                }),
                None => Self::policy_not_found(),
            },
            Request::UpdateOrganizationalUnit { organizational_unit_id, name } => {
                self.update_ou(organizational_unit_id, name.as_ref())
            }
            Request::UpdatePolicy { policy_id, name, content } => {
                self.update_policy(policy_id, name.as_ref(), content.as_ref())
            }
            Request::DeleteOrganizationalUnit { organizational_unit_id } => {
                self.delete_ou(organizational_unit_id)
            }
            Request::DeletePolicy { policy_id } => self.delete_policy(policy_id),
            Request::ListChildren { parent_id, child_type } => {
                if !self.is_parent(parent_id) {
                    return Self::parent_not_found();
                }
                let children = match child_type {
                    ChildType::Account => self
                        .accounts
                        .iter()
                        .filter(|a| &a.parent_id == parent_id)
                        .map(|a| Child { id: a.id.clone(), kind: ChildType::Account })
                        .collect(),
                    ChildType::OrganizationalUnit => self
                        .ous
                        .iter()
                        .filter(|o| &o.parent_id == parent_id)
                        .map(|o| Child { id: o.id.clone(), kind: ChildType::OrganizationalUnit })
                        .collect(),
                };
                Ok(Response::Children(children))
            }
            Request::EnablePolicyType { root_id, policy_type } => {
                if *root_id != self.root.id {
                    return err(
                        ErrorCode::Other("RootNotFoundException".into()),
                        "We can't find a root with the RootId that you specified.",
                    );
                }
                if policy_type.as_str() == "SERVICE_CONTROL_POLICY" {
                    return err(
                        ErrorCode::Other("PolicyTypeAlreadyEnabledException".into()),
                        "The specified policy type is already enabled.",
                    );
                }
                err(
                    ErrorCode::Other("PolicyTypeNotAvailableForOrganizationException".into()),
                    "You can't use the specified policy type with the feature set currently enabled for this organization.",
                )
            }
            Request::RemoveAccountFromOrganization { account_id } => self.remove_account(account_id),
            Request::CloseAccount { account_id } => {
                let Some(i) = self.account_index.get(account_id) else {
                    return Self::account_not_found();
                };
                if self.accounts[i].id.as_str() == self.management_account_id {
                    return err(
                        ErrorCode::AccessDeniedException,
                        "You can't close the management account with CloseAccount.",
                    );
                }
                if self.accounts[i].closed {
                    return err(
                        ErrorCode::Other("AccountAlreadyClosedException".into()),
                        "You attempted to close an account that is already closed.",
                    );
                }
                self.accounts[i].closed = true;
                Ok(Response::Empty)
            }
            Request::ListCreateAccountStatus => Ok(Response::CreateAccountStatuses(
                self.creations
                    .iter()
                    .filter(|c| c.state != CreateAccountState::Failed)
                    .map(Creation::status)
                    .collect(),
            )),
            Request::ListTargetsForPolicy { policy_id } => {
                let Some(i) = self.policy_index.get(policy_id) else {
                    return Self::policy_not_found();
                };
                Ok(Response::PolicyTargets(
                    self.attachments
                        .iter()
                        .filter(|a| a.policy == i)
                        .filter_map(|a| self.policy_target(a.target))
                        .collect(),
                ))
            }
        }
    }

    pub(super) fn create_ou(
        &mut self,
        parent_id: &SharedStr,
        name: &SharedStr,
        tags: &Tags,
    ) -> ApiResult {
        let parent_depth = match self.entity(parent_id) {
            Some(Entity::Root) => 0,
            Some(Entity::Ou(i)) => self.ous[i].depth,
            _ => return Self::parent_not_found(),
        };
        let n = name.chars().count();
        if n == 0 || n > 128 {
            return err(ErrorCode::InvalidInputException, MSG_INVALID_INPUT);
        }
        if self
            .ous
            .iter()
            .any(|o| &o.parent_id == parent_id && &o.name == name)
        {
            return err(
                ErrorCode::DuplicateOrganizationalUnitException,
                "An OU with the same name already exists.",
            );
        }
        if parent_depth + 1 > self.params.max_ou_depth {
            return cv(Cv::OuDepthLimitExceeded);
        }
        if self.ous.len() >= self.params.max_ous as usize {
            return cv(Cv::OuNumberLimitExceeded);
        }
        if tags.len() > self.params.max_tags_per_resource as usize {
            return cv(Cv::MaxTagLimitExceeded);
        }
        let id = SharedStr::concat(&[OU_ID_PREFIX, Padded::new(self.next_ou, 8).as_str()]);
        self.next_ou += 1;
        let ou = OuRec {
            arn: org_arn(&self.management_account_id, "ou", &id),
            id: id.clone(),
            name: name.clone(),
            parent_id: parent_id.clone(),
            tags: tags.clone(),
            depth: parent_depth + 1,
        };
        let out = ou.api();
        let at = self.ous.len();
        self.ou_index.insert(id.clone(), at);
        self.ous.push(ou);
        self.attach(FULL_ACCESS_AT, Entity::Ou(at));
        Ok(Response::OrganizationalUnit(out))
    }

    pub(super) fn create_policy(
        &mut self,
        name: &SharedStr,
        content: &SharedStr,
        tags: &Tags,
    ) -> ApiResult {
        let n = name.chars().count();
        if n == 0 || n > 128 {
            return err(ErrorCode::InvalidInputException, MSG_INVALID_INPUT);
        }
        if self.policies.iter().any(|p| &p.summary.name == name) {
            return err(
                ErrorCode::DuplicatePolicyException,
                "A policy with the same name already exists.",
            );
        }
        if content.chars().count() > self.params.max_policy_size as usize {
            return cv(Cv::PolicyContentLimitExceeded);
        }
        let well_formed = has_statement(content);
        if !well_formed {
            return err(
                ErrorCode::MalformedPolicyDocumentException,
                "The provided policy document doesn't meet the requirements of the specified policy type.",
            );
        }
        let customer = self
            .policies
            .iter()
            .filter(|p| !p.summary.aws_managed)
            .count();
        if customer >= self.params.max_policies as usize {
            return cv(Cv::PolicyNumberLimitExceeded);
        }
        if tags.len() > self.params.max_tags_per_resource as usize {
            return cv(Cv::MaxTagLimitExceeded);
        }
        let id = SharedStr::concat(&["p-", Padded::new(self.next_policy, 8).as_str()]);
        self.next_policy += 1;
        let summary = PolicySummary {
            arn: org_arn(
                &self.management_account_id,
                "policy",
                &["service_control_policy/", &id].concat(),
            ),
            id,
            name: name.clone(),
            aws_managed: false,
        };
        self.push_policy(PolicyRec {
            summary: summary.clone(),
            content: content.clone(),
            tags: tags.clone(),
        });
        Ok(Response::Policy(summary))
    }

    pub(super) fn attach_policy(
        &mut self,
        policy_id: &SharedStr,
        target_id: &SharedStr,
    ) -> ApiResult {
        let Some(policy) = self.policy_index.get(policy_id) else {
            return Self::policy_not_found();
        };
        let Some(target) = self.attach_target(target_id) else {
            return Self::target_not_found();
        };
        if self.attached_to(target).any(|a| a.policy == policy) {
            return err(
                ErrorCode::DuplicatePolicyAttachmentException,
                "The selected policy is already attached to the specified target.",
            );
        }
        if self.attached_to(target).count() >= self.params.max_policies_per_target as usize {
            return cv(Cv::MaxPolicyTypeAttachmentLimitExceeded);
        }
        self.attach(policy, target);
        Ok(Response::Empty)
    }

    /// UpdateOrganizationalUnit: a new name, unique among its siblings (none: unchanged).
    pub(super) fn update_ou(&mut self, ou_id: &SharedStr, name: Option<&SharedStr>) -> ApiResult {
        let Some(i) = self.ou_index.get(ou_id) else {
            return err(
                ErrorCode::OrganizationalUnitNotFoundException,
                "We can't find an OU with the OrganizationalUnitId that you specified.",
            );
        };
        if let Some(name) = name {
            let n = name.chars().count();
            if n == 0 || n > 128 {
                return err(ErrorCode::InvalidInputException, MSG_INVALID_INPUT);
            }
            let parent = &self.ous[i].parent_id;
            if self
                .ous
                .iter()
                .enumerate()
                .any(|(j, o)| j != i && &o.parent_id == parent && &o.name == name)
            {
                return err(
                    ErrorCode::DuplicateOrganizationalUnitException,
                    "An OU with the same name already exists.",
                );
            }
            self.ous[i].name = name.clone();
        }
        Ok(Response::OrganizationalUnit(self.ous[i].api()))
    }

    /// UpdatePolicy: a new name (unique) or document (within the size limit, with a
    /// statement); an AWS-managed policy cannot be changed.
    pub(super) fn update_policy(
        &mut self,
        policy_id: &SharedStr,
        name: Option<&SharedStr>,
        content: Option<&SharedStr>,
    ) -> ApiResult {
        let Some(i) = self.policy_index.get(policy_id) else {
            return Self::policy_not_found();
        };
        if self.policies[i].summary.aws_managed {
            return err(
                ErrorCode::AccessDeniedException,
                "You don't have permissions to modify an AWS managed policy.",
            );
        }
        if let Some(name) = name {
            let n = name.chars().count();
            if n == 0 || n > 128 {
                return err(ErrorCode::InvalidInputException, MSG_INVALID_INPUT);
            }
            if self
                .policies
                .iter()
                .enumerate()
                .any(|(j, p)| j != i && &p.summary.name == name)
            {
                return err(
                    ErrorCode::DuplicatePolicyException,
                    "A policy with the same name already exists.",
                );
            }
        }
        if let Some(content) = content {
            if content.chars().count() > self.params.max_policy_size as usize {
                return cv(Cv::PolicyContentLimitExceeded);
            }
            if !has_statement(content) {
                return err(
                    ErrorCode::MalformedPolicyDocumentException,
                    "The provided policy document doesn't meet the requirements of the specified policy type.",
                );
            }
        }
        let p = &mut self.policies[i];
        if let Some(name) = name {
            p.summary.name = name.clone();
        }
        if let Some(content) = content {
            p.content = content.clone();
        }
        Ok(Response::PolicyDocument {
            summary: p.summary.clone(),
            content: p.content.clone(),
        })
    }

    /// DeleteOrganizationalUnit: an empty OU (no accounts, no OUs in it) goes, with its
    /// attachments and tags.
    pub(super) fn delete_ou(&mut self, ou_id: &SharedStr) -> ApiResult {
        let Some(i) = self.ou_index.get(ou_id) else {
            return err(
                ErrorCode::OrganizationalUnitNotFoundException,
                "We can't find an OU with the OrganizationalUnitId that you specified.",
            );
        };
        let id = self.ous[i].id.clone();
        if self.accounts.iter().any(|a| a.parent_id == id)
            || self.ous.iter().any(|o| o.parent_id == id)
        {
            return err(
                ErrorCode::Other("OrganizationalUnitNotEmptyException".into()),
                "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try again.",
            );
        }
        self.ou_index.remove_at(&id, i);
        self.ous.remove(i);
        self.forget(Entity::Ou(i));
        Ok(Response::Empty)
    }

    /// RemoveAccountFromOrganization: a member account leaves, with its attachments and tags;
    /// its email stays taken (the account goes on outside the organization).
    pub(super) fn remove_account(&mut self, account_id: &SharedStr) -> ApiResult {
        let Some(i) = self.account_index.get(account_id) else {
            return Self::account_not_found();
        };
        let id = self.accounts[i].id.clone();
        if id.as_str() == self.management_account_id {
            return err(
                ErrorCode::Other("MasterCannotLeaveOrganizationException".into()),
                "You can't remove a management account from an organization. If you want the management account to become a member account in another organization, you must first delete the current organization of the management account.",
            );
        }
        self.account_index.remove_at(&id, i);
        self.accounts.remove(i);
        self.forget(Entity::Account(i));
        Ok(Response::Empty)
    }

    /// DeletePolicy: a customer-managed policy attached to nothing goes, with its tags.
    pub(super) fn delete_policy(&mut self, policy_id: &SharedStr) -> ApiResult {
        let Some(i) = self.policy_index.get(policy_id) else {
            return Self::policy_not_found();
        };
        if self.policies[i].summary.aws_managed {
            return err(
                ErrorCode::AccessDeniedException,
                "You don't have permissions to delete an AWS managed policy.",
            );
        }
        if self.attachments.iter().any(|a| a.policy == i) {
            return err(
                ErrorCode::Other("PolicyInUseException".into()),
                "The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.",
            );
        }
        let id = self.policies[i].summary.id.clone();
        self.policy_index.remove_at(&id, i);
        self.policies.remove(i);
        self.forget(Entity::Policy(i));
        Ok(Response::Empty)
    }

    /// After `gone` left its vector: the attachments naming it go, the later entities of its
    /// kind move down one (in attachments and concurrent-modification locks alike), and its
    /// lock goes. One renumbering for DeleteOrganizationalUnit, RemoveAccountFromOrganization
    /// and DeletePolicy.
    fn forget(&mut self, gone: Entity) {
        let after = |e: Entity| match (gone, e) {
            (Entity::Ou(i), Entity::Ou(j)) if j > i => Entity::Ou(j - 1),
            (Entity::Account(i), Entity::Account(j)) if j > i => Entity::Account(j - 1),
            (Entity::Policy(i), Entity::Policy(j)) if j > i => Entity::Policy(j - 1),
            _ => e,
        };
        let gone_policy = match gone {
            Entity::Policy(i) => Some(i),
            _ => None,
        };
        self.attachments
            .retain(|a| a.target != gone && Some(a.policy) != gone_policy);
        for a in &mut self.attachments {
            a.target = after(a.target);
            if let Some(i) = gone_policy {
                if a.policy > i {
                    a.policy -= 1;
                }
            }
        }
        self.locks = std::mem::take(&mut self.locks)
            .into_iter()
            .filter(|(k, _)| *k != LockKey::Entity(gone))
            .map(|(k, w)| match k {
                LockKey::Entity(e) => (LockKey::Entity(after(e)), w),
                k => (k, w),
            })
            .collect();
    }

    pub(super) fn detach_policy(
        &mut self,
        policy_id: &SharedStr,
        target_id: &SharedStr,
    ) -> ApiResult {
        let Some(policy) = self.policy_index.get(policy_id) else {
            return Self::policy_not_found();
        };
        let Some(target) = self.attach_target(target_id) else {
            return Self::target_not_found();
        };
        let Some(pos) = self
            .attachments
            .iter()
            .position(|a| a.target == target && a.policy == policy)
        else {
            return err(
                ErrorCode::PolicyNotAttachedException,
                "The policy isn't attached to the specified target in the specified root.",
            );
        };
        if self.attached_to(target).count() <= 1 {
            return cv(Cv::MinPolicyTypeAttachmentLimitExceeded);
        }
        self.attachments.remove(pos);
        Ok(Response::Empty)
    }

    pub(super) fn create_account<R: Rng>(
        &mut self,
        now: u64,
        email: &SharedStr,
        name: &SharedStr,
        tags: &Tags,
        rng: &mut R,
    ) -> ApiResult {
        if self.pending.len() >= self.params.create_account_concurrency as usize {
            return err(ErrorCode::TooManyRequestsException, MSG_IN_PROGRESS);
        }
        let per_day = self.params.account_creations_per_day as usize;
        if per_day > 0 {
            let recent = self
                .accepted_at
                .iter()
                .filter(|&&t| t <= now && now - t < DAY_MS)
                .count();
            if recent >= per_day {
                return cv(Cv::AccountCreationRateLimitExceeded);
            }
        }
        if tags.len() > self.params.max_tags_per_resource as usize {
            return cv(Cv::MaxTagLimitExceeded);
        }
        let lower = lower_email(email);
        let failure = if !email_is_valid(email) {
            Some(CreateAccountFailureReason::InvalidEmail)
        } else if self.emails.contains(&*lower) {
            Some(CreateAccountFailureReason::EmailAlreadyExists)
        } else if self.accounts.len() + self.pending_successes() >= self.account_quota as usize {
            Some(CreateAccountFailureReason::AccountLimitExceeded)
        } else {
            None
        };
        let duration_ms = match failure {
            Some(_) => secs_to_ms(self.params.account_creation.min_s),
            None => self.draw_creation_ms(rng),
        };
        if failure.is_none() {
            self.emails.insert(lower_shared(email, lower));
        }
        let id = self.ids.creation(self.next_car);
        self.next_car += 1;
        let c = Creation {
            id: id.clone(),
            name: name.clone(),
            email: email.clone(),
            tags: tags.clone(),
            failure,
            state: CreateAccountState::InProgress,
            account_id: None,
        };
        let status = c.status();
        let idx = self.creations.len();
        self.creations.push(c);
        self.creation_index.insert(id, idx);
        self.pending.insert((now.saturating_add(duration_ms), idx));
        self.accepted_at.push(now);
        Ok(Response::CreateAccountStatus(status))
    }

    pub(super) fn move_account(
        &mut self,
        account_id: &str,
        source: &str,
        destination: &SharedStr,
    ) -> ApiResult {
        let Some(i) = self.account_index.get(account_id) else {
            return Self::account_not_found();
        };
        if !self.is_parent(source) || self.accounts[i].parent_id != source {
            return err(
                ErrorCode::SourceParentNotFoundException,
                "We can't find a source root or OU with the ParentId that you specified.",
            );
        }
        if !self.is_parent(destination) {
            return err(
                ErrorCode::DestinationParentNotFoundException,
                "We can't find the destination container (a root or OU) with the ParentId that you specified.",
            );
        }
        if source == destination {
            return err(
                ErrorCode::DuplicateAccountException,
                "That account is already present in the specified destination.",
            );
        }
        self.accounts[i].parent_id = destination.clone();
        Ok(Response::Empty)
    }

    pub(super) fn tag_resource(&mut self, resource_id: &str, tags: &Tags) -> ApiResult {
        let max = self.params.max_tags_per_resource as usize;
        let Some(t) = self.tags_mut(resource_id) else {
            return Self::target_not_found();
        };
        let added = tags.keys().filter(|k| !t.contains_key(*k)).count();
        if t.len() + added > max {
            return cv(Cv::MaxTagLimitExceeded);
        }
        t.make_mut()
            .extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(Response::Empty)
    }
}
