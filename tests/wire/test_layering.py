"""The floors only look down: a file under src/X may include headers of its
own floor and of the floors below it, never above, and never of a floor
beside it.

    core < config < access < assess < service < (server, ops) < client < app < cli

server (transport, guards, limits) and ops (daemon and state file, logs,
metrics, status page, OpenAPI) stand side by side: neither includes the
other; the program (app) wires them together."""
import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LEVEL = {"core": 0, "config": 1, "access": 2, "assess": 3, "service": 4,
         "server": 5, "ops": 5, "client": 6, "app": 7, "cli": 8}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)


def includes(floor):
    """(path relative to the repo, included floor) for every project include."""
    for dirpath, _, files in os.walk(os.path.join(REPO, "src", floor)):
        for name in files:
            if not name.endswith((".h", ".cc")):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding="utf-8") as f:
                for target in INCLUDE.findall(f.read()):
                    yield os.path.relpath(path, REPO), target


def violations():
    found = []
    for floor, level in LEVEL.items():
        for path, target in includes(floor):
            if target not in LEVEL or target == floor:
                continue
            if LEVEL[target] >= level:
                found.append("%s includes %s/" % (path, target))
    return found


def test_every_source_folder_is_a_floor():
    folders = {d for d in os.listdir(os.path.join(REPO, "src"))
               if os.path.isdir(os.path.join(REPO, "src", d))}
    assert folders == set(LEVEL)


def test_floors_only_look_down():
    assert violations() == []


def test_server_and_ops_do_not_include_each_other():
    found = [(p, t) for f in ("server", "ops") for p, t in includes(f)
             if t in ("server", "ops") and t != f]
    assert found == []


def test_the_server_knows_no_formats_and_no_routes():
    # The transport may not name a reader, a writer, a data format or the
    # service's routes: it gets what it needs (server/route_info.h) from the
    # program at wiring time.
    bad = [p for p, t in includes("server") if t in ("access", "assess", "service")]
    assert bad == []


def test_the_layering_sees_the_includes():
    # The checks above read real include lines: the program includes every
    # floor below it.
    seen = {t for _, t in includes("app")}
    assert {"server", "ops", "client", "service"} <= seen
