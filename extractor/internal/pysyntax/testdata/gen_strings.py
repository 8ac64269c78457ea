"""Computes what CPython makes of each string literal in strings.txt (cases separated by "---" lines).

Run by the Go test with -update; writes strings.golden.json:
{source: {"value": str} | {"bytes": [ints]} | {"error": true}}.
"""
import ast, json, sys, warnings

warnings.simplefilter("ignore")
out = {}
src = open(sys.argv[1], encoding="utf-8").read()
chunks = src.rstrip("\n").split("\n---\n")
for c in chunks:
    if not c.strip():
        continue
    try:
        v = ast.literal_eval(c)
    except SyntaxError:
        out[c] = {"error": True}
        continue
    if isinstance(v, bytes):
        out[c] = {"bytes": list(v)}
    else:
        out[c] = {"value": v}
json.dump(out, open(sys.argv[2], "w", encoding="utf-8"), indent=1, ensure_ascii=False, sort_keys=True)
