"""YAML inputs with PyYAML 1.1's edge cases: front matter of a talk (every
field through /api/talk/field and lamd's mdfield, the whole file through
read_data markdown) and YAML data files (read_data yaml)."""
import json

# Plain and quoted scalars whose typing PyYAML 1.1 decides.
SCALARS = [
    "yes", "No", "ON", "off", "y", "n", "Y", "True", "TRUE", "tRUE", "false", "~", "null",
    "Null", "NULL", "", "0755", "007", "0x1F", "0b1010", "0o17", "1_000", "+12", "-0", "12:30",
    "08:30", "190:20:30", "1:30:00", "1e3", "1.0e+3", "1e-3", "6.02e+23", ".5", "-.5", "+.5",
    "1.", ".inf", "-.Inf", "+.inf", ".NaN", ".nan", "1_000.5", "190:20:30.15", "2002-12-14",
    "2025-6-5", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "2001-12-15T02:59:43.1Z", "2001-12-15 2:59:43.10", "2024-02-30", "2024-01-01 00:00:00",
    "1,000", "3.14", "-17", "0", "00", "0.0", "-0.0", "1e400", "123456789012345678901234567890",
    "-9223372036854775809", "9223372036854775807", "hello world", "'single quoted'",
    "'it''s'", '"double \\u00e9 \\t tab"', '"line\\nbreak"', "!!str 123", "!!int \"42\"",
    "!!float 1", "!!bool yes", "!!str", "[1, 2, three]", "{a: 1, b: [x, y]}", "[]", "{}",
    "http://x.org/a#b", "$HOME/x", "${HOME}/y", "$NOPE_VAR_LYN", "$$", "~/x", "café", "日本語",
    "a - b", "- not a list", "x #comment", "'#hash'", "\"\"", "''", "=", "<", "a:b", "0.1e1",
    "6.8523015e+5", "685.230_15e+03", "-1_0", "0b0", "0x_1", "1__0", "1.5e", "e5", "NaN",
    "Infinity", "-inf", "+1", "+0.5", "0o7", "012345", "09", "0.", "-.inf", "2001-12-14",
    "2002-1-1", "1:2", "1:60", "-1:30", "1.5:30", "True ", " spaced", "tab\there",
    # Tabs where PyYAML's pure-Python scanner (lynguine's yaml.safe_load of a
    # file) stops and libyaml (front matter) goes on.
    "trailing\t", "\tafter colon", "x\t# tab before comment", "x # tab\tin comment",
    "[1,\t2]", "'quoted\ttab'", "2024-13-45", "2023-02-29", "2024-02-29 25:00:00",
]

BLOCKS = [
    "|\n  line one\n  line two\n", ">\n  folded\n  text\n\n", "|-\n  stripped\n",
    "|+\n  kept\n\n", ">+\n  a\n  b\n\n", ">-\n  x\n\n  y\n", "|2\n    indented\n",
    "|\n  trailing\n\n\n", ">\n  one\n\n  two\n   three\n", "\n  - a\n  - 1\n  - yes\n",
    "\n  - [1, 2]\n  - {k: v}\n  -\n  - ~\n", "\n  x: 1\n  y: [a, b]\n  z: {p: q}\n",
    "\n  - given: Ada\n    family: Lovelace\n  - given: Alan\n    family: Turing\n",
    "\n  - 2024-01-02\n  - 2024-01-02 10:30:00\n  - 12:30\n",
    "\n  nested:\n    deeper:\n      - x\n      - 0x10\n",
    "'multi\n  line single'\n", "\"multi\n  line double\"\n", "plain\n  continued line\n",
]

KEYS = ["title", "date", "venue", "author", "categories", "published", "reveal", "layout",
        "abstract", "tags", "year", "time", "ref", "draft", "weight", "url", "notes", "k-1",
        "with space", "Title", "x", "'quoted key'"]
# Keys PyYAML types as numbers, bools, null or dates.
ODD_KEYS = ["2024", "yes", "null", "1.5", "~", "0x10", "2024-01-02", "-1", "off"]


