#!/usr/bin/env python3
"""Record how lynguine's PyYAML loads YAML, as test data for core/yaml.

lynguine loads front matter through python-frontmatter, whose YAMLHandler
calls yaml.load(text, Loader=CSafeLoader) (libyaml's parser, PyYAML's
SafeConstructor), and YAML files through yaml.safe_load (the same
constructor on PyYAML's pure-Python parser). Our loader is libyaml plus
our own composer and constructor, so the expectation is CSafeLoader's;
where the pure-Python SafeLoader answers differently the case says so
(`py`), for the record.

Run with the oracle's Python (it is the PyYAML lynguine uses):

    /tmp/lynguine-oracle/bin/py-lynguine tests/yaml/record.py

It writes tests/yaml/cases.json, which tests/yaml_cases_test.cc replays
without Python. Each case: the input, then CSafeLoader's answer: the value
in a typed form (["int", "12"], ["dict", [[k, v], ...]], ...), its repr()
and str() (what mdfield prints), json.dumps of it as lynguine's server
serialises (dates to ISO first) when json.dumps can; or the exception's
class and message.
"""

import base64
import datetime
import json
import os
import random
import sys

import yaml


def typed(v):
    """A JSON-able form that keeps Python's types (sets sorted, as their
    order is the hash's)."""
    if v is None:
        return ["none"]
    if isinstance(v, bool):
        return ["bool", v]
    if isinstance(v, int):
        return ["int", str(v)]
    if isinstance(v, float):
        return ["float", repr(v)]
    if isinstance(v, str):
        return ["str", v]
    if isinstance(v, bytes):
        return ["bytes", base64.b64encode(v).decode()]
    if isinstance(v, datetime.datetime):
        return ["datetime", v.isoformat()]
    if isinstance(v, datetime.date):
        return ["date", v.isoformat()]
    if isinstance(v, list):
        return ["list", [typed(x) for x in v]]
    if isinstance(v, tuple):
        return ["tuple", [typed(x) for x in v]]
    if isinstance(v, (set, frozenset)):
        return ["set", sorted((typed(x) for x in v), key=lambda t: json.dumps(t))]
    if isinstance(v, dict):
        return ["dict", [[typed(k), typed(x)] for k, x in v.items()]]
    raise TypeError(type(v).__name__)


def has_unordered(v):
    if isinstance(v, (set, frozenset)):
        return len(v) > 1 or any(has_unordered(x) for x in v)
    if isinstance(v, (list, tuple)):
        return any(has_unordered(x) for x in v)
    if isinstance(v, dict):
        return any(has_unordered(k) or has_unordered(x) for k, x in v.items())
    return False


def server_json(v):
    """lynguine's server: _make_json_serializable (dates to isoformat,
    through lists and dicts), then json.dumps."""

    def conv(x):
        if isinstance(x, (datetime.datetime, datetime.date)):
            return x.isoformat()
        if isinstance(x, list):
            return [conv(y) for y in x]
        if isinstance(x, dict):
            return {k: conv(y) for k, y in x.items()}
        return x

    return json.dumps(conv(v), allow_nan=False)


def answer(text, loader):
    try:
        v = yaml.load(text, Loader=loader)
    except RecursionError:
        return {"error": "RecursionError", "message": "maximum recursion depth exceeded"}
    except Exception as e:  # the class and message are the data
        return {"error": type(e).__name__, "message": str(e)}
    out = {}
    try:
        out["value"] = typed(v)
        out["repr"] = repr(v)
        out["str"] = str(v)
    except (TypeError, ValueError, RecursionError) as e:
        # A recursive structure, or an int Python cannot print.
        out = {"unprintable": "%s: %s" % (type(e).__name__, e)}
        return out
    if has_unordered(v):
        out["unordered"] = True
    try:
        out["json"] = server_json(v)
    except (TypeError, ValueError) as e:
        out["json_error"] = "%s: %s" % (type(e).__name__, e)
    if isinstance(v, dict):
        # What `mdfield KEY` prints for each string key: str(value).
        out["fields"] = [[k, str(x)] for k, x in v.items()
                         if isinstance(k, str) and not has_unordered(x)]
    return out


# ---------------------------------------------------------------- inputs --

