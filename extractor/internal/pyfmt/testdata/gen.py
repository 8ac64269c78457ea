#!/usr/bin/env python3
"""Print the golden cases for extractor/internal/pyfmt as JSON, computed by CPython.

Every case is {"kind", "value", "spec", "out"} or {..., "error": {"type", "msg"}}.
Values are encoded so Go can read them exactly: ints as decimal strings,
floats as repr() strings, str as JSON strings (no lone surrogates). The grid
is pseudo-random with a fixed seed, so the output is deterministic.

Run by `go test ./extractor/pyfmt -update`; `gen.py printable` prints the
table of unprintable code points (testdata/printable.json).
"""
import json
import random
import sys

rng = random.Random(20240611)

INTS = [0, 1, -1, 7, -7, 42, 255, -255, 1000, 1234, -1234, 65, 0x10FFFF, 0x110000,
        999999, 1234567, -1234567, 2**31, 2**53 + 1, -(2**63), 2**64, 10**25 + 7,
        -(10**30), 2**1023, 2**1024, 123456789012345678901234567890]
FLOATS = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.5, 3.5, -2.5, 0.125, 0.375,
          1e16, 1e15, 9999999999999998.0, 1e17, 1e-5, 1e-4, 0.0001234, 123456789.125,
          1234567.0, -1234.5678, 3.141592653589793, 2.675, 1.005, 9.995, 0.05,
          1e22, 1e100, 1.7976931348623157e308, 5e-324, 2.2250738585072014e-308,
          float("inf"), float("-inf"), float("nan"), -1e-7, 123.0, 100.0, 0.000999,
          6.02214076e23, -0.0004, 2**53 + 0.0, 1/3, 2/3]
STRS = ["", "a", "hello", "héllo wörld", "日本語", "tab\there", "emoji 😀!", "x" * 12,
        "quote's", 'dq"', "both'\""]

ALIGNS = ["", "<", ">", "^", "=", "*<", "*^", "0>", "x=", "é>", "0<", "{>"]
SIGNS = ["", "", "+", "-", " "]
WIDTHS = ["", "", "1", "5", "12", "20"]
PRECS = ["", "", ".0", ".1", ".3", ".6", ".12", ".17"]
INT_TYPES = ["", "b", "c", "d", "o", "x", "X", "n", "e", "E", "f", "F", "g", "G", "%", "s", "r"]
FLOAT_TYPES = ["", "e", "E", "f", "F", "g", "G", "n", "%", "d", "x", "s"]
STR_TYPES = ["", "s", "d", "r"]


def rand_spec(types, allow_z=True):
    parts = [rng.choice(ALIGNS), rng.choice(SIGNS)]
    if allow_z and rng.random() < 0.1:
        parts.append("z")
    if rng.random() < 0.2:
        parts.append("#")
    if rng.random() < 0.25:
        parts.append("0")
    parts.append(rng.choice(WIDTHS))
    parts.append(rng.choice(["", "", "", ",", "_"]))
    parts.append(rng.choice(PRECS))
    parts.append(rng.choice(types))
    return "".join(parts)


COMMON_INT_SPECS = ["", "d", "5d", "05d", "+d", " d", ",", "_", "_x", "_b", "#x", "#X", "#o", "#b",
                    "x", "X", "o", "b", "c", "n", ",d", "010,", "08,", "09_", "012_x", "#012_x",
                    "<5", "^7", "=+8", "*^9", ".2f", ",.2f", "e", ".3e", "g", "%", ".1%",
                    "10.2f", "010.2f", "-^11,", "0<5", "z", ".2", "s", ",c", "_n", ",x",
                    ",_", "_,", ".", "5.", "\u0661\u0660", ".\u0662f", "\U0001D7D0\U0001D7D1", "ab", "99999999999999999999", ".99999999999999999999f"]
COMMON_FLOAT_SPECS = ["", ".2f", ".0f", ".1f", ".3f", "f", "F", "e", "E", ".2e", ".0e", "g", "G",
                      ".3g", ".10g", ".17g", ".0g", "n", "%", ".1%", ",", ",.2f", "_.3f", "015,.2f",
                      "+.2f", " .2f", "z.2f", "z", "#", "#.0f", "#.0e", "#g", "#.3g", ".3", ".1", ".16",
                      ".17", "10", "010", "<10", "^10.1f", "=+12.3f", "*>12.2e", "08.2%", ",g",
                      "0=10", "d", "x", ",n", ".100f", ".30e", ".25g", "#.10"]
COMMON_STR_SPECS = ["", "s", "10", "<10", ">10", "^10", "*^10", ".3", "10.3", "0", "05", "010s",
                    "=10", "+", " ", "z", "#", ",", "_s", "d", "x", ".0", "é^9", "^11", "^12",
                    ".", "s ", "1234567890123456789012345", "\u0661\u0660", "\u0e53<\u0e55", "\x80<3", "\u00e9"]


