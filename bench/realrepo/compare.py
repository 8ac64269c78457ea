"""Compares flowspec-extract --specs-only with lift_real.py for one project.

Usage: python3 compare.py GO.json PY.json LABEL
Prints one line per flow file whose status or spec differs, and a summary;
exits 1 when any differs. A file CPython cannot import because a stub lacks
something (pendulum here is a small fallback) is counted apart.
"""
import json
import sys


def norm(v):
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v


def main(go_path, py_path, label):
    go = {e["path"]: e for e in json.load(open(go_path))}
    py = {e["path"]: e for e in json.load(open(py_path))}
    same = differ = harness = 0
    for path in sorted(set(go) | set(py)):
        g, p = go.get(path), py.get(path)
        if g is None or p is None:
            print("%s %s: found by %s only" % (label, path, "CPython" if g is None else "flowplan"))
            differ += 1
            continue
        if p["status"] == "error" and g["status"] == "ok" and "has no attribute" in " ".join(p["errors"]) and "pendulum" in json.dumps(p):
            harness += 1
            print("%s %s: CPython's side lacks a real pendulum: %s" % (label, path, p["errors"][0][:160]))
            continue
        if g["status"] != p["status"]:
            differ += 1
            print("%s %s: flowplan %s, CPython %s\n    flowplan: %s\n    CPython:  %s" % (
                label, path, g["status"], p["status"], " | ".join(g["errors"])[:400], " | ".join(p["errors"])[:400]))
            continue
        if g["status"] == "ok" and norm(g["spec"]) != norm(p["spec"]):
            differ += 1
            gs, ps = norm(g["spec"]), norm(p["spec"])
            keys = sorted(k for k in set(gs) | set(ps) if gs.get(k) != ps.get(k))
            print("%s %s: specs differ in %s" % (label, path, ", ".join(keys)))
            continue
        same += 1
    print("%s: %d same, %d differ, %d not importable with the stubs" % (label, same, differ, harness))
    return differ


if __name__ == "__main__":
    sys.exit(1 if main(*sys.argv[1:4]) else 0)
