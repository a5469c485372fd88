"""Differences already recorded as pending cases for another change to fix
(tests/conformance/extra_specs.json, "pending"), recognised from the input so
that the tester counts them apart and goes on finding new ones.

- YAML typing (helper "yaml" is replacing the YAML layer): a header or file
  that PyYAML rejects, keys that PyYAML types as numbers, bools or null,
  dates PyYAML cannot construct, folded block scalars with keep chomping.
- Frames from records (helper "columns"): ints beyond int64, dates mixed
  with datetimes.
- CSV inference (helper "columns" is rewriting the CSV reader): integers
  beyond int64, empty, duplicate or "Unnamed" header names, rows of
  different lengths, files of only whitespace, int column names (header:
  null) meeting string names.

reported(case, reason) -> a short reason, or None."""
import csv
import io
import re

try:
    import yaml
except ImportError:  # without PyYAML nothing YAML-related is classified
    yaml = None


def _front_matter(text):
    m = re.match(r"\s*-{3,}[ \t]*\n(.*?)\n(?:-{3,}|\.\.\.)[ \t]*(\n|$)", text, re.S)
    return m.group(1) if m else None


def _yaml_reason(text):
    if re.search(r">[0-9]*\+[ \t]*(#.*)?\n", text):
        return "folded block scalars with keep chomping"
    if yaml is None:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return "YAML that PyYAML rejects"
    except ValueError:
        return "a date PyYAML cannot construct"

    def bad_keys(v):
        if isinstance(v, dict):
            return any(not isinstance(k, str) or bad_keys(x) for k, x in v.items())
        if isinstance(v, list):
            return any(bad_keys(x) for x in v)
        return False
    if bad_keys(data):
        return "YAML keys typed as numbers, bools or null"
    return None


def _csv_reason(text, case):
    if not text.strip():
        return "a CSV file of whitespace only"
    if re.search(r"(^|\n)[ \t]+(\r?\n|$)", text):
        return "CSV lines of whitespace only"
    if re.search(r"(^|[^\d.])[+-]?\d{19,}($|[^\d.])", text):
        return "CSV integers beyond int64"
    body = case["requests"][-1].get("body") or {}
    ds = body.get("data_source") or {}
    delim = ds.get("delimiter", ",")
    quote = ds.get("quotechar", '"')
    if len(delim) != 1 or len(quote) != 1:
        return None
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delim,
                               quotechar=quote))
    except csv.Error:
        return "CSV the csv module rejects"
    rows = [r for r in rows if r]
    if not rows:
        return None
    if len({len(r) for r in rows}) > 1:
        return "CSV rows of different lengths"
    if "header" not in ds or ds.get("header") == 0:
        head = rows[0]
        if any(h == "" or h.startswith("Unnamed") for h in head) or len(set(head)) < len(head):
            return "empty, duplicate or Unnamed CSV header names"
    if ds.get("header", 0) is None and any(k in ds for k in ("add_columns", "columns", "dtypes",
                                                              "select_columns", "index")):
        return "int CSV column names (header: null) meeting string names"
    return None


def _liquid_reason(template):
    """No Liquid difference is pending (every diff/liquid case passes)."""
    return None


def _frame_reason(files):
    """pandas' inference when records become a frame (json_normalize,
    DataFrame of records): ints beyond int64 and dates mixed with
    datetimes (helper "columns" owns the frame inference)."""
    text = "\n".join(t for rel, t in files.items() if not rel.endswith(".csv"))
    if re.search(r"(^|[^\d.])[+-]?\d{19,}($|[^\d.])", text):
        return "columns: ints beyond int64 in records"
    dates = re.search(r"\b\d{4}-\d{1,2}-\d{1,2}\b(?![ tT]\d)", text)
    times = re.search(r"\b\d{4}-\d{1,2}-\d{1,2}([ tT]|\s+)\d{1,2}:\d{2}", text)
    if dates and times:
        return "columns: dates mixed with datetimes in a column"
    return None


def reported(case, reason=""):
    if case.get("kind") in ("yaml", "directory", "interface") and "/data/" in reason:
        r = _frame_reason(case.get("files", {}))
        if r:
            return r
    for req in case.get("requests", []):
        if req.get("op") == "liquid":
            r = _liquid_reason(req.get("template", ""))
            if r:
                return r
    for rel, text in case.get("files", {}).items():
        if rel.endswith((".yml", ".yaml")):
            r = _yaml_reason(text)
            if r:
                return "yaml: " + r
        elif rel.endswith((".md", ".markdown")):
            fm = _front_matter(text)
            if fm is not None:
                r = _yaml_reason(fm)
                if r:
                    return "yaml: " + r
        elif rel.endswith(".csv") and case.get("kind") == "csv":
            r = _csv_reason(text, case)
            if r:
                return "columns: " + r
    return None
