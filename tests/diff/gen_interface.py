"""Interface files (_lynguine.yml) with every section lynguine's server
touches: metadata with $VAR, input (csv, yaml, json, local, hstack, vstack,
markdown_directory), output and series (existing or not yet written),
parameters and constants, item options (index, mapping, columns,
add_columns, select_columns, ...) and inherit (ignore, append, writable).
Requests: interface/read of fields, read_data by interface_file, and a
session with focus operations, get_value/set_value on every kind of column."""
import json

PEOPLE_CSV = ("id,name,age,score\n1,Ada,36,4.5\n2,Bob,41,\n3,Cy,,3.0\n4,Di,29,5\n")
PEOPLE_YML = ("- id: 1\n  name: Ada\n  age: 36\n- id: 2\n  name: Bob\n  age: 41\n"
              "- id: 3\n  name: Cy\n  age: null\n")
PEOPLE_JSON = json.dumps([{"id": 1, "name": "Ada", "city": "London"},
                          {"id": 2, "name": "Bob", "city": None},
                          {"id": 4, "name": "Di", "city": "Paris"}])
SERIES_CSV = ("id,session,minutes\n1,s1,45\n1,s2,50\n2,s1,30\n4,s2,10\n4,s3,\n")
OUTPUT_CSV = "id,grade,comment\n1,A,good\n2,,\n"
OUTPUT_YML = "- id: 1\n  grade: B\n- id: 3\n  grade: C\n  comment: ok\n"

COLUMNS = ["id", "name", "age", "score", "city", "grade", "comment", "session", "minutes",
           "extra", "missing_col", "mentor", "value", "index"]
INDICES = [1, 2, 3, 4, 5, "1", "Ada", None]
VALUES = ["A", "", 3, 2.5, True, None, "text é", [1, 2], {"k": "v"}]


def data_item(rng, role):
    """A data description for `role` (input, output, series, parameters).
    Files lie beside the interface: lynguine takes a relative `directory`
    under the interface's base_directory (sessions) but a bare `filename`
    relative to the working directory, so most items say directory: "."."""
    item = _data_item(rng, role)
    if "filename" in item and rng.random() < 0.85:
        item = dict({"directory": "."}, **item)
    return item


def _data_item(rng, role):
    kind = rng.choice(["csv", "csv", "yaml", "json", "local"]) if role == "input" else \
        rng.choice(["csv", "csv", "yaml", "json"])
    item = {}
    if role == "input":
        if kind == "csv":
            item = {"type": "csv", "filename": "people.csv"}
        elif kind == "yaml":
            item = {"type": "yaml", "filename": "people.yml"}
        elif kind == "json":
            item = {"type": "json", "filename": "people.json"}
        else:
            item = {"type": "local", "data": [{"id": 1, "name": "Ada", "mentor": "Lin"},
                                              {"id": 5, "name": "Eve", "mentor": None}]}
        if rng.random() < 0.85:
            item["index"] = rng.choice(["id", "id", "id", "name"])
    elif role == "output":
        exists = rng.random() < 0.4
        fn = {"csv": "out.csv", "yaml": "out.yml", "json": "out.json"}[kind]
        if not exists:
            fn = "new-" + fn
        item = {"type": kind, "filename": fn}
        if rng.random() < 0.9:
            item["index"] = "id"
        if rng.random() < 0.8:
            item["columns"] = rng.sample(["grade", "comment", "extra", "name"],
                                         rng.randint(1, 3))
    elif role == "series":
        exists = rng.random() < 0.7
        item = {"type": "csv", "filename": "series.csv" if exists else "new-series.csv",
                "index": "id"}
        if rng.random() < 0.8:
            item["selector"] = rng.choice(["session", "minutes"])
        if not exists and rng.random() < 0.7:
            item["columns"] = ["session", "minutes"]
    else:  # parameters / constants
        item = {"type": "local", "data": {"rate": rng.choice([1, 0.5, "x"]), "unit": "h"}}
    r = rng.random()
    if r < 0.15:
        item["mapping"] = {rng.choice(["Name", "Age", "Grade"]): rng.choice(["name", "age",
                                                                             "grade"])}
    elif r < 0.22:
        item["add_columns"] = [rng.choice(COLUMNS)]
    elif r < 0.27 and role == "input":
        item["columns"] = rng.sample(COLUMNS[:6], 2)
    elif r < 0.3 and role == "input":
        item["select_columns"] = rng.sample(["id", "name"], rng.randint(1, 2))
    return item


def interface(rng):
    iface = {}
    if rng.random() < 0.6:
        iface["title"] = rng.choice(["People", "$HOME/t", "${NOPE_LYN}", "Review é"])
    if rng.random() < 0.3:
        iface["keywords"] = ["a", "b"]
    if rng.random() < 0.9:
        iface["input"] = data_item(rng, "input")
        if rng.random() < 0.1:
            iface["input"] = {"type": "hstack", "index": "id",
                              "specifications": [data_item(rng, "input"),
                                                 data_item(rng, "input")]}
    if rng.random() < 0.55:
        iface["output"] = data_item(rng, "output")
    if rng.random() < 0.4:
        iface["series"] = data_item(rng, "series")
    if rng.random() < 0.15:
        iface["parameters"] = data_item(rng, "parameters")
    if rng.random() < 0.1:
        iface["constants"] = data_item(rng, "constants")
    return iface