SCALARS = """
0 00 007 0_7 08 09 0o17 0O17 0x1F 0X1F 0x1f 0x_1 0x_ 0x 0b101 0B101 0b_ 0b 0b2 0b_1_0 -0b1 +0b1
-0x10 +0x10 -017 +017 -0 +0 1_000 1__0 _1 1_ 12:30 1:30:00 190:20:30 0:30 1:60 1:5:9 -1:30 +1:30
1_0:3_0 1:30:60 1:30:5_9 99999999999999999999999 -9223372036854775808 9223372036854775807
9223372036854775808 -9223372036854775809 0777777777777777777777777 0xFFFFFFFFFFFFFFFFFF
1.5 1. .5 -.5 +.5 1e5 1e+5 1.e+5 1.0e5 1.0e+5 1.0E-5 6.02e+23 6.02E+23 1_000.5 ._5 1._5 1.5_ 1.0e+_5
.inf .Inf .INF -.inf +.inf -.Inf .iNf .nan .NaN .NAN -.nan +.nan .Nan 1:30.5 190:20:30.15 1:30. 1:30._
1.0e+400 -1.0e+400 1.0e-400 0.0 -0.0 00.5 1.7976931348623157e+308 5e-324 0.1 0.30000000000000004
123456789012345678901234567890.5 1:2:3:4:5:6.5 -1:30.5
yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF y Y n N yES tRUE oN nO
~ null Null NULL nULL None none
2001-12-14 2001-12-14t21:59:43.10-05:00 2001-12-14T21:59:43.10+05:00 2001-12-15T02:59:43.1Z
2001-12-15t02:59:43.1z 2001-1-1 2001-01-1 2001-1-01 2001-01-01T1:02:03 2001-01-01T01:02:03
2001-01-01T01:02:03.123456789 2001-01-01T01:02:03. 2001-01-01T01:02:03.5Z 2001-01-01T01:02:03+00
2001-01-01T01:02:03-00:00 2001-01-01T01:02:03+5 2001-01-01T01:02:03+05:3 2001-01-01T01:02:03+24
2001-01-01T01:02:03-24:00 2001-01-01T01:02:03+23:59 2001-01-01T01:02:03-99:99 2001-02-29 2000-02-29
1900-02-29 2001-13-01 2001-00-10 2001-04-31 0000-01-01 9999-12-31 2001-01-01T24:00:00
2001-01-01T23:60:00 2001-01-01T23:59:60 2001-1-1T1:2:3 20011-01-01 2001-01-01T01:02
2001-01-01T01:02:03Zx 2001-12-14X21:59:43
< << <<< = == ! & * 0.0.0 1.2.3 1,000 1,000.5 $HOME ${HOME} %x @x `x 0x1.8p3 1e 1e- e5 .e5
- -- --- ? : :x x: -x ?x #x x#y
""".split()

# Scalars with spaces or tabs, one per line.
SPACED = [
    "2001-12-14 21:59:43.10 -5",
    "2001-12-14 21:59:43.10 -05:00",
    "2001-12-15 2:59:43.10",
    "2001-12-14\t21:59:43.10\t-5",
    "2001-12-14  21:59:43.10   Z",
    "2001-12-14 21:59:43 +05:30",
    "2001-12-14 21:59:43 Z",
    "2001-2-3 1:2:3",
    "2001-01-01 01:02:03 +1",
    "1 000",
    "a b",
    "yes please",
    "12 :30",
]

