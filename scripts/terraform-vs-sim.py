#!/usr/bin/env python3
"""scripts/terraform-vs-sim.sh's report: the real applies in DIR/run-*/ (serve's report, the
provider's TF_LOG=DEBUG log, the times) against the simulated sweep (DIR/sim.csv,
DIR/sim-ops.jsonl). Prints the side-by-side table and writes DIR/terraform-vs-sim.json."""
import argparse
import csv
import glob
import json
import math
import os
import re
import statistics
import sys

# What Terraform's `data "aws_organizations_organization"` reads at every plan (the simulation
# has ListRoots only) and the calls that are a resource's own.
DATA_SOURCE = ["DescribeOrganization", "ListAccounts", "ListRoots",
               "ListAWSServiceAccessForOrganization"]
WRITES = ["CreateOrganizationalUnit", "CreatePolicy", "AttachPolicy", "CreateAccount",
          "MoveAccount", "TagResource"]
ATTEMPT = re.compile(r'amz_sdk_request="attempt=(\d+); max=(\d+)"')
METHOD = re.compile(r'rpc\.method=(\w+)')


def pct(xs, p):
    """Nearest rank, as the sweep's percentiles."""
    xs = sorted(xs)
    if not xs:
        return None
    return xs[max(0, math.ceil(p / 100 * len(xs)) - 1)]


def summary(xs):
    if not xs:
        return None
    return {"mean": round(statistics.fmean(xs), 3), "p5": pct(xs, 5), "p50": pct(xs, 50),
            "p95": pct(xs, 95), "min": min(xs), "max": max(xs)}


ENTRY = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")


def log_entries(path):
    """The provider's log, an entry at a time (a request's body spans lines)."""
    entry = []
    for line in open(path, errors="replace"):
        if ENTRY.match(line) and entry:
            yield "".join(entry)
            entry = []
        entry.append(line)
    if entry:
        yield "".join(entry)


def stamp_ms(entry):
    """An entry's time, in ms since the epoch."""
    import datetime
    t = ENTRY.match(entry).group(0)
    frac = re.match(r"^\S+?(\.\d+)", entry)
    whole = datetime.datetime.fromisoformat(t).replace(tzinfo=datetime.timezone.utc)
    return whole.timestamp() * 1000 + (float(frac.group(1)) * 1000 if frac else 0)


def retry_delays(path):
    """The SDK's wait before each retry, from the provider's log: from an attempt's answer
    ("HTTP Response Received", its error's `__type`) to the next attempt's request of the same
    resource operation (`tf_req_id`) and method, by the error and the failed attempt's number:
    {"CODE attempt A": [ms, ...]}."""
    last, out = {}, {}
    for entry in log_entries(path):
        req = re.search(r"tf_req_id=([\w-]+)", entry)
        op = METHOD.search(entry)
        if not req or not op:
            continue
        key = (req.group(1), op.group(1))
        if "HTTP Response Received" in entry:
            code = re.search(r'"__type":"(\w+)"', entry)
            last[key] = (stamp_ms(entry), code.group(1) if code else "ok")
        elif "HTTP Request Sent" in entry:
            m = ATTEMPT.search(entry)
            if m and int(m.group(1)) > 1 and key in last:
                t, code = last[key]
                k = f"{code} attempt {int(m.group(1)) - 1}"
                out.setdefault(k, []).append(round(stamp_ms(entry) - t))
    return {k: sorted(v) for k, v in sorted(out.items())}


