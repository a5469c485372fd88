"""The input generators of the differential tester, one module per kind."""
import gen_csv
import gen_directory
import gen_interface
import gen_liquid
import gen_yaml

MODULES = {"yaml": gen_yaml, "csv": gen_csv, "interface": gen_interface,
           "directory": gen_directory, "liquid": gen_liquid}
KINDS = list(MODULES)


def generate(kind, rng, base):
    """A case: {"kind", "base", "files": {path under base: text}, "requests": [...]}.
    Request paths name files as base/...; "{ROOT}" stands for the root and
    "{SID}" for the session the case created."""
    return MODULES[kind].generate(rng, base)


def liquid_pieces(template):
    return gen_liquid.pieces(template)