DOCS = [
    # keep, strip and clip chomping of literal and folded blocks
    "a: >+\n  x\n\nb: 1\n",
    "a: |+\n  x\n\n\nb: 1\n",
    "a: |+\n  x\n\n",
    "a: >+\n  x\n\n  y\n\n\n",
    "a: |+\n  x",
    "a: |-\n  x\n\n",
    "a: |\n  x\n\n\n",
    "a: >\n  x\n  y\n\n  z\n",
    "- |+\n  x\n\n- y\n",
    "- >+\n  x\n\n\n- >-\n  y\n\n",
    "a: |2+\n   x\n\n",
    "a: |+2\n   x\n\n",
    "a: >+\n\n  x\n\n",
    "a:\n  b: |+\n    x\n\n  c: d\n",
    "a: |+\n\n",
    "a: |+\n",
    "a: >+\n  x\n  \n  y\n",
    "a: |\n  line one\n    indented\n  line three\n",
    "a: >\n  folded\n    more\n  back\n",
    "a: |+\n  trailing   \n\n",
    # quoting, explicit and non-specific tags
    'a: "1"', "a: '1'", "a: ! 12", 'a: ! "12"', 'a: ! "yes\\n"', "a: !!str 12", 'a: !!int "12"',
    "a: !!int [1]", "a: !!map [1]", "a: !!seq {a: 1}", "a: !!str [1]", "a: !!str {=: x}",
    "a: !!int {=: 5}", "a: !!int {x: 5}", "a: !!timestamp {=: 2001-01-01}",
    "a: !!null x", "a: !!null [1]", 'a: !!float ""', 'a: !!int ""', 'a: !!int "-"',
    "a: !!int 0x0x10", 'a: !!int " 12 "', "a: !!int 0o17", "a: !!int -0x-5", "a: !!int 1e5",
    "a: !!int x", "a: !!int 1:x", "a: !!int 1::2", "a: !!float x", "a: !!float inf",
    "a: !!float -nan", "a: !!float 1:30", "a: !!float 1:x", "a: !!float 0x10", "a: !!float 1_000",
    "a: !!bool maybe", "a: !!bool YES", "a: !!bool ''", "a: !!timestamp 2001-1-1",
    "a: !!timestamp x", "a: !!timestamp 2001-01-01 1:02:03", "a: !!str", "a: !!int",
    "a: !!python/tuple [1,2]", "a: !!python/object:os.system x", "a: !!python/name:os.system",
    "a: !foo bar", "a: !<tag:yaml.org,2002:str> 12", "a: !<!foo> x",
    "%TAG ! tag:yaml.org,2002:\n---\na: !int 12\n", "%YAML 1.1\n---\na: 1\n",
    "%YAML 1.2\n---\na: 1\n", "%YAML 2.0\n---\na: 1\n",
    "a: !!merge x", "a: !!value x", "- <<", "- =", "a: =", "=: 1", "{=: 1, x: 2}",
    # binary
    "a: !!binary aGVsbG8=", "a: !!binary aGVsbG8", "a: !!binary |\n  aGVs\n  bG8=\n",
    "a: !!binary abcde", "a: !!binary ab", "a: !!binary a=b=c", "a: !!binary ''",
    "a: !!binary AAEC/w==", "a: !!binary '////'", "a: !!binary 'YQ==YQ=='", "a: !!binary 'Y Q = ='",
    "a: !!binary 'YQ=*='", "a: !!binary '=YQ=='", "a: !!binary 'Jw=='", "a: !!binary 'Ig=='",
    "a: !!binary 'JyI='", "a: !!binary 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gfn+AgZ+g/w=='",
    'a: !!binary "\u00e9"', 'a: !!binary "ab\u00e9\u00e8cd"', 'a: !!binary "\u20ac"',
    'a: !!binary "\U0001f600x"', "- !!binary aGk=\n- !!binary aGk=\n",
    "? !!binary aGk=\n: x\n",
    # sets, ordered maps and pairs
    "a: !!set {x, y}", "a: !!set {}", "a: !!set {1, 1.0, true}", "a: !!set {x: 1}",
    "a: !!set [x]", "a: !!set {? [1]}", "a: !!set {.nan, .nan}", "a: !!set {1}",
    "a: !!omap [{a: 1}, {b: 2}]", "a: !!omap [{a: 1}, {a: 2}]", "a: !!omap []",
    "a: !!omap {a: 1}", "a: !!omap [x]", "a: !!omap [{a: 1, b: 2}]", "a: !!omap [{}]",
    "a: !!pairs [{a: 1}, {a: 2}]", "a: !!pairs x", "a: !!pairs [[1]]",
    "a: !!omap [{<<: {x: 1}}]", "a: !!omap [{[1]: 2}]",
    # anchors, aliases, merges
    "a: &x 1\nb: *x\n", "a: &x [1, 2]\nb: *x\n", "a: *x", "a: &x 1\nb: &x 2",
    "&a a: b", "a: &x [*x]", "a: &x {b: *x}", "- &a [&b [*a]]",
    "base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n",
    "base: &b {x: 1, y: 2}\nd:\n  y: 3\n  <<: *b\n",
    "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*a, *b]\n",
    "a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc:\n  <<: [*b, *a]\n  z: 3\n",
    "a: &a {x: 1}\nc:\n  <<: *a\n  <<: {y: 2}\n",
    "c:\n  <<: {x: 1, <<: {y: 2}}\n",
    "c: {<<: 1}", "c: {<<: [1]}", "c: {<<: [{a: 1}, 2]}", "c: {<<: []}", "c: {<<: {}}",
    "c: &a {x: 1, <<: *a}", "c: &a {<<: *a, x: 1}", "c: &a {<<: [*a, {y: 2}], x: 1}",
    'c: {"<<": {x: 1}}', "c: {!!merge <<: {x: 1}}", "c: {? <<\n : {x: 1}}",
    "- &a {x: 1}\n- {<<: *a, <<: *a}\n", "{<<: &a {x: 1}, y: *a}",
    "a: &v {=: 5}\nb: !!int {<<: *v}\n",
    "lol: &a [x, x]\nlol2: &b [*a, *a]\nlol3: [*b, *b]\n",
    # repeated and non-string keys
    "a: 1\na: 2\n", "a: 1\nb: 2\na: 3\n", "1: a\ntrue: b\n", "1: a\n1.0: b\nTrue: c\n",
    "null: a\n~: b\n", "0: a\nfalse: b\n0.0: c\n-0.0: d\n", "1: a\n'1': b\n",
    "2024-01-01: a\n2024-01-01: b\n", "2024-01-01 00:00:00: a\n2024-01-01: b\n",
    "2024-01-01 01:00:00 +01:00: a\n2024-01-01 00:00:00 Z: b\n",
    "2024-01-01 01:00:00: a\n2024-01-01 01:00:00 Z: b\n",
    ".nan: a\n.nan: b\n", "!!float nan: a\n!!float nan: b\n", ".inf: a\n-.inf: b\n",
    "1.5: a\n3: b\n0x3: c\n", "? [1]\n: b\n", "? {a: 1}\n: b\n", "? !!set {a}\n: b\n",
    "? !!omap [{a: 1}]\n: b\n", "? !!binary aGk=\n: b\n", "99999999999999999999: a\n",
    "1: 2\n3: {4: 5}\n", "title: T\n1: a\n", "yes: 1\nno: 2\non: 3\n", "? |\n  x\n: y\n",
    "[1, 2]: x", "{a: 1}: x",
    # documents and streams
    "", " ", "\n", "# just a comment\n", "---\n", "---\n...\n", "--- \n---\n", "---\na\n---\nb",
    "a: 1\n---\nb: 2\n", "a: 1\n...\n", "a: 1\n...\n---\nb: 1\n", "---\n,a", "--- ,a", ",a",
    " ,a", "# c\n,a", "a: 1\n---\n,a", "--- |\n  x\n", "--- >\n  x\n", "x", "- x", "[x]", "{x: 1}",
    "\ufeffa: 1", "a: 1\r\nb: 2\r\n",
    # scanner and parser errors
    "[a, b", "{a: 1", "a: 'x", 'a: "x', "a:\tb", "- a\n-b", "a: b: c", "a:\n  - b\n c: d",
    "a: [1, 2]]", "a: }", "a: @x", "a: `x", "'", '"', "a: &", "a: *", "a: !", "%FOO\n---\n",
    "a: |\n  x\n y\n", "a: >-2\n x\n", "a: |0\n  x\n", "a: |10\n  x\n", "? a\n? b\n",
    "a: 'x\n\ny'", 'a: "\\x41\\u00e9\\U0001F600\\N\\_\\L\\P"', 'a: "\\q"', 'a: "\\x4"',
    'a: "\\x00"', "a: \x01", "a: \x7f", "a: \x85x", "a: x\u2028y", "a: \ud7ff",
    "&\xff\xff\xff\xff\xff\xff\xff,\x0e", "&a ,",
    "key with spaces: v", "? complex\n: v\n", "a: [b, {c: d}, [e]]", "a: {b: [c, d]}",
    "-\n  - a\n  -\n    - b\n", "a:\n- b\n- c\n", "a: -1\nb: - 1\n",
    "a: 'it''s'", 'a: "say \\"hi\\""', "a: plain # comment", "a: x#y", "a: 'multi\n  line'",
    "a: multi\n  line\n  plain", "a: |\n  \u00e9t\u00e9\n", "t\u00eftle: \u65e5\u672c",
    # repr() of every kind of character (escaped: Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs but space)
    'a: "\\x00\\x07\\x1f\\x7f\\x80\\x9f\\xa0\\xad\\xff"',
    'a: "\\u0378\\u061c\\u200b\\u200d\\u2028\\u2029\\u2066\\u3000\\u1680\\ufeff\\uffff"',
    'a: "\\ue000\\U000e0001\\U0010ffff\\U0001f600\\U0001f468\\u200d\\U0001f469"',
    "a: e\u0301 \u0915\u094d\u0937 \ufe0f \u00e9\u00e8 \u0400\u04ff \u4e00 \U00020000",
    "a: it's", "a: 'say \"hi\"'", "a: \"it's \\\"x\\\"\"", "- it's\n- x\\y\n",
]