def run(fn):
    try:
        return {"out": fn()}
    except Exception as e:  # every failure Python reports is a case too
        return {"error": {"type": type(e).__name__, "msg": str(e)}}


def format_cases():
    cases = []
    int_specs = list(COMMON_INT_SPECS) + [rand_spec(INT_TYPES) for _ in range(80)]
    for v in INTS:
        for spec in int_specs:
            if rng.random() < 0.5 and spec not in COMMON_INT_SPECS:
                continue
            cases.append({"kind": "int", "value": str(v), "spec": spec, **run(lambda: format(v, spec))})
    for v in (True, False):
        for spec in ["", "d", ">5", "<3", "x", "#b", ".2f", "s", "^7", "+", "c", ".1%", ",", "=+05"]:
            cases.append({"kind": "bool", "value": v, "spec": spec, **run(lambda: format(v, spec))})
    float_specs = list(COMMON_FLOAT_SPECS) + [rand_spec(FLOAT_TYPES) for _ in range(80)]
    for v in FLOATS:
        for spec in float_specs:
            if rng.random() < 0.5 and spec not in COMMON_FLOAT_SPECS:
                continue
            cases.append({"kind": "float", "value": repr(v), "spec": spec, **run(lambda: format(v, spec))})
    str_specs = list(COMMON_STR_SPECS) + [rand_spec(STR_TYPES) for _ in range(60)]
    for v in STRS:
        for spec in str_specs:
            cases.append({"kind": "str", "value": v, "spec": spec, **run(lambda: format(v, spec))})
    return cases


def repr_cases():
    cases = []
    floats = list(FLOATS)
    for _ in range(400):
        # random bit patterns, random decimals and random small values
        bits = rng.getrandbits(64)
        import struct
        f = struct.unpack("<d", struct.pack("<Q", bits))[0]
        floats.append(f)
        floats.append(round(rng.uniform(-1e6, 1e6), rng.randint(0, 8)))
        floats.append(rng.random() * 10 ** rng.randint(-30, 30))
    for f in floats:
        cases.append({"kind": "repr_float", "value": repr(f), "spec": "", "out": repr(f)})
    texts = STRS + ["", "'", '"', "\\", "a\nb\r\tc", "\x00\x07\x1f\x7f\x80\x9f\xa0\xad",
                    "\u00ff\u0100\u200b\u2028\u2029\u3000\ufeff\uffff", "\U0001F600\U000E0001\U0010FFFF",
                    "\u0378\u0530", "non\u00a0breaking", "é́", "\u061c\u180e"]
    for t in texts:
        cases.append({"kind": "repr_str", "value": t, "spec": "", "out": repr(t)})
        cases.append({"kind": "ascii", "value": t, "spec": "", "out": ascii(t)})
    for t in ["", "abc", "it's", 'say "hi"', "both'\"", "\x00\x7f\x80\xff\\\t\n\r"]:
        b = t.encode("latin-1")
        cases.append({"kind": "repr_bytes", "value": t, "spec": "", "out": repr(b)})
    return cases


def percent_cases():
    """Whole %-expressions: fmt % args, args given as typed values."""
    cases = []

    def enc(v):
        if isinstance(v, bool):
            return {"bool": v}
        if isinstance(v, int):
            return {"int": str(v)}
        if isinstance(v, float):
            return {"float": repr(v)}
        return {"str": v}

    def add(fmt, args):
        if isinstance(args, dict):
            a = {"map": {k: enc(v) for k, v in args.items()}}
        else:
            a = {"tuple": [enc(v) for v in args]}
        cases.append({"kind": "percent", "value": a, "spec": fmt, **run(lambda: fmt % args)})

    flags = ["", "-", "+", " ", "#", "0", "-0", "+0", "#0", "- ", "+#0"]
    widths = ["", "1", "6", "12"]
    precs = ["", ".0", ".2", ".5"]
    values = {
        "d": [0, 7, -7, 12345, -(2**70), 3.99, -2.5, True],
        "i": [42, -42],
        "u": [5],
        "x": [255, -255, 0, 2**64],
        "X": [255, -3054],
        "o": [8, -8, 0],
        "e": [0.0, 1234.5678, -1e-10, float("inf"), 12],
        "E": [1e300],
        "f": [0.0, -0.0, 2.5, 3.14159, -1234.5678, 1e20, float("nan"), float("-inf"), 7],
        "F": [float("inf"), 1.5],
        "g": [0.0001, 123456789.0, 1e-5, 100.0, -0.5],
        "G": [1e-10, float("nan")],
        "s": ["hello", "héllo", "", 12, 1.5, 1e16, True],
        "r": ["it's", "日本", 2.0],
        "a": ["日本", "ok"],
        "c": [65, 0x1F600, "x", "é"],
    }
    for verb, vals in values.items():
        for v in vals:
            for _ in range(10):
                fmt = "%" + rng.choice(flags) + rng.choice(widths) + rng.choice(precs) + verb
                add(fmt, (v,))
            add("%" + verb, (v,))
    add("%s and %r", ("a", "b"))
    add("%(name)s is %(age)d", {"name": "Ann", "age": 41})
    add("%(a(b))s", {"a(b)": "nested"})
    add("100%% sure %s", ("yes",))
    add("%*d|%-*d|%.*f", (5, 42, -6, 7, 2, 3.14159))
    add("%*s|", (-8, "left"))
    add("%.*s", (-3, "trunc"))
    add("%ld %hi %Lf", (1, 2, 3.0))
    add("%", ())
    add("abc %", (1,))
    add("%(key", {"key": 1})
    add("%5", (1,))
    add("%z", (1,))
    add("%y %d", (1, 2))
    add("%d", ("x",))
    add("%x", (1.5,))
    add("%d %d", (1,))
    add("%d", (1, 2))
    add("%c", (0x110000,))
    add("%c", ("ab",))
    add("%d", (float("inf"),))
    add("%d", (float("nan"),))
    add("%s %s", ("é", "\u00e9x"))
    add("%5%", ())
    add("%.3%", ())
    add("% d|% d", (5, -5))
    add("%#.3o|%#.3x", (8, 255))
    add("%-#8x|", (255,))
    add("%#08x|%#8X|%#-08o", (255, 255, 8))
    add("%+.3d|%08.3d", (7, -7))
    add("%é", (1,))
    add("%\u2028", (1,))
    return cases


