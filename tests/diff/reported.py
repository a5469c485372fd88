"""Differences already recorded as pending cases for another change to fix
(tests/conformance/extra_specs.json, "pending"), recognised from the input so
that the tester counts them apart and goes on finding new ones.

- YAML typing (helper "yaml" is replacing the YAML layer): a header or file
  that PyYAML rejects, keys that PyYAML types as numbers, bools or null,
  dates PyYAML cannot construct, folded block scalars with keep chomping.
- Liquid corner cases recorded as pending (diff/liquid*): markdownify of a
  raw HTML block with text after its closing tag.

reported(case, reason) -> a short reason, or None."""
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


def _liquid_reason(template):
    if re.search(r"<(div|p|table|pre|blockquote|ul|ol)\b", template) and "markdownify" in template:
        return "liquid: markdownify of a raw HTML block followed by text"
    return None


def reported(case, reason=""):
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
    return None