# Markdown files as python-frontmatter's load() splits and parses them
# (what lynguine's read_markdown_file calls).
FRONT_MATTER = [
    "---\ntitle: T\n---\nbody\n",
    "\n\n---\ntitle: T\n---\n\nbody\n\n",
    "---\ntitle: T\n----\nbody",
    "----\ntitle: T\n---   \nbody",
    "--- \t\ntitle: T\n---\n\n\nbody\n---\nmore\n",
    "---\ntitle: T\n",
    "# no front matter\n",
    "title: T\n---\nbody",
    "---\n---\nbody",
    "---\n\n---\nbody",
    "---\n- a\n- b\n---\nbody",
    "---\njust a string\n---\nbody",
    "---\ntitle: [x\n---\nbody",
    "---\nn: 0x_\n---\nbody",
    "---\n1: one\ntitle: T\n---\nbody",
    "---\ntrue: x\n---\nbody",
    "---\nnull: x\n---\nbody",
    "---\nnested: {1: a, true: b}\n---\nbody",
    "---\nbin: !!binary aGVsbG8=\n---\nbody",
    "---\nblk: |+\n  x\n\n\nlast: z\n---\nbody",
    "---\nblk: >+\n  x\n\n---\nbody",
    "---\na: 1\n---\nb: 2\n---\nbody",
    "---\ntitle: T\r\n---\r\nbody\r\n",
    "---\ntitle: T\n...\n---\nbody",
    "---\ntitle: T\n--- x\n---\nbody",
    "---\ntitle: \"a: b\"\nlist:\n  - x\n---\n  indented body  \n",
    "\ufeff---\ntitle: T\n---\nbody",
    "---\ntitle: T\n---",
    "---\ntitle: T\n---\n",
    "---\r\ntitle: T\r\n---\r\nbody",
    "---\ntitle: T\n--\n---\nbody",
    "---\nkey: &a 1\nother: *a\n---\nbody",
    "---\n<<: {a: 1}\nb: 2\n---\nbody",
    "---\ntitle: x\n---\n\n,include{a}\n",
    "---\n&a ,\n---\n",  # issue 12: 13 bytes that made yaml-cpp allocate without bound
]


