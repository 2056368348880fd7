"""boto3 against `orgsim serve` (driven by tests/serve.rs): a client no one here wrote.

    python tests/serve_boto3.py http://127.0.0.1:PORT [onboard|limits]

Onboards the brief's two customers (tier OU, tier SCP attached to it, CreateAccount, polling
DescribeCreateAccountStatus, the account moved into its OU and tagged), calls every operation
`orgsim serve` serves, and checks every successful answer's body against botocore's own service
model (botocore/data/organizations/2016-11-28/service-2.json): each key a member of its shape,
each required member present, each value of its shape's type (timestamps as epoch seconds),
each enum value one of the shape's. Then: a burst of CreateAccount throttled with boto3's
TooManyRequestsException, a duplicate email failing with EMAIL_ALREADY_EXISTS, botocore's
paginator walking ListAccounts a page at a time, an unknown operation and a malformed body.

With `limits` (against tests/fixtures/serve-limits.toml) instead: five creations accepted at
once, a sixth refused while they are in progress (TooManyRequestsException, as AWS refuses it),
and one past the account quota failing with ACCOUNT_LIMIT_EXCEEDED.

Prints one JSON line with what it saw; exits non-zero (an AssertionError) on the first
mismatch.
"""

import json
import sys
import time
import urllib.error
import urllib.request

import boto3
from botocore.config import Config

URL = sys.argv[1]
# "onboard" (default; tests/fixtures/serve-fast.toml) or "limits" (tests/fixtures/serve-limits.toml).
MODE = sys.argv[2] if len(sys.argv) > 2 else "onboard"
KW = dict(
    endpoint_url=URL,
    region_name="us-east-1",
    aws_access_key_id="anything",
    aws_secret_access_key="anything",
)
# The deployer's client retries throttling as boto3 does by default (standard mode, more
# attempts); `raw` never retries, so that a throttle reaches the test.
org = boto3.client("organizations", config=Config(retries={"mode": "standard", "max_attempts": 12}), **KW)
raw = boto3.client("organizations", config=Config(retries={"total_max_attempts": 1}), **KW)

checked = set()
errors_seen = {}


def check(value, shape, path):
    t = shape.type_name
    if t == "structure":
        assert isinstance(value, dict), f"{path}: {value!r} is not an object ({shape.name})"
        for k, v in value.items():
            assert k in shape.members, f"{path}: {k} is not a member of {shape.name}"
            check(v, shape.members[k], f"{path}.{k}")
        for r in shape.required_members:
            assert r in value, f"{path}: required member {r} of {shape.name} missing"
    elif t == "list":
        assert isinstance(value, list), f"{path}: {value!r} is not a list"
        for i, v in enumerate(value):
            check(v, shape.member, f"{path}[{i}]")
    elif t == "map":
        assert isinstance(value, dict), f"{path}: not a map"
        for k, v in value.items():
            check(k, shape.key, f"{path}.key")
            check(v, shape.value, f"{path}.{k}")
    elif t == "string":
        assert isinstance(value, str), f"{path}: {value!r} is not a string"
        if shape.enum:
            assert value in shape.enum, f"{path}: {value!r} is not one of {shape.name}"
    elif t in ("integer", "long"):
        assert isinstance(value, int) and not isinstance(value, bool), f"{path}: not an integer"
    elif t == "boolean":
        assert isinstance(value, bool), f"{path}: not a boolean"
    elif t == "timestamp":
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (
            f"{path}: {value!r} is not epoch seconds"
        )
        assert value > 1e9, f"{path}: {value!r} is not a plausible epoch time"
    else:
        raise AssertionError(f"{path}: unchecked shape type {t}")


def hook(operation_model, response_dict, **_):
    status = response_dict["status_code"]
    body = response_dict.get("body") or b""
    data = json.loads(body) if body.strip() else {}
    name = operation_model.name
    if status == 200:
        shape = operation_model.output_shape
        if shape is None:
            assert data == {}, f"{name}: an operation without output answered {data!r}"
        else:
            check(data, shape, name)
        checked.add(name)
    else:
        assert "__type" in data and "Message" in data, f"{name}: error body {data!r}"
        code = data["__type"]
        errors_seen[code] = errors_seen.get(code, 0) + 1
        if code == "TooManyRequestsException":
            assert status == 400, f"throttling answered with HTTP {status}, not 400"