def real_run(d):
    rep = json.load(open(os.path.join(d, "report.json")))
    times = json.load(open(os.path.join(d, "times.json")))
    trace = rep["trace"]
    counts = rep["counts"]
    ops = {op: sum(o.values()) for op, o in counts.items()}
    outcome = lambda code: sum(o.get(code, 0) for o in counts.values())
    # The first resource call: the first write (the data source's reads come before it).
    first = next((t for t in trace if t["operation"] in WRITES), None)
    last_end = max((t["at_ms"] + t["latency_ms"] for t in trace), default=0)
    # Model time 0 is the reset; the apply started (start_ms - reset_ms) later.
    offset = times["start_ms"] - times["reset_ms"]
    wall = (times["end_ms"] - times["start_ms"]) / 1000
    makespan = (last_end - first["at_ms"]) / 1000 if first else None
    before = (first["at_ms"] - offset) / 1000 if first else None
    after = wall - (last_end - offset) / 1000 if first else None
    attempts = []
    log_ops = {}
    for entry in log_entries(os.path.join(d, "tf.log")):
        if "HTTP Request Sent" not in entry:
            continue
        m = ATTEMPT.search(entry)
        op = METHOD.search(entry)
        if m:
            attempts.append(int(m.group(1)))
        if op:
            log_ops[op.group(1)] = log_ops.get(op.group(1), 0) + 1
    delays = retry_delays(os.path.join(d, "tf.log"))
    first_attempts = sum(1 for a in attempts if a == 1)
    retries = sum(1 for a in attempts if a > 1)
    out = open(os.path.join(d, "apply.out"), errors="replace").read()
    errors = re.findall(r"^Error: (.*)$", out, re.M)
    state = [l for l in open(os.path.join(d, "state.txt")).read().split("\n") if l.strip()]
    load = open(os.path.join(d, "uptime-after")).read().split("load average:")[-1].strip()
    other_errors = {}
    for op, o in counts.items():
        for code, n in o.items():
            if code not in ("ok", "TooManyRequestsException", "ConcurrentModificationException"):
                other_errors[f"{op} {code}"] = n
    return {
        "run": os.path.basename(d),
        "exit": times["exit"],
        "wall_s": round(wall, 3),
        "makespan_s": round(makespan, 3) if makespan is not None else None,
        "overhead_before_first_call_s": round(before, 3) if before is not None else None,
        "overhead_after_last_call_s": round(after, 3) if after is not None else None,
        "requests": rep["requests"],
        "resource_requests": rep["requests"] - sum(ops.get(o, 0) for o in DATA_SOURCE if o != "ListRoots"),
        "calls_per_operation": ops,
        "log_calls_per_operation": log_ops,
        "throttled": outcome("TooManyRequestsException"),
        "concurrent_modifications": outcome("ConcurrentModificationException"),
        "other_errors": other_errors,
        "sdk_calls": first_attempts,
        "retries": retries,
        "retries_per_call": round(retries / first_attempts, 4) if first_attempts else None,
        "max_attempt": max(attempts, default=0),
        "retry_delays_ms": delays,
        "failures": len(errors),
        "errors": errors,
        "resources_in_state": len([s for s in state if not s.startswith("data.")]),
        "accounts_in_state": len([s for s in state if s.startswith("aws_organizations_account.")]),
        "organization": json.load(open(os.path.join(d, "organization.json"))),
        "organization_settled": (json.load(open(os.path.join(d, "organization-settled.json")))
                                 if os.path.exists(os.path.join(d, "organization-settled.json"))
                                 else None),
        "load_average": load,
    }


def aws(url, op, body, tries=100):
    """One Organizations call to serve, retried while throttled or in conflict."""
    import time
    import urllib.error
    import urllib.request
    for _ in range(tries):
        req = urllib.request.Request(url + "/", data=json.dumps(body).encode(), headers={
            "X-Amz-Target": "AWSOrganizationsV20161128." + op,
            "Content-Type": "application/x-amz-json-1.1"})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return json.load(r)
        except urllib.error.HTTPError as e:
            err = json.load(e)
            if err.get("__type") not in ("TooManyRequestsException",
                                         "ConcurrentModificationException"):
                raise RuntimeError(f"{op} {body}: {err}")
            time.sleep(0.5)
    raise RuntimeError(f"{op} {body}: still throttled")


def pages(url, op, body, key):
    out, token = [], None
    while True:
        b = dict(body, **({"NextToken": token} if token else {}))
        r = aws(url, op, b)
        out += r[key]
        token = r.get("NextToken")
        if not token:
            return out


