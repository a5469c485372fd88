#!/usr/bin/env python3
"""Records where lynguine's server expands $VAR, against the real lynguine
0.1.2 server (python3 -m lynguine.server), so that tests/wire/test_vars.py can
hold our server to it:
- in the answers it gives from the caller's own files: talk field values
  (server_interface_handlers.py) and an interface's top-level strings
  (config/interface.py), which we copy;
- in every path a request names (access/paths.py expands each confined path,
  io.py a directory reader's source), which we do not: a request's path is
  taken literally, and our errors never show the server's environment.

    /tmp/lynguine-oracle/bin/py-lynguine tests/conformance/vars/record_vars.py [PORT]

writes cases.json beside this script. PORT defaults to 27431.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "s3cr3t-value-4f2a"
ENV = {"LYN_VAR_SECRET": SECRET, "LYN_VAR_DIR": "sub"}

FILES = {
    "talk.md": ('---\ntitle: "$LYN_VAR_SECRET/talk"\nbraced: "${LYN_VAR_SECRET}x"\n'
                'nested:\n  a: "$LYN_VAR_SECRET"\nunset: "$LYN_VAR_UNSET/x"\n---\nbody\n'),
    "_lynguine.yml": ('top: "$LYN_VAR_SECRET/top"\nnested:\n  p: "$LYN_VAR_SECRET"\n'
                      'input:\n  type: markdown_directory\n  source:\n'
                      '  - directory: "$LYN_VAR_DIR"\n'),
    "sub/a.md": "---\nname: a\n---\nA\n",
}

REQUESTS = [
    ("talk-field-value", "/api/talk/field", {"field": "title", "markdown_file": "talk.md"}),
    ("talk-field-braced", "/api/talk/field", {"field": "braced", "markdown_file": "talk.md"}),
    ("talk-field-nested", "/api/talk/field", {"field": "nested", "markdown_file": "talk.md"}),
    ("talk-field-unset", "/api/talk/field", {"field": "unset", "markdown_file": "talk.md"}),
    ("interface-top", "/api/interface/read", {"interface_file": "_lynguine.yml", "field": "top"}),
    ("interface-nested", "/api/interface/read",
     {"interface_file": "_lynguine.yml", "field": "nested"}),
    ("interface-input-source", "/api/read_data", {"interface_file": "_lynguine.yml"}),
    # Request paths: lynguine expands them; we take them literally.
    ("request-source-directory", "/api/read_data",
     {"data_source": {"type": "markdown_directory", "source": [{"directory": "$LYN_VAR_DIR"}]}}),
    ("request-filename", "/api/read_data",
     {"data_source": {"type": "csv", "filename": "$LYN_VAR_SECRET.csv"}}),
    ("request-list", "/api/read_data",
     {"data_source": {"type": "list", "filename": ["$LYN_VAR_DIR/a.md"]}}),
    ("request-markdown-file", "/api/talk/field",
     {"field": "title", "markdown_file": "$LYN_VAR_SECRET/talk.md"}),
    ("request-interface-directory", "/api/read_data",
     {"interface_file": "_lynguine.yml", "directory": "$LYN_VAR_SECRET"}),
    ("request-interface-file", "/api/interface/read",
     {"interface_file": "$LYN_VAR_SECRET.yml", "field": "top"}),
]


def post(base, path, body):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 27431
    root = tempfile.mkdtemp(prefix="lyn-vars-")
    try:
        for rel, text in FILES.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as f:
                f.write(text)
        env = dict(os.environ, **ENV)
        proc = subprocess.Popen([sys.executable, "-m", "lynguine.server", "--host", "127.0.0.1",
                                 "--port", str(port)], cwd=root, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = "http://127.0.0.1:%d" % port
        try:
            deadline = time.time() + 60
            while True:
                try:
                    urllib.request.urlopen(base + "/api/health", timeout=2)
                    break
                except OSError:
                    if time.time() > deadline:
                        raise
                    time.sleep(0.2)
            cases = []
            for name, path, body in REQUESTS:
                status, reply = post(base, path, body)
                reply.pop("traceback", None)
                text = json.dumps(reply)
                cases.append({"name": name, "path": path, "body": body, "status": status,
                              "response": reply, "echoes_secret": SECRET in text})
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    finally:
        shutil.rmtree(root)
    with open(os.path.join(HERE, "cases.json"), "w") as f:
        json.dump({"recorded_with": "lynguine 0.1.2 server (python3 -m lynguine.server), Python "
                   + sys.version.split()[0], "env": ENV, "files": FILES, "cases": cases},
                  f, indent=1)
        f.write("\n")
    print("%d cases written" % len(cases))


if __name__ == "__main__":
    main()