for c in (org, raw):
    c.meta.events.register("before-parse.organizations", hook)



def wait_created(request_id, client=org):
    """Polls until the creation is done; gives the first state seen and the final status."""
    first = None
    for _ in range(200):
        st = client.describe_create_account_status(CreateAccountRequestId=request_id)[
            "CreateAccountStatus"
        ]
        first = first or st["State"]
        if st["State"] != "IN_PROGRESS":
            return first, st
        time.sleep(0.25)
    raise AssertionError(f"{request_id} still IN_PROGRESS")


if MODE == "limits":
    # Five creations accepted at once (the bucket is wide here), all IN_PROGRESS.
    ids = [
        raw.create_account(Email=f"five{i}@example.com", AccountName=f"Five {i}")["CreateAccountStatus"]
        for i in range(5)
    ]
    assert all(st["State"] == "IN_PROGRESS" for st in ids), ids
    # A sixth while five are in progress: refused as AWS refuses it.
    try:
        raw.create_account(Email="six@example.com", AccountName="Six")
        raise AssertionError("a sixth creation was accepted while five were in progress")
    except raw.exceptions.TooManyRequestsException as e:
        in_progress_message = e.response["Error"]["Message"]
        assert "already in progress" in in_progress_message, in_progress_message
    for st in ids:
        _, done = wait_created(st["Id"])
        assert done["State"] == "SUCCEEDED", done
    # The quota (six, the management account included) is full: the next one fails.
    st = org.create_account(Email="seven@example.com", AccountName="Seven")["CreateAccountStatus"]
    _, over = wait_created(st["Id"])
    assert over["State"] == "FAILED" and over["FailureReason"] == "ACCOUNT_LIMIT_EXCEEDED", over
    assert len(org.list_accounts()["Accounts"]) == 6
    print(
        json.dumps(
            {"checked": sorted(checked), "in_progress_refused": in_progress_message, "quota": over["FailureReason"]},
            sort_keys=True,
        )
    )
    sys.exit(0)

# ---- the caller and the organization ----------------------------------------------------
sts = boto3.client("sts", **KW)
me = sts.get_caller_identity()
desc = org.describe_organization()["Organization"]
assert me["Account"] == desc["MasterAccountId"], (me, desc)
assert desc["FeatureSet"] == "ALL"
# Terraform's aws_organizations_organization data source asks for it at every plan.
assert org.list_aws_service_access_for_organization()["EnabledServicePrincipals"] == []
try:
    org.create_organization(FeatureSet="ALL")
    raise AssertionError("CreateOrganization succeeded in an organization")
except org.exceptions.AlreadyInOrganizationException:
    pass
roots = org.list_roots()["Roots"]
assert len(roots) == 1
root = roots[0]["Id"]
assert {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"} in roots[0]["PolicyTypes"]

SCP = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
    }
)
CUSTOMERS = [
    ("ACME Finance Inc", "Fintech", "john@acmefinance.com"),
    ("MediCorp Solutions Inc", "Healthcare", "compliance@medicorp.com"),
]


