"""Checks that a prefect.yaml written by flowplan, read the way Prefect reads
it (yaml.safe_load), holds exactly the plan's deployments.

Usage: check_prefect_yaml.py PLAN.json PREFECT.yaml. Derives the expected
document from the plan's requests independently of the Go writer, and exits
non-zero with both documents printed when they differ.
"""
import json
import sys

import yaml


def schedule(s):
    out = {}
    if "cron" in s:
        assert s["day_or"] is True, "day_or=false cannot be written"
        out["cron"] = s["cron"]
    elif "interval" in s:
        out["interval"] = s["interval"]
        if "anchor_date" in s:
            out["anchor_date"] = s["anchor_date"]
    else:
        out["rrule"] = s["rrule"]
    if "timezone" in s:
        out["timezone"] = s["timezone"]
    return out


def expected(plan):
    deployments = []
    for flow in plan["flows"]:
        assert flow["api"] == "worker"
        for d in flow["deployments"]:
            r = d["request"]
            jv = r["job_variables"] if "job_variables" in r else r.get("infra_overrides", {})
            e = {
                "name": r["name"],
                "version": r.get("version"),
                "tags": r["tags"],
                "description": r.get("description"),
                "entrypoint": r["entrypoint"],
                "parameters": r.get("parameters", {}),
                "work_pool": {
                    "name": r["work_pool_name"],
                    "work_queue_name": r["work_queue_name"],
                    "job_variables": jv,
                },
                "pull": r["pull_steps"],
            }
            if plan["target"] == "prefect3":
                e["schedules"] = [dict(schedule(s["schedule"]), active=s["active"]) for s in r["schedules"]]
            else:
                e["schedule"] = schedule(r["schedule"]) if r.get("schedule") else None
            if "enforce_parameter_schema" in r:
                e["enforce_parameter_schema"] = r["enforce_parameter_schema"]
            deployments.append(e)
    return {"name": plan["project"]["name"], "deployments": deployments}


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        plan = json.load(f)
    with open(sys.argv[2], encoding="utf-8") as f:
        got = yaml.safe_load(f)
    assert set(got) <= {"name", "pull", "deployments"}, sorted(got)
    top_pull = got.pop("pull", None)
    if top_pull is not None:
        for d in got["deployments"]:
            assert "pull" not in d, "pull both at the top and in %s" % d["name"]
            d["pull"] = top_pull
    want = expected(plan)
    if got != want:
        print("got:", json.dumps(got, indent=1, sort_keys=True, ensure_ascii=False))
        print("want:", json.dumps(want, indent=1, sort_keys=True, ensure_ascii=False))
        sys.exit(1)
    # Types matter too: 1 and 1.0, True and 1 compare equal in Python.
    if json.dumps(got, sort_keys=True) != json.dumps(want, sort_keys=True):
        print("same values, different types")
        print(json.dumps(got, sort_keys=True))
        print(json.dumps(want, sort_keys=True))
        sys.exit(1)


main()
