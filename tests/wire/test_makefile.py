"""`make run` installs only what building and serving need; the test and
benchmark tools come with `make test` and `make bench` (issue 15, point 8).
Read from `make -n` (a dry run: nothing is installed or built): the
packages each target's dependency step would install, and how `make run`
configures and builds."""
import os
import re
import subprocess

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TEST_ONLY = {"libgtest-dev", "libgmock-dev", "python3-pytest", "python3-venv", "clang",
             "libclang-rt-14-dev", "chromium"}
BENCH_ONLY = {"libbenchmark-dev", "wrk", "hyperfine", "nginx"}


def dry_run(target):
    out = subprocess.run(["make", "-n", "-C", REPO, target, "BUILD=/nonexistent-build-dir"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def installed_by(target):
    """Every package a dependency step of `make <target>` would install."""
    packages = set()
    for m in re.finditer(r"for p in ([^;]*); do dpkg-query", dry_run(target)):
        packages |= set(m.group(1).split())
    return packages


def test_run_installs_only_build_and_serve_packages():
    run = installed_by("run")
    assert {"cmake", "g++", "libboost-dev", "libssl-dev", "libcli11-dev"} <= run
    assert not run & (TEST_ONLY | BENCH_ONLY), sorted(run & (TEST_ONLY | BENCH_ONLY))


def test_run_builds_only_the_binary():
    text = dry_run("run")
    assert "-DLYNGUINE_TESTS=OFF" in text and "-DLYNGUINE_BENCH=OFF" in text
    builds = [line for line in text.splitlines() if line.startswith("cmake --build")]
    assert builds and all(line.endswith("--target lynguine") for line in builds), builds


@pytest.mark.parametrize("target", ["test", "build"])
def test_test_tools_come_with_make_test(target):
    pkgs = installed_by(target)
    assert {"libgtest-dev", "python3-pytest", "python3-venv", "clang", "chromium"} <= pkgs
    assert installed_by("run") <= pkgs


def test_bench_tools_come_with_make_bench():
    assert BENCH_ONLY <= installed_by("bench")


def test_make_test_runs_the_status_page_tests_in_chromium():
    # Recursive makes run even in a dry run: the commands of test-browser show.
    assert "pytest -q -p no:cacheprovider tests/browser" in dry_run("test")
