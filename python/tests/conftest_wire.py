"""Re-exports the wire-test helpers (server start-up, fixture copies)."""
import importlib.util
import os

_path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                     "tests", "wire", "conftest.py")
_spec = importlib.util.spec_from_file_location("lyn_wire_conftest", _path)
_mod = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_mod)

BINARY = _mod.BINARY
Server = _mod.Server
fresh_fixtures = _mod.fresh_fixtures
child_env = _mod.child_env
temp_dir = _mod.temp_dir