def organization(url):
    """The served organization in the shape of `orgsim run --json`'s `organization` (OUs by
    path, accounts with their OU and tags, attachments), the management account left out, an
    account still in the root listed with the OU "/"."""
    mgmt = aws(url, "DescribeOrganization", {})["Organization"]["MasterAccountId"]
    root = pages(url, "ListRoots", {}, "Roots")[0]["Id"]
    ous, accounts, path_of = [], [], {root: "/"}
    todo = [root]
    while todo:
        parent = todo.pop(0)
        for ou in pages(url, "ListOrganizationalUnitsForParent", {"ParentId": parent},
                        "OrganizationalUnits"):
            path = path_of[parent].rstrip("/") + "/" + ou["Name"]
            path_of[ou["Id"]] = path
            ous.append(path)
            todo.append(ou["Id"])
        for a in pages(url, "ListAccountsForParent", {"ParentId": parent}, "Accounts"):
            if a["Id"] == mgmt:
                continue
            tags = pages(url, "ListTagsForResource", {"ResourceId": a["Id"]}, "Tags")
            accounts.append({"email": a["Email"], "name": a["Name"], "ou": path_of[parent],
                             "tags": {t["Key"]: t["Value"] for t in tags}})
    attachments = []
    for p in pages(url, "ListPolicies", {"Filter": "SERVICE_CONTROL_POLICY"}, "Policies"):
        if p["Name"] == "FullAWSAccess":
            continue
        for t in pages(url, "ListTargetsForPolicy", {"PolicyId": p["Id"]}, "Targets"):
            attachments.append(f"{p['Name']} -> {path_of.get(t['TargetId'], t['TargetId'])}")
    creating = [s for s in pages(url, "ListCreateAccountStatus", {"States": ["IN_PROGRESS"]},
                                 "CreateAccountStatuses")]
    return {"ous": sorted(ous), "accounts": sorted(accounts, key=lambda a: a["email"]),
            "attachments": sorted(attachments),
            "creations_in_progress": sorted(c["AccountName"] for c in creating)}


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "org":
        with open(sys.argv[3], "w") as f:
            json.dump(organization(sys.argv[2]), f, indent=2)
            f.write("\n")
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--customers", type=int, required=True)
    ap.add_argument("--create-timeout", default="10m")
    ap.add_argument("--parallelism", type=int, default=10)
    a = ap.parse_args()
    runs = sorted(glob.glob(os.path.join(a.dir, "run-*")), key=lambda p: int(p.rsplit("-", 1)[1]))
    real = [real_run(d) for d in runs]
    rows = list(csv.DictReader(open(os.path.join(a.dir, "sim.csv"))))
    sim_runs = [json.loads(l) for l in open(os.path.join(a.dir, "sim-ops.jsonl")) if l.strip()]
    sim_ops = [r["ops"] for r in sim_runs]
    sim = {
        "replications": len(rows),
        # From the first resource call to the last answer, as on the real side (the setup's
        # data-source reads before it are inside the provider's own time there).
        "makespan_s": summary([r["resources_makespan_s"] for r in sim_runs]),
        "makespan_from_first_call_s": summary([float(r["makespan_s"]) for r in rows]),
        "calls": summary([int(r["calls"]) for r in rows]),
        "retries": summary([int(r["retries"]) for r in rows]),
        "throttled": summary([int(r["throttled"]) for r in rows]),
        "concurrent_modifications": summary(
            [int(r["conflicts"]) - int(r["throttled"]) for r in rows]),
        "failures": summary([int(r["failed_resources"]) for r in rows]),
        "calls_per_operation": {},
    }
    ops = sorted({o for s in sim_ops for o in s} | {o for r in real for o in r["calls_per_operation"]})
    for o in ops:
        sim["calls_per_operation"][o] = summary([s.get(o, 0) for s in sim_ops])

    def real_summary(key):
        xs = [r[key] for r in real if r[key] is not None]
        return summary(xs)

    real_s = {k: real_summary(k) for k in
              ["makespan_s", "wall_s", "overhead_before_first_call_s",
               "overhead_after_last_call_s", "requests", "resource_requests", "throttled",
               "concurrent_modifications", "retries", "retries_per_call", "max_attempt",
               "failures"]}
    real_s["calls_per_operation"] = {
        o: summary([r["calls_per_operation"].get(o, 0) for r in real]) for o in ops}

    delays = {}
    for r in real:
        for k, v in r["retry_delays_ms"].items():
            delays.setdefault(k, []).extend(v)
    real_s["retry_delays_ms"] = {k: summary(v) for k, v in sorted(delays.items())}

    verdict = {}
    m = real_s["makespan_s"]
    sm = sim["makespan_s"]
    if m and sm:
        verdict["median_makespan_within_p5_p95"] = sm["p5"] <= m["p50"] <= sm["p95"]
        verdict["median_makespan_vs_p50"] = round(m["p50"] / sm["p50"] - 1, 4)
        verdict["median_makespan_within_15pct_of_p50"] = abs(m["p50"] / sm["p50"] - 1) <= 0.15
    t, st = real_s["throttled"], sim["throttled"]
    if t and st and st["mean"] > 0:
        verdict["mean_throttled_vs_sim"] = round(t["mean"] / st["mean"] - 1, 4)
        verdict["mean_throttled_within_25pct"] = abs(t["mean"] / st["mean"] - 1) <= 0.25

    report = {
        "schema_version": 1,
        "kind": "terraform-vs-sim",
        "scenario": a.scenario,
        "customers": a.customers,
        "create_timeout": a.create_timeout,
        "parallelism": a.parallelism,
        "real": {"runs": real, "summary": real_s},
        "sim": sim,
        "verdict": verdict,
    }
    with open(os.path.join(a.dir, "terraform-vs-sim.json"), "w") as f:
        json.dump(report, f, indent=2)
        f.write("\n")

    print(f"{a.scenario}, {a.customers} customers: {len(real)} real applies (Terraform "
          f"-parallelism={a.parallelism}, create timeout {a.create_timeout}) against "
          f"orgsim serve; {len(rows)} simulated (terraform-aws)")
    print("makespan (first resource call to last answer), s: real "
          + ", ".join(f"{r['makespan_s']}" for r in real))
    if sm:
        print(f"  simulated p5 {sm['p5']}  p50 {sm['p50']}  p95 {sm['p95']};  real median "
              f"{m['p50'] if m else '-'}")
    print("load average after each run: " + "; ".join(r["load_average"] for r in real))
    print()

    def fmt(s):
        return "-" if s is None else f"{s['mean']:.2f} [{s['p5']}–{s['p95']}]"

    print(f"{'':38} {'real mean [p5–p95]':>24} {'simulated mean [p5–p95]':>26}")
    for label, rk, sk in [
        ("requests (all)", "requests", "calls"),
        ("throttled (TooManyRequests)", "throttled", "throttled"),
        ("concurrent modifications", "concurrent_modifications", "concurrent_modifications"),
        ("retries", "retries", "retries"),
        ("failures", "failures", "failures"),
    ]:
        print(f"{label:38} {fmt(real_s[rk]):>24} {fmt(sim[sk]):>26}")
    for k, label in [("overhead_before_first_call_s", "provider overhead before 1st call, s"),
                     ("overhead_after_last_call_s", "provider overhead after last call, s"),
                     ("wall_s", "terraform apply wall time, s"),
                     ("retries_per_call", "retries per SDK call (amz_sdk_request)"),
                     ("max_attempt", "highest attempt number")]:
        print(f"{label:38} {fmt(real_s[k]):>24} {'':>26}")
    print("the SDK's wait before a retry (provider log, answer to next attempt), ms:")
    for k, v in sorted(delays.items()):
        print(f"  {k:44} n={len(v):<3} min {min(v)}  p50 {pct(v, 50)}  max {max(v)}")
    print("calls per operation:")
    for o in ops:
        print(f"  {o:36} {fmt(real_s['calls_per_operation'][o]):>24} "
              f"{fmt(sim['calls_per_operation'][o]):>26}")
    for r in real:
        settled = r["organization_settled"]
        if settled is not None:
            accounts = ", ".join(f"{x['name']} in {x['ou']}" for x in settled["accounts"])
            print(f"{r['run']}: after settling, the organization has {len(settled['accounts'])} "
                  f"account(s) ({accounts or 'none'}), Terraform's state {r['accounts_in_state']}"
                  + (f": {len(settled['accounts']) - r['accounts_in_state']} orphaned"
                     if len(settled["accounts"]) > r["accounts_in_state"] else ""))
    if verdict:
        print()
        print("verdict: " + ", ".join(f"{k} {v}" for k, v in verdict.items()))
    print(f"written: {os.path.join(a.dir, 'terraform-vs-sim.json')}")


if __name__ == "__main__":
    sys.exit(main())