def dump(d, rng=None):
    # JSON is YAML: the interface as a flow mapping, one section a line.
    # Now and then a tab where lynguine's yaml.safe_load (PyYAML's
    # pure-Python scanner) refuses one, or in a comment, where it does not.
    sep = ": "
    if rng is not None and rng.random() < 0.04:
        sep = rng.choice([":\t", ": \t", ":  "])
    text = "\n".join("%s%s%s" % (k, sep, json.dumps(v, ensure_ascii=False))
                     for k, v in d.items()) + "\n"
    if rng is not None and rng.random() < 0.04:
        text += rng.choice(["# a\tcomment\n", "\t# after a tab\n", "# plain\n"])
    return text


def generate(rng, base):
    files = {"people.csv": PEOPLE_CSV, "people.yml": PEOPLE_YML, "people.json": PEOPLE_JSON,
             "series.csv": SERIES_CSV, "out.csv": OUTPUT_CSV, "out.yml": OUTPUT_YML,
             "out.json": json.dumps([{"id": 2, "grade": "A"}])}
    iface = interface(rng)
    directory = base
    if rng.random() < 0.3:
        # A child that inherits this interface (the parent lives in base/).
        child = {"inherit": {"directory": "..", "filename": "_lynguine.yml"}}
        if rng.random() < 0.3:
            child["inherit"]["ignore"] = [rng.choice(["title", "output", "series", "keywords"])]
        if rng.random() < 0.2:
            child["inherit"]["append"] = ["keywords"]
            child["keywords"] = ["c"]
        if rng.random() < 0.1:
            child["inherit"]["writable"] = True
        if rng.random() < 0.4:
            child["title"] = "Child"
        if rng.random() < 0.35:
            child["input"] = data_item(rng, "input")
        if rng.random() < 0.2:
            child["output"] = data_item(rng, "output")
        files["child/_lynguine.yml"] = dump(child, rng)
        for f in ("people.csv", "out.csv", "series.csv"):
            if rng.random() < 0.5:
                files["child/" + f] = files[f]
        directory = base + "/child"
    files["_lynguine.yml"] = dump(iface, rng)
    req = []

    def http(method, path, body=None):
        req.append({"op": "http", "method": method, "path": path, "body": body})

    for field in rng.sample(["title", "input", "output", "series", "keywords", "parameters",
                             "nope", "inherit"], rng.randint(1, 3)):
        http("POST", "/api/interface/read", {"interface_file": "_lynguine.yml",
                                             "field": field, "directory": directory})
    http("POST", "/api/read_data", {"interface_file": "_lynguine.yml", "directory": directory})
    http("POST", "/api/sessions", {"interface_file": "_lynguine.yml", "directory": directory})
    for op in ("get_shape", "get_columns", "get_indices", "get_input_columns",
               "get_output_columns", "get_series_columns", "get_index", "get_column"):
        if rng.random() < 0.5:
            http("GET", "/api/sessions/{SID}/" + op)
    # A known lynguine bug: set_value on a row without series rows writes
    # into the series frame; what is read afterwards differs on purpose.
    tainted = [False]
    has_series = "series" in iface or (directory != base and "series" in iface)

    def read(method, path, body=None):
        http(method, path, body)
        if tainted[0]:
            req[-1]["known_bug"] = "set_value after lynguine misplaced an earlier one"

    for _ in range(rng.randint(1, 6)):
        r = rng.random()
        if r < 0.2:
            http("POST", "/api/sessions/{SID}/set_index", {"index": rng.choice(INDICES)})
        elif r < 0.4:
            http("POST", "/api/sessions/{SID}/set_column", {"column": rng.choice(COLUMNS)})
        elif r < 0.55:
            read("GET", "/api/sessions/{SID}/get_value")
        elif r < 0.7:
            http("POST", "/api/sessions/{SID}/set_value", {"value": rng.choice(VALUES)})
            tainted[0] = tainted[0] or has_series
            read("GET", "/api/sessions/{SID}/get_value")
        elif r < 0.8:
            read("POST", "/api/sessions/{SID}/get_value_at", {"index": rng.choice(INDICES),
                                                               "column": rng.choice(COLUMNS)})
        elif r < 0.87:
            read("POST", "/api/sessions/{SID}/get_column_type", {"column": rng.choice(COLUMNS)})
        elif r < 0.92:
            read("GET", "/api/sessions/{SID}/" + rng.choice(["get_selector", "get_subindex",
                                                               "get_subseries"]))
        else:
            http("GET", "/api/sessions/{SID}/get_shape")
    http("DELETE", "/api/sessions/{SID}")
    return {"kind": "interface", "base": base, "files": files, "requests": req}
