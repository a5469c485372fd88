"""Liquid templates with every python-liquid 2.3 filter and tag (and
lynguine's own filters), rendered with random contexts through
lynguine.util.text.render_liquid and our POST /api/compute render_liquid."""
import re

FILTERS = {
    # name: argument makers (each a list of literal argument texts)
    "abs": [], "at_most": ["NUM"], "at_least": ["NUM"], "ceil": [], "divided_by": ["NUM"],
    "floor": [], "minus": ["NUM"], "plus": ["NUM"], "round": ["", "INT"], "times": ["NUM"],
    "modulo": ["NUM"], "capitalize": [], "append": ["STR"], "downcase": [], "escape": [],
    "escape_once": [], "lstrip": [], "newline_to_br": [], "prepend": ["STR"],
    "remove": ["STR"], "remove_first": ["STR"], "remove_last": ["STR"],
    "replace": ["STR, STR"], "replace_first": ["STR, STR"], "replace_last": ["STR, STR"],
    "slice": ["INT", "INT, INT"], "split": ["STR"], "upcase": [], "strip": [], "rstrip": [],
    "strip_html": [], "strip_newlines": [], "truncate": ["INT", "INT, STR"],
    "truncatewords": ["INT", "INT, STR"], "url_encode": [], "url_decode": [],
    "base64_encode": [], "base64_decode": [], "base64_url_safe_encode": [],
    "base64_url_safe_decode": [], "squish": [], "find": ["STR, ANY"], "find_index": ["STR, ANY"],
    "join": ["", "STR"], "first": [], "has": ["STR, ANY"], "last": [], "concat": ["VAR"],
    "map": ["STR"], "reject": ["STR", "STR, ANY"], "reverse": [], "sort": ["", "STR"],
    "sort_natural": ["", "STR"], "sum": ["", "STR"], "where": ["STR", "STR, ANY"],
    "uniq": ["", "STR"], "compact": ["", "STR"], "size": [], "default": ["ANY",
                                                                           "ANY, allow_false: true"],
    "date": ["DATEFMT"], "safe": [], "escapejs": [], "url_escape": [], "markdownify": [],
    "relative_url": [], "absolute_url": [], "to_i": [], "nosuchfilter": [""],
}

STRS = ["'a'", "'b'", "''", "' '", "', '", "'x y'", "'-'", "'é'", "'<b>'", "'%Y-%m-%d'",
        "'name'", "'n'", "'k'", "'price'", "\"dq\"", "'1'", "'2.5'", "'abc'", "'&amp;'"]
NUMS = ["0", "1", "-1", "2", "3", "7", "-7", "0.1", "0.2", "2.5", "-2.5", "1.0", "1e3", "'3'",
        "'4.5'", "'x'", "nil", "true", "100", "0.000001", "1e-7", "12345678901234567890"]
INTS = ["0", "1", "2", "3", "-1", "-2", "10", "'2'", "2.7", "nil"]
DATEFMTS = ["'%Y-%m-%d'", "'%b %d, %Y'", "'%A %H:%M'", "'%s'", "'%e %B'", "'%%'", "''",
            "'%j %U %w %y %Z %z'"]
VARS = ["a", "b", "n", "x", "f", "s", "t", "items", "people", "empty_list", "nums", "nested",
        "nested.k", "people[0].name", "items.first", "items.size", "nums.last", "missing",
        "missing.deep", "d", "h", "u"]
LITS = ["'text'", "42", "-3", "2.5", "true", "false", "nil", "empty", "blank", "(1..4)",
        "(n..3)", "'0.1'", "1.0"]

SCALAR_VALUES = [0, 1, -1, 2, 3.0, 0.1, 0.2, 2.5, -0.0, 1e16, 1e-5, 12345678901234567890,
                 True, False, None, "", " ", "abc", "Hello World", "  padded  ", "a,b,c",
                 "<p>x</p>", "café", "3", "4.5", "1e3", "2024-01-05", "2024-01-05 10:30:00",
                 "line\nbreak", "&amp; &lt;", "x y z", "nan", "inf", "Ünïcödé", "0", "-2.5"]


