"""A PEP 517 build backend for lynguine-client, standard library only: the
package is pure Python, so a wheel is a zip of lynguine_client/ beside its
dist-info (METADATA, WHEEL, RECORD), and an sdist a tar of the sources.
Reads name, version, description and requires-python from pyproject.toml."""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "lynguine_client"


def _project():
    with open(os.path.join(HERE, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    section = text.split("[project]", 1)[1].split("\n[", 1)[0]
    fields = dict(re.findall(r'^([a-z-]+)\s*=\s*"([^"]*)"\s*$', section, re.M))
    return fields


def _dist_name(project):
    return re.sub(r"[-_.]+", "_", project["name"])


def _sources():
    for base, dirs, files in os.walk(os.path.join(HERE, PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(base, name)
                yield path, os.path.relpath(path, HERE).replace(os.sep, "/")


def _metadata(project):
    lines = ["Metadata-Version: 2.1", "Name: " + project["name"],
             "Version: " + project["version"], "Summary: " + project.get("description", ""),
             "License: MIT", "Requires-Python: " + project.get("requires-python", ">=3.8"),
             "Provides-Extra: dataframe", "Requires-Dist: pandas; extra == \"dataframe\""]
    readme = os.path.join(HERE, "README.md")
    body = ""
    if os.path.exists(readme):
        lines.append("Description-Content-Type: text/markdown")
        with open(readme, encoding="utf-8") as f:
            body = "\n" + f.read()
    return "\n".join(lines) + "\n" + body


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    project = _project()
    dist = "%s-%s" % (_dist_name(project), project["version"])
    info = dist + ".dist-info"
    filename = dist + "-py3-none-any.whl"
    record = []

    def add(zf, arcname, data):
        zf.writestr(zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0)), data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (arcname, digest, len(data)))

    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w",
                         zipfile.ZIP_DEFLATED) as zf:
        for path, arcname in _sources():
            with open(path, "rb") as f:
                add(zf, arcname, f.read())
        add(zf, info + "/METADATA", _metadata(project).encode())
        add(zf, info + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: lynguine_build\n"
                                 b"Root-Is-Purelib: true\nTag: py3-none-any\n")
        add(zf, info + "/top_level.txt", (PACKAGE + "\n").encode())
        record.append(info + "/RECORD,,")
        zf.writestr(zipfile.ZipInfo(info + "/RECORD", date_time=(2020, 1, 1, 0, 0, 0)),
                    "\n".join(record) + "\n")
    return filename


def build_sdist(sdist_directory, config_settings=None):
    project = _project()
    dist = "%s-%s" % (_dist_name(project), project["version"])
    filename = dist + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tf:
        names = [p for _, p in _sources()] + ["pyproject.toml", "README.md",
                                              "_build/lynguine_build.py"]
        for name in names:
            path = os.path.join(HERE, name)
            if os.path.exists(path):
                tf.add(path, arcname=dist + "/" + name)
        pkg_info = _metadata(project).encode()
        ti = tarfile.TarInfo(dist + "/PKG-INFO")
        ti.size = len(pkg_info)
        tf.addfile(ti, io.BytesIO(pkg_info))
    return filename
