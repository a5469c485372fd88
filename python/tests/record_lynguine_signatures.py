"""Records the public methods of lynguine's own `lynguine.client.ServerClient`
and `Session` (name, parameters, defaults) into
recorded/lynguine_client_signatures.json, which test_package.py holds our
client to. Run with the reference kit's Python (py-lynguine), not in tests:

    . /tmp/lynguine-oracle/env.sh && py-lynguine python/tests/record_lynguine_signatures.py
"""
import inspect
import json
import os

from lynguine import client

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "recorded",
                   "lynguine_client_signatures.json")


def methods(cls):
    out = {}
    for name, fn in sorted(vars(cls).items()):
        if name.startswith("_") and name not in ("__init__", "__enter__", "__exit__"):
            continue
        if not callable(fn):
            continue
        params = []
        for p in list(inspect.signature(fn).parameters.values())[1:]:
            params.append({"name": p.name,
                           "default": None if p.default is inspect.Parameter.empty
                           else repr(p.default),
                           "required": p.default is inspect.Parameter.empty})
        out[name] = params
    return out


with open(OUT, "w", encoding="utf-8") as f:
    json.dump({"lynguine_version": getattr(__import__("lynguine"), "__version__", "0.1.2"),
               "ServerClient": methods(client.ServerClient),
               "Session": methods(client.Session),
               "create_client": [{"name": p.name, "default": repr(p.default), "required": False}
                                 for p in inspect.signature(client.create_client).parameters.values()]},
              f, indent=1, sort_keys=True)
    f.write("\n")
print("wrote", OUT)
