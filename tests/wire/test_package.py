"""The Debian package (CPack, see the packaging block of CMakeLists.txt):
built with cpack from the existing build directory into a scratch directory,
extracted with `dpkg-deb -x` into a scratch root, and the installed binary
run from there. Skipped where dpkg-deb or cpack is missing, or where the
build directory was configured before the packaging block existed."""
import glob
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile

import pytest

# tests/wire/conftest.py by path: under `pytest tests/wire python/tests` the
# name `conftest` may be python/tests/conftest.py instead.
_spec = importlib.util.spec_from_file_location(
    "lyn_wire_conftest", os.path.join(os.path.dirname(os.path.abspath(__file__)), "conftest.py"))
_wire = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_wire)
BINARY = _wire.BINARY

pytestmark = pytest.mark.skipif(
    not shutil.which("dpkg-deb") or not shutil.which("cpack"),
    reason="needs dpkg-deb and cpack (Debian)")

BUILD_DIR = os.environ.get("LYNGUINE_BUILD_DIR",
                           os.path.dirname(os.path.dirname(os.path.abspath(BINARY))))


@pytest.fixture(scope="module")
def extracted():
    if not os.path.exists(os.path.join(BUILD_DIR, "CPackConfig.cmake")):
        pytest.skip("%s has no CPackConfig.cmake: re-run cmake" % BUILD_DIR)
    if not os.path.exists(os.path.join(BUILD_DIR, "bin", "lynguine")):
        pytest.skip("%s/bin/lynguine is not built" % BUILD_DIR)
    out = tempfile.mkdtemp(prefix="lyn-pkg-")
    # cpack packages the tree as built (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY: no
    # rebuild first); -B keeps the package and its staging files out of the
    # build directory.
    r = subprocess.run(["cpack", "-G", "DEB", "-B", out], cwd=BUILD_DIR,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    debs = glob.glob(os.path.join(out, "*.deb"))
    assert len(debs) == 1, (debs, r.stdout)
    root = os.path.join(out, "root")
    subprocess.run(["dpkg-deb", "-x", debs[0], root], check=True, timeout=120)
    yield debs[0], root
    shutil.rmtree(out, ignore_errors=True)


def test_package_metadata(extracted):
    deb, _ = extracted
    fields = {}
    for name in ("Package", "Version", "Maintainer", "Description", "Depends"):
        r = subprocess.run(["dpkg-deb", "-f", deb, name], capture_output=True, text=True)
        fields[name] = r.stdout.strip()
    assert fields["Package"] == "lynguine"
    assert fields["Version"]
    assert fields["Maintainer"]
    assert fields["Description"]
    assert fields["Depends"] == ""  # a static binary needs nothing


def test_installed_binary_runs(extracted):
    _, root = extracted
    lyn = os.path.join(root, "usr", "bin", "lynguine")
    r = subprocess.run([lyn, "--version"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("lynguine ")
    mdfield = os.path.join(root, "usr", "bin", "mdfield")
    assert os.path.islink(mdfield) and os.readlink(mdfield) == "lynguine"
    r = subprocess.run([mdfield, "--help"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    assert "usage:" in r.stdout


def test_package_contents(extracted):
    _, root = extracted
    usr = os.path.join(root, "usr")
    for rel in ("share/man/man1/lynguine.1",
                "lib/systemd/user/lynguine.service",
                "lib/systemd/user/lynguine.socket",
                "lib/python3/dist-packages/lynguine_client/__init__.py"):
        assert os.path.isfile(os.path.join(usr, rel)), rel
    # The packaged client imports with the standard library alone.
    r = subprocess.run(
        [sys.executable, "-c", "import lynguine_client as c; print(c.ServerClient.__name__)"],
        env={"PYTHONPATH": os.path.join(usr, "lib", "python3", "dist-packages"),
             "PATH": os.environ.get("PATH", "")},
        capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.strip() == "ServerClient", r.stderr