first_states = []
accounts = {}
for name, tier, email in CUSTOMERS:
    ou = org.create_organizational_unit(ParentId=root, Name=tier, Tags=[{"Key": "tier", "Value": tier}])[
        "OrganizationalUnit"
    ]
    pol = org.create_policy(
        Name=f"{tier.lower()}-scp",
        Description=f"{tier} guardrails",
        Type="SERVICE_CONTROL_POLICY",
        Content=SCP,
    )["Policy"]["PolicySummary"]
    org.attach_policy(PolicyId=pol["Id"], TargetId=ou["Id"])
    st = org.create_account(Email=email, AccountName=name, Tags=[{"Key": "customer", "Value": name}])[
        "CreateAccountStatus"
    ]
    first, done = wait_created(st["Id"])
    first_states.append(first)
    assert done["State"] == "SUCCEEDED", done
    acct = done["AccountId"]
    accounts[name] = acct
    org.move_account(AccountId=acct, SourceParentId=root, DestinationParentId=ou["Id"])
    org.tag_resource(ResourceId=acct, Tags=[{"Key": "tier", "Value": tier}])
    tags = {t["Key"]: t["Value"] for t in org.list_tags_for_resource(ResourceId=acct)["Tags"]}
    assert tags == {"customer": name, "tier": tier}, tags
    org.untag_resource(ResourceId=acct, TagKeys=["tier"])
    assert org.describe_account(AccountId=acct)["Account"]["Email"] == email
    assert org.describe_organizational_unit(OrganizationalUnitId=ou["Id"])["OrganizationalUnit"]["Name"] == tier
    assert org.describe_policy(PolicyId=pol["Id"])["Policy"]["Content"] == SCP
    assert org.list_parents(ChildId=acct)["Parents"] == [{"Id": ou["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert [a["Id"] for a in org.list_accounts_for_parent(ParentId=ou["Id"])["Accounts"]] == [acct]
    names = [p["Name"] for p in org.list_policies_for_target(TargetId=ou["Id"], Filter="SERVICE_CONTROL_POLICY")["Policies"]]
    assert f"{tier.lower()}-scp" in names, names
    targets = [t["TargetId"] for t in org.list_targets_for_policy(PolicyId=pol["Id"])["Targets"]]
    assert targets == [ou["Id"]], targets
    org.detach_policy(PolicyId=pol["Id"], TargetId=ou["Id"])
    org.attach_policy(PolicyId=pol["Id"], TargetId=ou["Id"])

# ---- the updates Terraform makes when a tier's OU or policy changes in place ----------------
for o in org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]:
    renamed = org.update_organizational_unit(OrganizationalUnitId=o["Id"], Name=o["Name"] + "-2")
    assert renamed["OrganizationalUnit"]["Name"] == o["Name"] + "-2", renamed
    org.update_organizational_unit(OrganizationalUnitId=o["Id"], Name=o["Name"])
pol = org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"][-1]
updated = org.update_policy(PolicyId=pol["Id"], Description="tightened")["Policy"]
assert updated["PolicySummary"]["Description"] == "tightened", updated
assert updated["Content"] == SCP, updated
try:
    org.update_policy(PolicyId="p-FullAWSAccess", Description="mine now")
    raise AssertionError("UpdatePolicy changed FullAWSAccess")
except org.exceptions.AccessDeniedException:
    pass

# ---- the deletes of a destroy: refused while in use, then done --------------------------------
spare = org.create_organizational_unit(ParentId=root, Name="Spare")["OrganizationalUnit"]
spare_pol = org.create_policy(Name="spare-scp", Description="", Type="SERVICE_CONTROL_POLICY", Content=SCP)[
    "Policy"
]["PolicySummary"]
org.attach_policy(PolicyId=spare_pol["Id"], TargetId=spare["Id"])
try:
    org.delete_policy(PolicyId=spare_pol["Id"])
    raise AssertionError("DeletePolicy deleted an attached policy")
except org.exceptions.PolicyInUseException:
    pass
inner = org.create_organizational_unit(ParentId=spare["Id"], Name="Inner")["OrganizationalUnit"]
try:
    org.delete_organizational_unit(OrganizationalUnitId=spare["Id"])
    raise AssertionError("DeleteOrganizationalUnit deleted a non-empty OU")
except org.exceptions.OrganizationalUnitNotEmptyException:
    pass
org.delete_organizational_unit(OrganizationalUnitId=inner["Id"])
org.detach_policy(PolicyId=spare_pol["Id"], TargetId=spare["Id"])
org.delete_policy(PolicyId=spare_pol["Id"])
org.delete_organizational_unit(OrganizationalUnitId=spare["Id"])

ous = org.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
assert sorted(o["Name"] for o in ous) == ["Fintech", "Healthcare"], ous
policies = [p["Name"] for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"]]
assert policies == ["FullAWSAccess", "fintech-scp", "healthcare-scp"], policies
statuses = org.list_create_account_status(States=["SUCCEEDED"])["CreateAccountStatuses"]
assert len(statuses) == 2, statuses

# ---- ListChildren, EnablePolicyType, and an account closed then removed (a destroy's) -------
kids = org.list_children(ParentId=root, ChildType="ORGANIZATIONAL_UNIT")["Children"]
assert sorted(k["Id"] for k in kids) == sorted(o["Id"] for o in ous), (kids, ous)
assert all(k["Type"] == "ORGANIZATIONAL_UNIT" for k in kids), kids
for o in ous:
    under = org.list_children(ParentId=o["Id"], ChildType="ACCOUNT")["Children"]
    direct = org.list_accounts_for_parent(ParentId=o["Id"])["Accounts"]
    assert [k["Id"] for k in under] == [a["Id"] for a in direct], (under, direct)
    assert all(k["Type"] == "ACCOUNT" for k in under), under
try:
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    raise AssertionError("EnablePolicyType enabled SCPs twice")
except org.exceptions.PolicyTypeAlreadyEnabledException:
    pass
try:
    org.enable_policy_type(RootId=root, PolicyType="TAG_POLICY")
    raise AssertionError("EnablePolicyType enabled a type the model does not hold")
except org.exceptions.PolicyTypeNotAvailableForOrganizationException:
    pass
st = org.create_account(Email="spare@example.com", AccountName="Spare")["CreateAccountStatus"]
_, done = wait_created(st["Id"])
spare_acct = done["AccountId"]
org.close_account(AccountId=spare_acct)
closed = org.describe_account(AccountId=spare_acct)["Account"]
assert closed["Status"] == "SUSPENDED" and closed["State"] == "SUSPENDED", closed
try:
    org.close_account(AccountId=spare_acct)
    raise AssertionError("CloseAccount closed an account twice")
except org.exceptions.AccountAlreadyClosedException:
    pass
org.remove_account_from_organization(AccountId=spare_acct)
try:
    org.describe_account(AccountId=spare_acct)
    raise AssertionError("a removed account is still described")
except org.exceptions.AccountNotFoundException:
    pass
try:
    org.remove_account_from_organization(AccountId=desc["MasterAccountId"])
    raise AssertionError("the management account was removed")
except org.exceptions.MasterCannotLeaveOrganizationException:
    pass

# ---- a burst of CreateAccount: throttled as AWS throttles it ------------------------------
throttled = 0
accepted = []
for i in range(8):
    try:
        st = raw.create_account(Email=f"burst{i}@example.com", AccountName=f"Burst {i}")
        accepted.append(st["CreateAccountStatus"]["Id"])
    except raw.exceptions.TooManyRequestsException:
        throttled += 1
assert throttled >= 1, "a burst of 8 CreateAccount calls was never throttled"
for rid in accepted:
    wait_created(rid)

# ---- a duplicate email: EMAIL_ALREADY_EXISTS ---------------------------------------------
st = org.create_account(Email=CUSTOMERS[0][2], AccountName="ACME again")["CreateAccountStatus"]
_, dup = wait_created(st["Id"])
assert dup["State"] == "FAILED" and dup["FailureReason"] == "EMAIL_ALREADY_EXISTS", dup

# ---- botocore's paginator: one page a request --------------------------------------------
every = org.list_accounts()["Accounts"]
pages = list(org.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 1}))
ids = [a["Id"] for p in pages for a in p["Accounts"]]
# The management account, the two customers' and the burst's accepted creations.
assert len(pages) == len(every) == 3 + len(accepted), (len(pages), len(every), len(accepted))
assert sorted(ids) == sorted(a["Id"] for a in every) and len(set(ids)) == len(ids), ids
for acct in accounts.values():
    assert acct in ids

# ---- what AWS answers to what it does not serve, and to a malformed body ------------------
try:
    raw.delete_organization()
    raise AssertionError("DeleteOrganization succeeded")
except raw.exceptions.ClientError as e:
    assert e.response["Error"]["Code"] == "UnknownOperationException", e.response


def post(target, body):
    req = urllib.request.Request(
        URL + "/",
        data=body,
        headers={"X-Amz-Target": target, "Content-Type": "application/x-amz-json-1.1"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


status, body = post("AWSOrganizationsV20161128.ListAccounts", b"{not json")
assert (status, body["__type"]) == (400, "SerializationException"), (status, body)
status, body = post("AWSOrganizationsV20161128.ListAccounts", b'{"MaxResults": 99}')
assert (status, body["__type"], body.get("Reason")) == (400, "InvalidInputException", "MAX_VALUE_EXCEEDED"), body

print(
    json.dumps(
        {
            "checked": sorted(checked),
            "first_states": first_states,
            "throttled": throttled,
            "accepted_in_burst": len(accepted),
            "pages": len(pages),
            "errors": errors_seen,
        },
        sort_keys=True,
    )
)
