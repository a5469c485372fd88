#!/usr/bin/env python3
"""Records Python's re.match for the patterns a directory reader's `regexp`
sees, as lynguine uses it (access/io.py: re.match(regexp, basename)).

Run with the oracle's Python (3.11, as lynguine 0.1.2 was recorded with):
    /tmp/lynguine-oracle/bin/py-lynguine tests/conformance/regex/record_regex.py
It rewrites cases.json beside this script. Catastrophic patterns are given
only short texts here: Python's backtracking matcher would not finish on
long ones (tests/regex_test.cc runs those against our matcher alone).
"""
import json
import os
import re
import sys
import warnings

CASES = [
    # (pattern, [texts])
    (r"", ["", "abc"]),
    (r"talk", ["talk.md", "my-talk.md", "Talk.md"]),
    (r".*\.md$", ["talk.md", "talk.md.bak", "talk.md\n", ".md", "md"]),
    (r"\.(md|markdown)$", ["a.md", "a.markdown", ".md"]),
    (r"^\d{4}-\d{2}-\d{2}", ["2024-01-31-post.md", "24-01-31.md", "20240131"]),
    (r"[a-z]+_\d+\.ya?ml", ["paper_12.yml", "paper_12.yaml", "Paper_12.yml", "paper_.yml"]),
    (r"(?i)readme", ["README.md", "ReadMe", "read.me"]),
    (r"talk|slides", ["slides.md", "talks", "a-talk"]),
    (r"^[^_.].*", ["_config.yml", ".hidden", "visible.md", ""]),
    (r"\w+\.bib$", ["refs.bib", "my refs.bib", "réfs.bib", "refs-2.bib"]),
    (r"a{2,3}$", ["a", "aa", "aaa", "aaaa"]),
    (r"a{,2}b", ["b", "ab", "aab", "aaab"]),
    (r"a{2,}", ["a", "aa", "aaaaa"]),
    (r"a{0}b", ["b", "ab"]),
    (r"x{", ["x{", "x"]),
    (r"x{a}", ["x{a}", "xa"]),
    (r"x{1,a}", ["x{1,a}", "x"]),
    (r"\bfoo\b", ["foo.md", "foobar", "foo"]),
    (r".*\Bbar", ["foobar", "foo bar"]),
    (r"^$", ["", "a"]),
    (r"[\]]+", ["]]", "a"]),
    (r"[]a]+", ["]a", "b"]),
    (r"[^\W\d]+$", ["abc", "ab1", "é", "_"]),
    (r"[-a]+$", ["-a-", "b"]),
    (r"[a-]+$", ["-a-", "b"]),
    (r"(a|b)*c", ["ababc", "c", "abd"]),
    (r"(?:ab)+$", ["abab", "aba"]),
    (r"(?P<year>\d{4})-(?P<n>\d+)", ["2024-3", "x2024-3"]),
    (r"\Aabc\Z", ["abc", "abc\n", "abcd"]),
    (r"abc$", ["abc", "abc\n", "abc\n\n"]),
    (r"(?m)abc$", ["abc\nx", "abcx"]),
    (r"(?m)^b", ["a\nb", "b"]),
    (r"a.c", ["abc", "a\nc"]),
    (r"(?s)a.c", ["a\nc"]),
    (r"(?x) a b  # a comment\n c", ["abc", "a b c"]),
    (r"(?x)[ ]a", [" a", "a"]),
    (r"[é-ü]+$", ["éü", "e"]),
    (r"\u00e9\x41\101\0", ["\u00e9AA\0", "eAA"]),
    (r"(?i)ÄBC", ["äbc", "ÄBC", "abc"]),
    (r"(?i)[a-c]+$", ["ABC", "abd"]),
    (r"(?i)[^a]", ["A", "b"]),
    (r"(?i:a)b", ["Ab", "AB"]),
    (r"(?i)a(?-i:b)", ["Ab", "AB"]),
    (r"\s+\S", [" \tx", "x"]),
    (r"\d+$", ["123", "١٢٣", "12a"]),
    (r"(?a)\w+$", ["abc", "é"]),
    (r"(?a)\d+$", ["123", "١٢٣"]),
    (r"caf\w\.md", ["café.md", "cafe.md", "caf-.md"]),
    (r"[[:alpha:]]+", ["[:a", "abc"]),
    (r"a|", ["", "b", "a"]),
    (r"|a", ["", "a"]),
    (r"()", [""]),
    (r"(a*)*$", ["aaa", "aab"]),
    (r"(a+)+$", ["aaaa", "aaab"]),
    (r"(a|aa)+$", ["aaaa", "aaab"]),
    (r"(x+x+)+y", ["xxxy", "xxxx"]),
    (r"a*?b", ["aab"]),
    (r"a+?$", ["aa"]),
    (r"a??b", ["ab", "b"]),
    (r"a{1,3}?b", ["aab"]),
    (r"\.", [".", "a"]),
    (r"\*\+\?\(\)\[\]\{\}\|\^\$\\", ["*+?()[]{}|^$\\"]),
    (r"\n\t", ["\n\t"]),
    (r"\-", ["-"]),
    (r"[\s\d]+$", [" 1 2", "a"]),
    (r"[\b]", ["\b", "b"]),
    (r"(?#a comment)abc", ["abc"]),
    (r"\w+(?i)", ["abc"]),
    # errors
    (r"a**", ["a"]),
    (r"*a", ["a"]),
    (r"+", ["a"]),
    (r"a{3,2}", ["a"]),
    (r"(abc", ["abc"]),
    (r"abc)", ["abc"]),
    (r"[abc", ["a"]),
    (r"[z-a]", ["a"]),
    (r"[\d-z]", ["a"]),
    (r"\q", ["q"]),
    (r"abc\\", ["abc\\"]),
    (r"abc\ ", ["abc "]),
    (r"\xZZ", ["a"]),
    (r"(?P<1a>x)", ["x"]),
    (r"(?L)a", ["a"]),
    (r"(?z)a", ["a"]),
    (r"^*", ["a"]),
    (r"\777", ["a"]),
]


def main():
    out = []
    warnings.simplefilter("ignore")
    for pattern, texts in CASES:
        try:
            re.compile(pattern)
        except re.error as e:
            out.append({"pattern": pattern, "error": str(e)})
            continue
        for t in texts:
            out.append({"pattern": pattern, "text": t, "match": re.match(pattern, t) is not None})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"python": sys.version.split()[0], "cases": out}, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(out)} cases written to {path}")


if __name__ == "__main__":
    main()
