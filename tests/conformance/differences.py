#!/usr/bin/env python3
"""The README's "Differences from lynguine, on purpose" section, generated
from bug_expectations.json (its `differences` list, in order).

    differences.py                 # print the section's list
    differences.py --check README.md   # exit 1 when README's section differs
    differences.py --write README.md   # rewrite README's section

tests/wire/test_conformance.py runs the check, so a difference added to the
expectations but not to the README (or the other way round) fails `make test`.
Standard library only."""
import argparse
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTATIONS = os.path.join(HERE, "bug_expectations.json")
HEADING = "## Differences from lynguine, on purpose"
INTRO = ("Generated from `tests/conformance/bug_expectations.json` "
         "(`python3 tests/conformance/differences.py --write README.md`); `make test` replays the "
         "recorded case of each one and fails when this list and the expectations disagree.")


def load(path=EXPECTATIONS):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def section(expectations):
    lines = [HEADING, "", INTRO, ""]
    for d in expectations["differences"]:
        lines.append("- " + d["text"])
    return "\n".join(lines) + "\n"


def split_readme(text):
    """(before, section, after) around the differences section."""
    start = text.find(HEADING)
    if start < 0:
        raise ValueError("README has no '%s' section" % HEADING)
    nxt = text.find("\n## ", start + len(HEADING))
    end = len(text) if nxt < 0 else nxt + 1
    return text[:start], text[start:end], text[end:]


def readme_section(readme_path):
    with open(readme_path, encoding="utf-8") as f:
        return split_readme(f.read())[1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", metavar="README")
    ap.add_argument("--write", metavar="README")
    a = ap.parse_args(argv)
    want = section(load())
    if a.write:
        with open(a.write, encoding="utf-8") as f:
            before, _, after = split_readme(f.read())
        sep = "" if after == "" else "\n"
        with open(a.write, "w", encoding="utf-8") as f:
            f.write(before + want + sep + after)
        return 0
    if a.check:
        got = readme_section(a.check).rstrip("\n") + "\n"
        if got != want:
            print("README's differences section is not what bug_expectations.json says; run\n"
                  "  python3 tests/conformance/differences.py --write README.md", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(want)
    return 0


if __name__ == "__main__":
    sys.exit(main())
