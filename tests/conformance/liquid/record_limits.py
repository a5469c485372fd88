#!/usr/bin/env python3
"""Records how lynguine's Liquid (python-liquid 2.3, LAX) behaves near its own
limits: block nesting (block_nesting_limit 30, and the LAX recovery of a
block tag that fails), loop nesting (context_depth_limit 30), Python's
4300-digit int/str limit, exact big-int // and %, long and/or chains.
These are behaviours to copy, not budgets; the budgets themselves are
tested in tests/liquid_limits_test.cc.

    /tmp/lynguine-oracle/bin/py-lynguine tests/conformance/liquid/record_limits.py

rewrites limits_cases.json beside this script, in cases.json's format.
"""
import json
import os
import sys

from lynguine.assess.compute import Compute
from lynguine.util.text import render_liquid


def nest(open_, close, n, inner="x", mark=False):
    if mark:
        return ("".join(open_.replace("#", str(k)) for k in range(1, n + 1)) + inner +
                "".join(close.replace("#", str(k)) for k in range(1, n + 1)))
    return open_ * n + inner + close * n


def cases():
    out = []
    for n in (29, 30, 31, 32, 40):
        out.append(("if-%d" % n, "a" + nest("{% if true %}<#>", "{% endif %}[#]", n, mark=True) + "b"))
        out.append(("unless-%d" % n, "a" + nest("{% unless false %}", "{% endunless %}", n) + "b"))
        out.append(("case-%d" % n, "a" + nest("{% case 1 %}{% when 1 %}", "{% endcase %}", n) + "b"))
        out.append(("else-%d" % n, "a" + nest("{% if false %}{% else %}", "{% endif %}", n) + "b"))
        out.append(("elsif-%d" % n, "a" + nest("{% if false %}{% elsif true %}", "{% endif %}", n) + "b"))
        out.append(("capture-%d" % n, "a" + nest("{% capture q %}", "{% endcapture %}", n) + "b{{ q }}"))
        out.append(("ifchanged-%d" % n, "a" + nest("{% ifchanged %}", "{% endifchanged %}", n) + "b"))
        out.append(("mixed-%d" % n, "a" + nest("{% if true %}{% unless false %}", "{% endunless %}{% endif %}", n // 2) + "b"))
        out.append(("liquid-tag-%d" % n, "a{% liquid " + "liquid " * (n - 1) + "echo 'x' %}b"))
        out.append(("liquid-in-if-%d" % n, "a" + nest("{% if true %}", "{% endif %}", n - 1, "{% liquid echo 'x' %}") + "b"))
    # A block that fails keeps its depth: later blocks nest one level less.
    for n in (28, 29, 30):
        out.append(("leak-%d" % n, "a" + nest("{% if true %}", "{% endif %}", 31) + "b" +
                    nest("{% if true %}", "{% endif %}", n, "y") + "c"))
    # Loops nest at most 26 deep (context_depth_limit 30 minus 4 base scopes).
    for n in (25, 26, 27, 28):
        out.append(("for-%d" % n, "a" + nest("{% for i in (1..1) %}", "{% endfor %}", n, "{{ i }}") + "b"))
        out.append(("for-text-%d" % n, "a" + nest("{% for i in (1..1) %}-", "{% endfor %}", n, "x") + "b"))
        out.append(("tablerow-%d" % n, "a" + nest("{% tablerow i in (1..1) %}", "{% endtablerow %}", n) + "b"))
        out.append(("for-empty-%d" % n, "a" + nest("{% for i in (1..1) %}", "{% endfor %}", n, "{% for j in (1..0) %}{% else %}e{% endfor %}") + "b"))
    out.append(("for-tablerow-27", "a" + nest("{% for i in (1..1) %}", "{% endfor %}", 26, "{% tablerow j in (1..0) %}x{% endtablerow %}") + "b"))
    out.append(("for-in-if-26", "a" + nest("{% if true %}{% for i in (1..1) %}", "{% endfor %}{% endif %}", 14) + "b"))
    # LAX recovery of block tags that fail to parse.
    for t in ["a{% if %}x{% endif %}b",
              "a{% if %}x{% if true %}y{% endif %}z{% endif %}b",
              "a{% if 1 == %}x{% endif %}b{% endif %}c",
              "a{% for %}x{% endfor %}b{% endfor %}c",
              "a{% for x in %}x{% endfor %}b{% endfor %}c",
              "a{% unless %}x{% endunless %}b",
              "a{% case %}{% when 1 %}x{% endcase %}b{% endcase %}c",
              "a{% capture %}x{% endcapture %}b{% endcapture %}c",
              "a{% tablerow %}x{% endtablerow %}b",
              "a{% if true %}{% elsif %}x{% endif %}b{% endif %}c",
              "a{% if true %}1{% elsif 1 == %}x{% else %}y{% endif %}z",
              "a{% unless false %}1{% elsif %}x{% elsif true %}y{% endunless %}z",
              "a{% for i in (1..2) foo %}x{% endfor %}b",
              "a{% if true %}x{% endif %}{% if true %}y"]:
        out.append(("lax-" + t, t))
    # Python ints: exact // and %, the 4300-digit limits.
    out.append(("bigdiv", "{{ 123456789012345678901234567890123456789012345678901234567890 | divided_by: 98765432109876543210987654321098765432109 }}"))
    out.append(("bigdiv-neg", "{{ -123456789012345678901234567890123456789012345678901234567890 | divided_by: 98765432109876543210987654321098765432109 }}"))
    out.append(("bigmod-neg", "{{ -123456789012345678901234567890123456789012345678901234567890 | modulo: 98765432109876543210987654321098765432109 }}"))
    out.append(("bigmod-negdiv", "{{ 123456789012345678901234567890123456789012345678901234567890 | modulo: -98765432109876543210987654321098765432109 }}"))
    out.append(("literal-4300", "a{{ " + "7" * 4300 + " | modulo: 1000 }}b"))
    out.append(("literal-4301", "a{{ " + "7" * 4301 + " | modulo: 1000 }}b"))
    out.append(("literal-neg-4300", "a{{ -" + "7" * 4300 + " | modulo: 1000 }}b"))
    out.append(("squares-mod", "{% assign x = 3 %}{% for i in (1..13) %}{% assign x = x | times: x %}{% endfor %}{{ x | modulo: 1000007 }}"))
    out.append(("squares-str", "{% assign x = 3 %}{% for i in (1..13) %}{% assign x = x | times: x %}{% endfor %}{{ x | append: '' | size }}"))
    out.append(("squares-too-long-to-print", "a{% assign x = 3 %}{% for i in (1..14) %}{% assign x = x | times: x %}{% endfor %}{{ x }}"))
    # and/or chains, grouped from the right.
    out.append(("and-300", "{% if " + " and ".join(["true"] * 300) + " %}y{% endif %}"))
    out.append(("or-300", "{% if " + " or ".join(["false"] * 299 + ["true"]) + " %}y{% endif %}"))
    out.append(("and-or", "{% if false and true or true %}y{% else %}n{% endif %}"
                "{% if true or false and false %}y{% else %}n{% endif %}"
                "{% if false or false and true or true %}y{% else %}n{% endif %}"))
    out.append(("brackets-300", "{{ " + "a[" * 300 + "'k'" + "]" * 300 + " }}"))
    return out


def main():
    compute = Compute({})
    recorded = []
    for name, template in cases():
        case = {"name": name, "template": template, "context": {"a": {"k": "v"}} if "brackets" in name else {}}
        try:
            case["output"] = render_liquid(compute, template, **case["context"])
        except Exception as e:  # noqa: BLE001
            case.update(error=True, error_type=type(e).__name__, error_message=str(e))
        recorded.append(case)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "limits_cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"description": "lynguine's Liquid near python-liquid's own limits",
                   "recorded_with": "lynguine 0.1.2 render_liquid(Compute({}), template, **context); "
                                    "python-liquid 2.3.0 LAX; Python " + sys.version.split()[0],
                   "cases": recorded}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("%d cases written to %s" % (len(recorded), path))


if __name__ == "__main__":
    main()