# Inputs where we differ on purpose: PyYAML loads them (sharing the aliased
# objects, or recursing 5,000 deep), our budgets (core/yaml.h YamlLimits)
# refuse them naming the limit. What PyYAML did is recorded so the test can
# show the difference is real; `limit` is the one we name. The merge-key
# bomb of tests/yaml_test.cc is not here: PyYAML's flatten_mapping copies
# node lists 3^24 times over it and never finishes.
def billion_laughs():
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, 9):
        c, p = chr(ord("a") + i), chr(ord("a") + i - 1)
        text += "%s: &%s [%s]\n" % (c, c, ",".join("*" + p for _ in range(9)))
    return text


BEYOND_BUDGET = [
    (billion_laughs(), "yaml max_alias_nodes"),
    ("[" * 513 + "]" * 513, "yaml max_depth"),
    ("[" * 5000 + "]" * 5000, "yaml max_depth"),
    ("a0: &a0 1\n" + "".join(
        "a%d: &a%d %s*a%d%s\n" % (i, i, "[" * 100, i - 1, "]" * 100) for i in range(1, 21)),
     "yaml max_depth"),
]


def pyyaml_outcome(text):
    """What CSafeLoader does with it, without printing the value (the bomb
    would print 387 million strings)."""
    try:
        v = yaml.load(text, Loader=yaml.CSafeLoader)
    except Exception as e:  # the class and message are the data
        return {"error": type(e).__name__, "message": str(e)}
    return {"loaded": type(v).__name__, "len": len(v)}


