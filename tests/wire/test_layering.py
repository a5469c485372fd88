"""The floors only look down: a file under src/X may include headers of its
own floor and of the floors below it, never above."""
import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLOORS = ["core", "config", "access", "assess", "service", "server", "client", "cli"]
INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_]+)/', re.M)


def violations():
    found = []
    src = os.path.join(REPO, "src")
    for floor in FLOORS:
        level = FLOORS.index(floor)
        for dirpath, _, files in os.walk(os.path.join(src, floor)):
            for name in files:
                if not name.endswith((".h", ".cc")):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    for target in INCLUDE.findall(f.read()):
                        if target in FLOORS and FLOORS.index(target) > level:
                            found.append("%s includes %s/" % (os.path.relpath(path, REPO), target))
    return found


def test_floors_only_look_down():
    assert violations() == []


def test_the_server_knows_no_formats():
    # The transport may not name a reader, a writer or a data format.
    bad = []
    for dirpath, _, files in os.walk(os.path.join(REPO, "src", "server")):
        for name in files:
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                text = f.read()
            if re.search(r'#include "(access|assess)/', text):
                bad.append(name)
    assert bad == []