def scalar_line(rng, key):
    if rng.random() < 0.2:
        return "%s: %s" % (key, rng.choice(BLOCKS).rstrip("\n"))
    return "%s: %s" % (key, rng.choice(SCALARS))


def mapping_lines(rng, n, keys=KEYS):
    lines, used = [], set()
    anchor = None
    for _ in range(n):
        key = rng.choice(ODD_KEYS) if keys is KEYS and rng.random() < 0.1 else rng.choice(keys)
        if key in used and rng.random() < 0.8:
            continue
        used.add(key)
        r = rng.random()
        if r < 0.05 and anchor is None:
            lines.append("%s: &anc %s" % (key, rng.choice(SCALARS[:80]) or "x"))
            anchor = key
        elif r < 0.08 and anchor is not None:
            lines.append("%s: *anc" % key)
        else:
            lines.append(scalar_line(rng, key))
    if rng.random() < 0.1:
        lines.append("# a comment line")
    return lines


def field_key(key):
    """The field name a request uses for a YAML key as written."""
    if key.startswith("'") and key.endswith("'"):
        return key[1:-1]
    return key


def generate(rng, base):
    files, requests = {}, []
    lines = mapping_lines(rng, rng.randint(1, 8))
    body = rng.choice(["Body text.\n", "", "\n\nSome *markdown*.\n\n", "---\nmore\n"])
    start = rng.choice(["---\n", "---\n", "--- \n", "----\n"])
    end = rng.choice(["---\n", "---\n", "...\n"])
    files["talk.md"] = start + "\n".join(lines) + "\n" + end + body
    if rng.random() < 0.5:
        files["_config.yml"] = "\n".join(mapping_lines(rng, rng.randint(1, 5))) + "\n"
    keys = sorted({field_key(l.split(":", 1)[0]) for l in lines if ":" in l and
                   not l.startswith("#")})
    md = base + "/talk.md"
    configs = [base + "/_config.yml"] if "_config.yml" in files else []
    for k in keys + [rng.choice(KEYS)]:
        requests.append({"op": "http", "method": "POST", "path": "/api/talk/field",
                         "body": {"field": k, "markdown_file": md, "config_files": configs}})
        if rng.random() < 0.15:
            requests.append({"op": "mdfield", "args": [k, md]})
    requests.append({"op": "http", "method": "POST", "path": "/api/read_data",
                     "body": {"data_source": {"type": "markdown", "filename": md}}})
    # A data file: records, one mapping of scalars, or columns.
    shape = rng.random()
    if shape < 0.5:
        recs = []
        keys2 = rng.sample(KEYS[:16], rng.randint(1, 4))
        if rng.random() < 0.1:
            keys2.append(rng.choice(ODD_KEYS))
        for _ in range(rng.randint(1, 4)):
            recs.append("- " + "\n  ".join("%s: %s" % (k, rng.choice(SCALARS)) for k in keys2
                                           if rng.random() < 0.9 or k == keys2[0]))
        text = "\n".join(recs) + "\n"
    elif shape < 0.8:
        text = "\n".join(mapping_lines(rng, rng.randint(0, 6),
                                       KEYS[:16] + ODD_KEYS[:rng.randint(0, 2)])) + "\n"
    else:
        n = rng.randint(0, 3)
        text = "\n".join("%s: [%s]" % (k, ", ".join(rng.choice(SCALARS[:70]) or "''"
                                                   for _ in range(n)))
                         for k in rng.sample(KEYS[:16] + ODD_KEYS[:2], rng.randint(1, 3))) + "\n"
    files["data.yml"] = text
    ds = {"type": "yaml", "filename": base + "/data.yml"}
    if rng.random() < 0.3:
        ds["index"] = rng.choice(KEYS[:6])
    requests.append({"op": "http", "method": "POST", "path": "/api/read_data",
                     "body": {"data_source": ds}})
    return {"kind": "yaml", "base": base, "files": files, "requests": requests}


if __name__ == "__main__":
    import random
    print(json.dumps(generate(random.Random(1), "c0"), indent=1))