def front_matter_answer(text):
    import frontmatter

    try:
        post = frontmatter.loads(text)
    except Exception as e:  # the class and message are the data
        return {"error": type(e).__name__, "message": str(e)}
    return {"fields": typed(dict(post.metadata)), "content": post.content}


def generated_scalars(rng, n):
    """Random plain scalars over the characters the implicit resolvers
    look at."""
    alphabet = "0123456789" * 3 + "+-._:eExXbBoO_ TtZz\t" + "aifnyNY~<=,"
    out = set()
    while len(out) < n:
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))).strip(" \t")
        if s:
            out.add(s)
    return sorted(out)


def generated_timestamps(rng, n):
    out = set()
    while len(out) < n:
        y = rng.choice(["2001", "1999", "0000", "9999", "2000", "20011", "201"])
        m = rng.choice(["1", "01", "12", "13", "00", "2", "02", "123"])
        d = rng.choice(["1", "01", "28", "29", "30", "31", "32", "00"])
        s = "%s-%s-%s" % (y, m, d)
        if rng.random() < 0.7:
            sep = rng.choice(["T", "t", " ", "  ", "\t", "x", ""])
            h = rng.choice(["0", "00", "1", "23", "24", "123"])
            mi = rng.choice(["00", "59", "60", "5"])
            se = rng.choice(["00", "59", "60", "5"])
            s += "%s%s:%s:%s" % (sep, h, mi, se)
            s += rng.choice(["", ".", ".1", ".123456", ".1234567", ".x"])
            s += rng.choice(["", "Z", " Z", "+01", "-01:30", "+1", "+05:3", " +24", "-23:59", "+99:99", "z"])
        out.add(s)
    return sorted(out)


def generated_base64(rng, n):
    alphabet = "ABCDabcd0189+/=" * 2 + " \n*-_"
    out = set()
    while len(out) < n:
        out.add("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14))))
    return sorted(out)


def inputs():
    rng = random.Random(20240614)
    docs = []
    for s in SCALARS + SPACED:
        docs.append("k: %s\n" % s)
    for s in SCALARS:
        docs.append("- %s\n" % s)  # the same in a sequence
        docs.append("%s: v\n" % s if not s.startswith(("-", "?", ":", "!", "&", "*", "%", "@", "`", "#"))
                    else "'%s': v\n" % s)
    docs += DOCS
    for s in generated_scalars(rng, 1500):
        docs.append("k: %s\n" % s)
    for s in generated_timestamps(rng, 400):
        docs.append("k: %s\n" % s)
        docs.append("k: !!timestamp '%s'\n" % s)
    for s in generated_base64(rng, 300):
        docs.append("k: !!binary %s\n" % json.dumps(s))
    for s in generated_scalars(rng, 200):
        for tag in ("int", "float", "bool"):
            docs.append("k: !!%s %s\n" % (tag, json.dumps(s)))
    seen = set()
    out = []
    for d in docs:
        if d not in seen:
            seen.add(d)
            out.append(d)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    cases = []
    for text in inputs():
        c = answer(text, yaml.CSafeLoader)
        case = {"input": text, "c": c}
        p = answer(text, yaml.SafeLoader)
        # Messages differ in form (the pure parser quotes the line); only
        # a different outcome is worth keeping.
        if p.get("error") != c.get("error") or p.get("value") != c.get("value"):
            case["py"] = p
        cases.append(case)
    front = [{"input": t, "load": front_matter_answer(t)} for t in FRONT_MATTER]
    beyond = [{"input": t, "limit": limit, "c": pyyaml_outcome(t)} for t, limit in BEYOND_BUDGET]
    meta = {
        "recorded_with": "PyYAML %s (libyaml %s), Python %s" % (
            yaml.__version__, yaml._yaml.get_version_string(), sys.version.split()[0]),
        "loader": "yaml.CSafeLoader (python-frontmatter's); 'py' is yaml.SafeLoader where it differs",
        "cases": cases,
        "front_matter": front,
        "beyond_budget": beyond,
    }
    path = os.path.join(here, "cases.json")
    with open(path, "w") as f:
        json.dump(meta, f, indent=1, ensure_ascii=True)
        f.write("\n")
    differ = sum(1 for c in cases if "py" in c)
    print("%d cases written to %s (%d where SafeLoader differs)" % (len(cases), path, differ))


if __name__ == "__main__":
    main()