def value(rng, depth=0):
    r = rng.random()
    if depth < 2 and r < 0.15:
        return [value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if depth < 2 and r < 0.25:
        return {k: value(rng, depth + 1) for k in rng.sample(["name", "n", "k", "price", "x"],
                                                               rng.randint(0, 3))}
    return rng.choice(SCALAR_VALUES)


def context(rng):
    ctx = {}
    for k in ["a", "b", "n", "x", "f", "s", "t", "d", "h", "u"]:
        if rng.random() < 0.7:
            ctx[k] = value(rng)
    ctx["items"] = [value(rng, 1) for _ in range(rng.randint(0, 4))]
    ctx["nums"] = [rng.choice([0, 1, 2, 0.1, 0.2, 0.7, -1.5, 3, "2", "0.3", 1e-7, 10 ** 20,
                               True, None]) for _ in range(rng.randint(0, 5))]
    ctx["people"] = [{"name": rng.choice(["Ada", "Bob", "", None, 3, "ada"]),
                      "n": rng.choice([1, 2, 0.5, None, "3", -1]),
                      "price": rng.choice([0.1, 0.2, 10, "1.5", None])}
                     for _ in range(rng.randint(0, 4))]
    ctx["empty_list"] = []
    ctx["nested"] = {"k": value(rng, 1), "list": [1, 2, 3]}
    return ctx


def arg(rng, spec):
    out = spec
    for token, pool in (("STR", STRS), ("NUM", NUMS), ("INT", INTS), ("DATEFMT", DATEFMTS),
                        ("VAR", VARS), ("ANY", STRS + NUMS + VARS)):
        while token in out:
            out = out.replace(token, rng.choice(pool), 1)
    return out


def expr(rng):
    return rng.choice(VARS) if rng.random() < 0.7 else rng.choice(LITS)


def filtered(rng):
    text = expr(rng)
    for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
        name = rng.choice(list(FILTERS))
        specs = FILTERS[name]
        spec = rng.choice(specs) if specs else ""
        text += " | " + name + (": " + arg(rng, spec) if spec else "")
    return text


def condition(rng):
    op = rng.choice(["==", "!=", "<", ">", "<=", ">=", "contains", None])
    c = expr(rng) if op is None else "%s %s %s" % (expr(rng), op, expr(rng))
    if rng.random() < 0.2:
        c += rng.choice([" and ", " or "]) + expr(rng)
    return c


def ws(rng):
    return rng.choice(["", "", "", "-"])


def small_tag(rng, output):
    """One of the small tags: counters and cycles, comments, raw and doc,
    tablerow, the liquid tag and echo (`output` makes an expression)."""
    k = rng.randrange(7)
    if k == 5:  # no template loader: include and render fail, LAX mode goes on
        return rng.choice(["{% include 'x' %}", "{% render 'x' %}",
                           "{%- include 'x' with nested as y -%}", "{% render 'x', a: 1 %}"])
    if k == 6:
        return rng.choice(["{% for i in (1..3) %}{% ifchanged %}{{ i | divided_by: 2 }}"
                           "{% endifchanged %}{% endfor %}",
                           "{% cycle 'g': 'a', 'b' %}{% cycle 'g': 'a', 'b' %}{% cycle 'a', 'b' %}",
                           "{% tablerow i in (1..5) limit: 2 offset: 1 cols: 1 %}{{ i }}"
                           "{% endtablerow %}",
                           "{%% case %s %%}{%% when 1 or 'a' %%}y{%% endcase %%}" % output(rng),
                           "{%% unless %s %%}u{%% else %%}e{%% endunless %%}" % output(rng),
                           "{% break %}b{% continue %}c"])
    if k == 0:
        return rng.choice(["{% increment k %}{% increment k %}", "{% decrement k %}{{ k }}",
                           "{% cycle 'x', 'y' %}{% cycle 'x', 'y' %}"])
    if k == 1:
        return rng.choice(["{% comment %}gone {{ x }}{% endcomment %}",
                           "{% raw %}{{ not rendered }}{% endraw %}",
                           "{% # inline comment %}", "{% doc %}d{% enddoc %}"])
    if k == 2:
        return "{%% tablerow i in %s cols: 2 %%}{{ i }}{%% endtablerow %%}" % rng.choice(
            ["items", "nums", "(1..3)"])
    if k == 3:
        return "{%% liquid\nassign q = %s\necho q\n%%}" % output(rng)
    return "{%% echo %s %%}" % output(rng)


def untyped_for(rng, sub):
    mods = rng.choice(["", " reversed", " limit: 2", " offset: 1", " limit: 1 offset: 1",
                       " offset: continue"])
    return ("{%% for i in %s%s %%}%s{{ forloop.index }}{{ i }}%s{%% else %%}E"
            "{%% endfor %%}" % (rng.choice(["items", "nums", "people", "(1..3)", "s", "missing",
                                            "nested", "(n..2)"]),
                                mods, sub(),
                                rng.choice(["", "{% break %}", "{% continue %}",
                                            "{{ forloop.last }}", "{% cycle 'a', 'b' %}"])))


def untyped_case(rng):
    return ("{%% case %s %%}{%% when %s %%}W{%% when %s, %s %%}V{%% else %%}E"
            "{%% endcase %%}" % (expr(rng), expr(rng), expr(rng), expr(rng)))


class Style:
    """What a template style puts in each kind of piece, and how often
    (cumulative thresholds over the kinds, in order)."""

    def __init__(self, output, condition, for_tag, case_tag, capture_filter, weights):
        self.output, self.condition = output, condition
        self.for_tag, self.case_tag = for_tag, case_tag
        self.capture_filter, self.weights = capture_filter, weights


BROKEN = ["{% ifchanged %}{{ x }}{% endifchanged %}", "{{ }}", "{% nosuchtag %}", "{{ x | }}",
          "{% if %}{% endif %}", "{{ 'unterminated }}", "{% for %}{% endfor %}"]


def styled_block(rng, st, depth=0):
    parts = []
    for _ in range(rng.randint(1, 3 if depth else 4)):
        r = rng.random()
        lo, ro = ws(rng), ws(rng)
        kind = next((k for p, k in st.weights if r < p), "broken")

        def sub():
            return styled_block(rng, st, depth + 1)
        if kind == "text" or depth > 2:
            parts.append(rng.choice(["x", " ", "\n", "Hi ", "-", ",", "é", "  a  "]))
        elif kind == "output":
            parts.append("{{%s %s %s}}" % (lo, st.output(rng), ro))
        elif kind == "if":
            parts.append("{%% if %s %%}%s{%% elsif %s %%}%s{%% else %%}%s{%% endif %%}" % (
                st.condition(rng), sub(), st.condition(rng), sub(), sub()))
        elif kind == "for":
            parts.append(st.for_tag(rng, sub))
        elif kind == "assign":
            parts.append("{%% assign v = %s %%}{{ v }}" % st.output(rng))
        elif kind == "capture":
            parts.append("{%% capture c %%}%s{%% endcapture %%}[{{ c%s }}]" % (
                sub(), st.capture_filter))
        elif kind == "case":
            parts.append(st.case_tag(rng))
        elif kind == "unless":
            parts.append("{%% unless %s %%}%s{%% endunless %%}" % (st.condition(rng), sub()))
        elif kind == "small":
            parts.append(small_tag(rng, st.output))
        else:
            parts.append(rng.choice(BROKEN))
    return "".join(parts)


def block(rng, depth=0):
    return styled_block(rng, UNTYPED, depth)


def generate(rng, base):
    # null_repr: the reference writes map's _Null as None, not its address
    # (tests/diff/oracle.py).
    requests = [{"op": "liquid", "template": block(rng), "context": context(rng),
                 "null_repr": True} for _ in range(rng.randint(1, 4))]
    return {"kind": "liquid", "base": base, "files": {}, "requests": requests}


PIECE = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|[^{]+|\{)", re.S)


def pieces(template):
    """A template cut into text runs, output statements and tags (for
    delta debugging)."""
    return PIECE.findall(template)


# ---- Typed templates: each filter meets the kind of value it is written for
# (strings, numbers, arrays, hashes), and tags loop over arrays and ranges and
# compare like with like, as real templates do. The default kind; the
# untyped generator above (LYN_DIFF_LIQUID=chaos) throws any filter at any
# value and finds python-liquid's long tail of corner cases.

STRING_FILTERS = ["append: STR", "prepend: STR", "capitalize", "downcase", "upcase", "escape",
                  "escape_once", "strip", "lstrip", "rstrip", "newline_to_br", "strip_newlines",
                  "strip_html", "remove: STR", "remove_first: STR", "remove_last: STR",
                  "replace: STR, STR", "replace_first: STR, STR", "replace_last: STR, STR",
                  "slice: INT", "slice: INT, INT", "truncate: INT", "truncate: INT, STR",
                  "truncatewords: INT", "url_encode", "url_decode", "base64_encode",
                  "base64_url_safe_encode", "squish", "size", "url_escape", "relative_url",
                  "absolute_url", "markdownify", "safe", "escapejs", "default: STR",
                  "split: STR | join: STR", "split: STR | first", "split: STR | last",
                  "base64_decode", "base64_url_safe_decode", "split: STR | size",
                  "date: DATEFMT"]
NUMBER_FILTERS = ["abs", "at_most: NUM", "at_least: NUM", "ceil", "floor", "divided_by: NUMNZ",
                  "minus: NUM", "plus: NUM", "round", "round: INT", "times: NUM",
                  "modulo: NUMNZ", "to_i", "default: NUM"]
ARRAY_FILTERS = ["join: STR", "join", "first", "last", "reverse | join: ','", "size",
                 "sort | join: ','", "sort_natural | join: ','", "uniq | join: ','",
                 "compact | join: ','", "concat: items | join: ','", "sum"]
# A hash where a sequence is expected: python-liquid sees (key, value)
# tuples (for, first) or a one-item list holding the hash (other filters).
HASH_FILTERS = ["first", "first | last", "size", "join: ','", "uniq", "compact", "reverse",
                "map: 'k'", "where: 'k'", "sort_natural", "last", "concat: items | size"]
HASH_ARRAY_FILTERS = ["map: 'name' | join: ','", "where: 'n', 1 | size", "where: 'name' | size",
                      "reject: 'n', 1 | size", "sort: 'name' | map: 'name' | join: ','",
                      "sort_natural: 'name' | map: 'name' | join: ','", "sum: 'price'",
                      "uniq: 'name' | size", "compact: 'name' | size", "find: 'n', 2 | map: 'name'",
                      "find_index: 'n', 2", "has: 'n', 2", "has: 'name'", "first | map: 'name'"]
TYPED_STR = ["'a'", "'b'", "''", "' '", "', '", "'x y'", "'-'", "'é'", "'<b>'", "'name'"]
TYPED_NUM = ["0", "1", "-1", "2", "3", "7", "0.1", "0.2", "2.5", "-2.5", "1.0", "100", "'3'"]
TYPED_NUMNZ = ["1", "-1", "2", "3", "7", "0.1", "0.2", "2.5", "-2.5", "1.0", "100"]
TYPED_INT = ["0", "1", "2", "3", "5", "-1"]
STR_EXPRS = ["s", "t", "x", "'Hello World'", "'  padded  '", "'<p>x</p>'", "'a,b,c'",
             "'line\\nbreak'", "people[0].name", "nested.k"]
NUM_EXPRS = ["n", "f", "nums.first", "items.size", "3", "2.5", "-7", "0.1", "b"]


def typed_context(rng):
    words = ["Ada", "bob", "Cy Young", "", "é", "a,b", "<i>x</i>", "2024-01-05", "x y  z",
             "1700000000", "March 5, 2024 10:30", "2024-01-05T10:30:00Z", "1.5", "<div>a</div> b",
             "> q\n>", "*a* <hr> _b_", "YWJj", "<!-- c -->\n# h"]
    return {
        "s": rng.choice(words), "t": rng.choice(words), "x": rng.choice(words),
        "n": rng.choice([0, 1, -3, 7, 10 ** 20, 42]),
        "f": rng.choice([0.1, 0.2, 2.5, -0.5, 1e-7, 3.0, 1e16]),
        "b": rng.choice([True, False]),
        "items": rng.sample(["a", "b", "c", "B", "10", "9", "é"], rng.randint(0, 4)),
        "nums": [rng.choice([0, 1, 2, 0.1, 0.2, 2.5, -1, 10 ** 20, 1e-7])
                 for _ in range(rng.randint(0, 5))],
        "people": [{"name": rng.choice(["Ada", "bob", "Cy"]), "n": rng.choice([1, 2, 3]),
                    "price": rng.choice([0.1, 0.2, 10, 2.5])} for _ in range(rng.randint(0, 4))],
        "nested": {"k": rng.choice(words), "list": [1, 2, 3]},
        "empty_list": [],
    }


def typed_arg(rng, spec):
    out = spec
    for token, pool in (("NUMNZ", TYPED_NUMNZ), ("STR", TYPED_STR), ("NUM", TYPED_NUM),
                        ("INT", TYPED_INT), ("DATEFMT", DATEFMTS)):
        while token in out:
            out = out.replace(token, rng.choice(pool), 1)
    return out


def typed_output(rng):
    kind = rng.choice(["str", "str", "num", "num", "arr", "hash", "map"])
    if kind == "map":
        expr, pool = rng.choice(["nested", "nested.list", "people[0]"]), HASH_FILTERS
    elif kind == "str":
        expr, pool = rng.choice(STR_EXPRS), STRING_FILTERS
    elif kind == "num":
        expr, pool = rng.choice(NUM_EXPRS), NUMBER_FILTERS
    elif kind == "arr":
        expr, pool = rng.choice(["items", "nums", "empty_list", "nested.list", "(1..4)"]), \
            ARRAY_FILTERS
    else:
        expr, pool = "people", HASH_ARRAY_FILTERS
    text = expr
    for _ in range(rng.choice([1, 1, 2])):
        text += " | " + typed_arg(rng, rng.choice(pool))
        pool = STRING_FILTERS if kind != "num" or rng.random() < 0.3 else NUMBER_FILTERS
    return text


def typed_condition(rng):
    r = rng.random()
    if r < 0.3:
        return "%s %s %s" % (rng.choice(NUM_EXPRS[:4]), rng.choice(["==", "!=", "<", ">", "<=",
                                                                      ">="]),
                             rng.choice(TYPED_NUM[:10]))
    if r < 0.55:
        return "%s %s %s" % (rng.choice(STR_EXPRS[:3]), rng.choice(["==", "!="]),
                             rng.choice(TYPED_STR))
    if r < 0.7:
        return "%s contains %s" % (rng.choice(["s", "items", "t"]), rng.choice(TYPED_STR))
    if r < 0.85:
        return rng.choice(["b", "items", "empty_list", "s", "missing", "n", "people"])
    return "%s and %s" % (rng.choice(["b", "s", "n"]), rng.choice(["items", "t", "true"]))


def typed_for(rng, sub):
    mods = rng.choice(["", " reversed", " limit: 2", " offset: 1", " limit: 1 offset: 1"])
    seq = rng.choice(["items", "nums", "people", "(1..3)", "empty_list", "nested.list",
                      "nested"])
    body = rng.choice(["{{ i }}", "{{ forloop.index }}:{{ i }}", "{{ i.name }}",
                       "{% if forloop.first %}F{% endif %}{{ forloop.length }}",
                       "{% cycle 'a', 'b' %}", "{% if forloop.last %}{% break %}{% endif %}"
                       "{{ i }}", "{% continue %}", "{{ forloop.rindex0 }}"])
    if seq != "people" and "i.name" in body:
        body = "{{ i }}"
    return "{%% for i in %s%s %%}%s{%% else %%}E{%% endfor %%}" % (seq, mods, body)


def typed_case(rng):
    return ("{%% case %s %%}{%% when %s %%}W{%% when %s %%}V{%% else %%}E"
            "{%% endcase %%}" % (rng.choice(["s", "n", "t"]),
                                 rng.choice(TYPED_STR + TYPED_NUM[:5]),
                                 rng.choice(TYPED_STR + TYPED_NUM[:5])))


def typed_block(rng, depth=0):
    return styled_block(rng, TYPED, depth)


UNTYPED = Style(filtered, condition, untyped_for, untyped_case, "",
                [(0.25, "text"), (0.55, "output"), (0.63, "if"), (0.70, "for"),
                 (0.75, "assign"), (0.79, "capture"), (0.83, "case"), (0.86, "unless"),
                 (0.98, "small")])
TYPED = Style(typed_output, typed_condition, typed_for, typed_case, " | strip",
              [(0.2, "text"), (0.55, "output"), (0.65, "if"), (0.74, "for"), (0.79, "assign"),
               (0.83, "capture"), (0.87, "case"), (0.9, "unless"), (1.0, "small")])

_untyped_generate = generate


def generate(rng, base):  # noqa: F811 (the typed generator is the default)
    import os
    if os.environ.get("LYN_DIFF_LIQUID") == "chaos":
        return _untyped_generate(rng, base)
    requests = [{"op": "liquid", "template": typed_block(rng), "context": typed_context(rng),
                 "null_repr": True} for _ in range(rng.randint(1, 4))]
    return {"kind": "liquid", "base": base, "files": {}, "requests": requests}
