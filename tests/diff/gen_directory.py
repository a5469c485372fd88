"""Directory trees (markdown with front matter, YAML, JSON, text, BibTeX and
files no reader knows, nested folders, hidden files) read by lynguine's
directory readers: directory, markdown_directory, yaml_directory,
json_directory, meta_directory, bibtex_directory? (not in 0.1.2's server
path), and the `list` type, with glob, regexp, store_fields and
base_directory options."""
import json

import gen_yaml

NAMES = ["a", "b", "week01", "week02", "talk", "notes", "x-y", "Z", "data", "café", "1", "_x"]


def md_file(rng):
    lines = gen_yaml.mapping_lines(rng, rng.randint(0, 4), gen_yaml.KEYS[:12])
    body = rng.choice(["Body.\n", "", "\\include{x}\nline\n", "  indented\n\n"])
    if rng.random() < 0.1:
        return body or "no front matter\n"
    return "---\n" + "\n".join(lines) + ("\n" if lines else "") + "---\n" + body


def yml_file(rng):
    r = rng.random()
    if r < 0.8:
        return "\n".join(gen_yaml.mapping_lines(rng, rng.randint(0, 4), gen_yaml.KEYS[:12])) + "\n"
    if r < 0.9:
        return "- a\n- b\n"
    return ""


def json_file(rng):
    r = rng.random()
    if r < 0.8:
        d = {}
        for k in rng.sample(["title", "n", "ok", "tags", "nested", "x"], rng.randint(0, 4)):
            d[k] = rng.choice([1, 2.5, True, None, "s", [1, "a"], {"p": 1, "q": {"r": 2}}])
        return json.dumps(d)
    return rng.choice(["[1, 2]", "not json", "{}", "null"])


def bib_file(rng):
    return "@article{key%d,\n  title = {T %d},\n  author = {Ada Lovelace},\n  year = {19%d}\n}\n" % (
        rng.randint(0, 9), rng.randint(0, 9), rng.randint(10, 99))


MAKERS = {"md": md_file, "markdown": md_file, "yml": yml_file, "yaml": yml_file,
          "json": json_file, "txt": lambda r: r.choice(["hello\n", "two\nlines", "", "x\r\ny"]),
          "bib": bib_file, "csv": lambda r: "a,b\n1,2\n", "dat": lambda r: "data\n"}


def generate(rng, base):
    files = {}
    dirs = ["d", "d/sub", "e"]
    for _ in range(rng.randint(1, 7)):
        d = rng.choice(dirs)
        ext = rng.choice(["md", "md", "yml", "json", "txt", "yaml", "markdown", "bib", "csv",
                          "dat"])
        name = rng.choice(NAMES)
        if rng.random() < 0.05:
            name = "." + name
        path = "%s/%s.%s" % (d, name, ext)
        files[path] = MAKERS[ext](rng)
        if rng.random() < 0.15:
            files[path + ".yml"] = yml_file(rng)
    typ = rng.choice(["directory", "markdown_directory", "yaml_directory", "json_directory",
                      "meta_directory", "list", "directory", "markdown_directory"])
    if typ == "list":
        names = sorted(files)
        chosen = rng.sample(names, rng.randint(1, len(names)))
        ds = {"type": "list", "filename": [base + "/" + n for n in chosen]}
    else:
        def source():
            d = rng.choice(dirs)
            pat = rng.choice(["*", "*.md", "*.yml", "*.json", "*.txt", "*.*", "a*", "*/*.md",
                              "[ab]*", "?.md", "**", "*.y*ml"])
            # lynguine joins a relative source directory twice (a known bug):
            # use "." or an absolute directory, the forms it reads correctly.
            if rng.random() < 0.6:
                s = {"directory": ".", "glob": base + "/" + d + "/" + pat}
            else:
                s = {"directory": "{ROOT}/" + base, "glob": d + "/" + pat}
            if rng.random() < 0.15:
                s["regexp"] = rng.choice(["week0[12]", "a", "^[a-z]+\\.md$", ".*", "x"])
            if rng.random() < 0.05:
                del s["glob"]
            return s
        srcs = [source() for _ in range(rng.randint(1, 2))]
        ds = {"type": typ, "source": srcs if len(srcs) > 1 or rng.random() < 0.6 else srcs[0]}
        if rng.random() < 0.15:
            ds["store_fields"] = {k: v for k, v in (("filename", "file"), ("root", "root"),
                                                    ("directory", "dir"))
                                  if rng.random() < 0.7}
    if rng.random() < 0.15:
        ds["index"] = rng.choice(["sourceFilename", "title", "sourceFile"])
    requests = [{"op": "http", "method": "POST", "path": "/api/read_data",
                 "body": {"data_source": ds}}]
    return {"kind": "directory", "base": base, "files": files, "requests": requests}
