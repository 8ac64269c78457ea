"""Records what CPython's str case methods do with every code point.

Writes one line per code point whose case data is not trivial (a mapping
that changes it, or a case property):
  CODEPOINT <tab> upper <tab> lower <tab> title <tab> casefold <tab> swapcase <tab> FLAGS
with each mapping as space-separated hex code points and FLAGS letters:
U isupper, L islower, C cased, I case-ignorable. The last two are observed
through title() (a cased character makes the next one lowercase) and the
final sigma rule of lower().

Usage: python3 gen_casing.py casing.tsv
"""
import sys
import unicodedata


def hexs(s):
    return " ".join("%04X" % ord(ch) for ch in s)


out = ["# Python %s, Unicode %s" % (sys.version.split()[0], unicodedata.unidata_version)]
for cp in range(0x110000):
    if 0xD800 <= cp <= 0xDFFF:
        continue
    c = chr(cp)
    maps = [c.upper(), c.lower(), c.title(), c.casefold(), c.swapcase()]
    cased = ("x" + c + "a").title()[-1] == "a"
    if cased:
        ignorable = ("1" + c + "\u03a3").lower()[-1] == "\u03c3"
    else:
        ignorable = ("A" + c + "\u03a3").lower()[-1] == "\u03c2"
    flags = ""
    for letter, on in (("U", c.isupper()), ("L", c.islower()), ("C", cased), ("I", ignorable)):
        if on:
            flags += letter
    if flags or any(m != c for m in maps):
        out.append("\t".join(["%04X" % cp] + [hexs(m) for m in maps] + [flags]))
with open(sys.argv[1], "w", encoding="ascii") as f:
    f.write("\n".join(out) + "\n")
