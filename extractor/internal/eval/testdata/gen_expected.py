"""Runs every case of cases.txt with CPython and records what it binds to R.

Cases are separated by lines holding only "---". Each case is module-level
code that binds R. The environment is replaced by ENV so that os.getenv
cases are deterministic. Writes
expected.json: [{"src": ..., "repr": repr(R)} or {"src": ..., "error": type,
"message": str(exc)}].

Usage: python3 gen_expected.py cases.txt expected.json (or cases-X.txt expected-X.json)
"""
import json
import os
import sys
import warnings

warnings.simplefilter("ignore")

# Project models are pydantic v1 models: with pydantic 2 installed, its
# bundled v1 API stands in for it, as in the projects flowplan reads.
try:
    import pydantic

    if not pydantic.VERSION.startswith("1."):
        import pydantic.v1

        sys.modules["pydantic"] = pydantic.v1
except ImportError:
    pass
sys.set_int_max_str_digits(4300)
# The seed's common package, as the golden cases see it.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "pylib"))


# The environment of every case (golden_test.go's testEnvVars).
ENV = {"FOO": "bar", "NUM": "42", "DF_CONFIG_PORT": "8080", "df_config_name": "lower", "App_Mode": "fast"}


def forget_validators():
    """Each case is a module of its own process: pydantic's registry of
    validator names (which refuses a name defined twice) starts empty."""
    mod = sys.modules.get("pydantic")
    reg = getattr(getattr(mod, "class_validators", None), "_FUNCS", None)
    if reg is not None:
        reg.clear()


src = open(sys.argv[1], encoding="utf-8").read()
cases = [c for c in src.split("\n---\n") if c.strip()]
out = []
for case in cases:
    case = case.strip("\n") + "\n"
    os.environ.clear()
    os.environ.update(ENV)
    forget_validators()
    ns = {"__name__": "case"}
    try:
        exec(compile(case, "case.py", "exec"), ns)
        out.append({"src": case, "repr": repr(ns["R"])})
    except Exception as e:  # noqa: BLE001 - the exception is the expected result
        out.append({"src": case, "error": type(e).__name__, "message": str(e)})
json.dump(out, open(sys.argv[2], "w", encoding="utf-8"), indent=1, ensure_ascii=False)
