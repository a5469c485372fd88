"""CSV inputs with pandas' inference edge cases (read_csv as lynguine calls it:
dtype, header, delimiter, quotechar), through read_data csv with the item
options finalize_data applies."""

CELLS = {
    "int": ["1", "-2", "0", "007", "+3", "1000000", "9223372036854775807",
            "9223372036854775808", "-9223372036854775809", " 5", "6 "],
    "float": ["1.5", "-0.0", "1e3", "1E-2", ".5", "5.", "inf", "-inf", "Infinity", "nan",
              "NaN", "1_000.5", "3.14159265358979", "1e400", "0.1", "2.50"],
    "bool": ["True", "False", "TRUE", "false", "true", "FALSE", "yes", "no", "T", "F", "1", "0"],
    "missing": ["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "#N/A", "n/a", "-NaN",
                "<NA>", "#NA", "-1.#IND", "1.#QNAN", " "],
    "str": ["abc", "Hello, world", "say \"hi\"", "line\nbreak", "  padded  ", "café", "日本",
            "1,000", "2024-01-05", "12:30", "0x1F", "1e", "-", "#", "'quoted'", "a;b", "a|b",
            "tab\there", "$HOME", "=1+1", "None", "none"],
}

HEADS = ["id", "name", "age", "score", "ok", "when", "note", "Name", "x", "y", "a b", "",
         "id", "1", "0", "Unnamed: 0", "2.5", "True", "café"]


def quote(cell, delim, qc, rng):
    special = delim in cell or qc in cell or "\n" in cell or "\r" in cell
    if special or rng.random() < 0.05:
        return qc + cell.replace(qc, qc + qc) + qc
    return cell


def generate(rng, base):
    delim = rng.choice([",", ",", ",", ";", "\t", "|"])
    qc = rng.choice(['"', '"', '"', "'"])
    ncols = rng.randint(1, 5)
    kinds = [rng.choice(list(CELLS)) for _ in range(ncols)]
    heads = [rng.choice(HEADS) for _ in range(ncols)]
    rows = []
    for _ in range(rng.randint(0, 6)):
        row = []
        for k in kinds:
            pool = CELLS[k] if rng.random() < 0.85 else CELLS[rng.choice(list(CELLS))]
            row.append(rng.choice(pool))
        if rng.random() < 0.05:
            row = row[:-1] if len(row) > 1 else row + ["extra"]
        rows.append(row)
    eol = rng.choice(["\n", "\n", "\n", "\r\n"])
    lines = []
    if rng.random() < 0.05:
        lines.append("# comment line")
    if rng.random() < 0.95:
        lines.append(delim.join(quote(h, delim, qc, rng) for h in heads))
    for r in rows:
        lines.append(delim.join(quote(c, delim, qc, rng) for c in r))
    if rng.random() < 0.05:
        lines.append("")
    text = eol.join(lines) + (eol if rng.random() < 0.9 else "")
    if rng.random() < 0.03:
        text = "\ufeff" + text
    ds = {"type": "csv", "filename": base + "/data.csv"}
    if delim != "," or rng.random() < 0.1:
        ds["delimiter"] = delim
    if qc != '"' or rng.random() < 0.1:
        ds["quotechar"] = qc
    r = rng.random()
    if r < 0.1:
        ds["header"] = None
    elif r < 0.15:
        ds["header"] = 1
    named = [h for h in heads if h]
    if named and rng.random() < 0.25:
        ds["dtypes"] = [{"field": rng.choice(named),
                         "type": rng.choice(["str_type", "int_type", "float_type", "bool_type"])}]
    if named and rng.random() < 0.2:
        ds["index"] = rng.choice(named)
    opt = rng.random()
    if named and opt < 0.08:
        ds["select_columns"] = rng.sample(named, rng.randint(1, len(named)))
    elif named and opt < 0.14:
        ds["ignore_columns"] = [rng.choice(named)]
    elif named and opt < 0.2:
        ds["rename_columns"] = {rng.choice(named): "renamed"}
    elif opt < 0.26:
        ds["add_columns"] = ["added", rng.choice(HEADS) or "z"]
    elif opt < 0.3:
        ds["columns"] = [rng.choice(HEADS) or "z", "extra"]
    requests = [{"op": "http", "method": "POST", "path": "/api/read_data",
                 "body": {"data_source": ds}}]
    if rng.random() < 0.2:
        requests.append({"op": "http", "method": "POST", "path": "/api/read_data",
                         "body": {"data_source": {"type": "auto",
                                                  "filename": base + "/data.csv"}}})
    return {"kind": "csv", "base": base, "files": {"data.csv": text}, "requests": requests}