def template_cases():
    """Whole str.format calls: template.format(*args, **kwargs)."""
    cases = []

    def enc(v):
        if isinstance(v, bool):
            return {"bool": v}
        if isinstance(v, int):
            return {"int": str(v)}
        if isinstance(v, float):
            return {"float": repr(v)}
        if isinstance(v, list):
            return {"list": [enc(x) for x in v]}
        if isinstance(v, dict):
            return {"dict": {k: enc(x) for k, x in v.items()}}
        return {"str": v}

    args = [42, 3.14159, "text", [10, 20, 30], {"k": "v", "n": 7}, True, -1234567]
    kwargs = {"name": "Ann", "w": 10, "p": 3, "x": 2.5, "d": {"a": [1, 2]}, "spec": ">8", "é": "accent"}
    templates = [
        "", "plain", "{{}}", "{{{0}}}", "a{{b", "}}x{{", "{0}", "{}", "{} {}", "{0} {0} {1}",
        "{name}", "{name!r}", "{name!s:>6}", "{name!a}", "{é!a}", "{2!r}", "{2:^{w}}", "{1:{w}.{p}f}",
        "{x:{spec}}", "{1:.{p}}", "{0:,}", "{6:_}", "{0:#x} {0:#o}", "{3[1]}", "{4[k]}", "{4[n]:03}",
        "{d[a][1]}", "{3[0]:+}", "{0:{{}}}", "{:{}}", "{:{:{}}}", "{0:{1:{2}}}",
        "}", "{", "a}b", "{0", "{0!}", "{0!r", "{0!x}", "{0!rx}", "{0:", "{0:{1}", "{!r}",
        "{a{b}", "{3[}", "{3]}", "{3[0]x}", "{3.}", "{3[]}", "{} {0}", "{0} {}", "{7}", "{missing}",
        "{0[0]}", "{3[9]}", "{4[zz]}", "{99999999999999999999}", "{0:d} {1:d}", "{2:=5}", "{5}", "{5:>5}",
        "{1!s:.3}", "{١}", "{0!é}", "{:{}} {}", "{0:{name}}",
    ]
    for t in templates:
        cases.append({"kind": "template", "value": {"args": [enc(a) for a in args], "kwargs": {k: enc(v) for k, v in kwargs.items()}},
                      "spec": t, **run(lambda: t.format(*args, **kwargs))})
    return cases


def printable_table():
    """Code point ranges Python 3.11 deems unprintable or unassigned."""
    def ranges(pred):
        out, start = [], None
        for cp in range(0x110000 + 1):
            inside = cp <= 0x10FFFF and pred(chr(cp))
            if inside and start is None:
                start = cp
            elif not inside and start is not None:
                out.append([start, cp - 1])
                start = None
        return out
    import unicodedata
    return {
        "unidata_version": unicodedata.unidata_version,
        "unprintable": ranges(lambda c: not c.isprintable()),
        "unassigned": ranges(lambda c: unicodedata.category(c) == "Cn"),
    }


def main():
    if sys.argv[1:] == ["printable"]:
        json.dump(printable_table(), sys.stdout, separators=(",", ":"))
        sys.stdout.write("\n")
        return
    cases = format_cases() + repr_cases() + percent_cases() + template_cases()
    # One case a line keeps the golden file reviewable in diffs.
    out = sys.stdout
    out.write('{"python": %s, "cases": [\n' % json.dumps(sys.version.split()[0]))
    for i, c in enumerate(cases):
        out.write(json.dumps(c, ensure_ascii=False, sort_keys=True))
        out.write(",\n" if i + 1 < len(cases) else "\n")
    out.write("]}\n")


main()
