import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))                       # lynguine_client
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(HERE)), "tests", "wire"))

import pytest  # noqa: E402

import conftest_wire  # noqa: E402  (tests/wire/conftest.py: fixture copies and their removal)


@pytest.fixture(autouse=True)
def _temp_dirs_removed():
    """The fixture copies a test made are removed after it."""
    keep = len(conftest_wire._mod._CREATED)
    yield
    conftest_wire._mod.remove_temp_dirs(keep)


@pytest.fixture
def served():
    """A lynguine server on a fresh copy of the conformance fixtures."""
    root, home = conftest_wire.fresh_fixtures()
    s = conftest_wire.Server(root, home)
    yield s
    s.stop()
