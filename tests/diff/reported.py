"""Differences the tester counts apart from new ones, recognised from the
input or the reference's answer, so that it goes on finding new ones: ones
the README declares on purpose, and ones recorded as pending cases
(tests/conformance/extra_specs.json, "pending") for another change to fix.

- YAML: only what the README declares on purpose ("YAML as lynguine reads
  it"): keys typed as dates, `!!binary` bytes and `!!set`s, which lynguine's
  json.dumps refuses (a 500) and we write (dates in ISO form, bytes as
  their text, sets as arrays). Everything else YAML is compared.
- Nothing else: no CSV, frame or Liquid difference is pending (every
  recorded diff/ case passes or is a declared lynguine_bug).

reported(case, reason) -> a short reason, or None."""

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


def reported(case, reason=""):
    files = case.get("files", {})
    if any(rel.endswith((".yml", ".yaml", ".md", ".markdown")) for rel in files):
        r = _yaml_reason(reason)
        if r:
            return "yaml: " + r
    return None
