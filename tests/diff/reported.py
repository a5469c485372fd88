"""Differences already recorded as pending cases for another change to fix
(tests/conformance/extra_specs.json, "pending"), recognised from the input so
that the tester counts them apart and goes on finding new ones.

- YAML: only what the README declares on purpose ("YAML as lynguine reads
  it"): keys typed as dates, `!!binary` bytes and `!!set`s, which lynguine's
  json.dumps refuses (a 500) and we write (dates in ISO form, bytes as
  their text, sets as arrays). Everything else YAML is compared.
- Frames from records (helper "columns"): ints beyond int64, dates mixed
  with datetimes.
- Liquid corner cases recorded as pending (diff/liquid*): markdownify of a
  raw HTML block with text after its closing tag.
- CSV inference (helper "columns" is rewriting the CSV reader): integers
  beyond int64, empty, duplicate or "Unnamed" header names, rows of
  different lengths, files of only whitespace, int column names (header:
  null) meeting string names.

reported(case, reason) -> a short reason, or None."""
import csv
import io
import re

# lynguine's server fails in json.dumps on what PyYAML builds and JSON has
# no type for; README, "YAML as lynguine reads it", declares each.
_YAML_DECLARED = [
    ("keys must be str, int, float, bool or None, not datetime",
     "keys typed as dates become ISO JSON keys (README: mapping keys that are not strings)"),
    ("Object of type bytes is not JSON serializable",
     "!!binary values are bytes, written as their text (README: !!binary values are bytes)"),
    ("Object of type set is not JSON serializable",
     "a !!set is a JSON array (README: a !!set is a JSON array)"),
]


def _yaml_reason(reason):
    """The README line a YAML difference is declared by, or None. `reason`
    holds the reference's answer (status 500 vs ours 200: {...})."""
    if not reason.startswith("status 500 vs ours 200"):
        return None
    for text, why in _YAML_DECLARED:
        if text in reason:
            return why
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
    if re.search(r"<(div|p|table|pre|blockquote|ul|ol)\b", template) and "markdownify" in template:
        return "liquid: markdownify of a raw HTML block followed by text"
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
    files = case.get("files", {})
    if any(rel.endswith((".yml", ".yaml", ".md", ".markdown")) for rel in files):
        r = _yaml_reason(reason)
        if r:
            return "yaml: " + r
    for rel, text in files.items():
        if rel.endswith(".csv") and case.get("kind") == "csv":
            r = _csv_reason(text, case)
            if r:
                return "columns: " + r
    return None
