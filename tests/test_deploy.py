"""deploy/zero-to-jupyterhub/config.yaml: only keys the chart documents, with values of the right types and units.

There is no Kubernetes cluster here, so this is what can be checked without one: every key path
of the file is in deploy/zero-to-jupyterhub/documented_keys.txt (the chart's configuration
reference, its URL in that file), every value has a type the reference allows, the memory and
CPU figures are quantities KubeSpawner reads (and the limits are not below the guarantees), the
culling times make sense together, and the comments say how the image is built and give the
nbgitpuller link to the Korean index.
"""

from __future__ import annotations

import re

import pytest
import yaml  # PyYAML: in the test extra (pyproject.toml)

from helpers import ROOT

DEPLOY = ROOT / "deploy" / "zero-to-jupyterhub"
CONFIG = DEPLOY / "config.yaml"
KEYS = DEPLOY / "documented_keys.txt"
REFERENCE_URL = "https://z2jh.jupyter.org/en/stable/resources/reference.html"
# KubeSpawner's byte specification (mem_guarantee, mem_limit): a number and one of K, M, G, T.
BYTES_RE = re.compile(r"^\d+(\.\d+)?[KMGT]$")
# A Kubernetes quantity for storage.capacity.
QUANTITY_RE = re.compile(r"^\d+(Ki|Mi|Gi|Ti|K|M|G|T)$")
UNIT = {"K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}


def documented() -> dict[str, list[str]]:
    """key path (with <name> and .* patterns) -> allowed types, from documented_keys.txt."""
    out = {}
    for line in KEYS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, types = line.split()
            out[path] = types.split("|") if not types.startswith("enum(") else [types]
    return out


def leaves(node, prefix=""):
    """(dotted path, value) of every leaf of a YAML mapping."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, f"{prefix}.{key}" if prefix else str(key))
    else:
        yield prefix, node


def match(path: str, patterns: dict[str, list[str]]):
    """The documented pattern a concrete key path falls under, or None."""
    for pattern, types in patterns.items():
        regex = re.escape(pattern).replace(re.escape("<name>"), r"[^.]+")
        if pattern.endswith(".*"):
            regex = regex[: -len(re.escape(".*"))] + r"(\..+)?"
        if re.fullmatch(regex, path):
            return pattern, types
    return None


def type_ok(value, types: list[str]) -> bool:
    if types[0].startswith("enum("):
        allowed = types[0][len("enum("):-1].split("|")
        return (value is None and "null" in allowed) or value in allowed
    checks = {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "object": lambda v: True,  # free-form below (see the pattern's .*)
        "array": lambda v: True,
    }
    return any(checks[t](value) for t in types)


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load(CONFIG.read_text(encoding="utf-8"))


def test_the_key_list_names_its_source():
    text = KEYS.read_text(encoding="utf-8")
    assert REFERENCE_URL in text
    assert len(documented()) >= 20


def test_every_key_is_documented_and_typed(config):
    patterns = documented()
    seen = set()
    for path, value in leaves(config):
        found = match(path, patterns)
        assert found is not None, f"{path} is not a documented key of the chart ({REFERENCE_URL})"
        pattern, types = found
        seen.add(pattern)
        if not pattern.endswith(".*"):
            assert type_ok(value, types), f"{path} = {value!r}: the chart wants {'|'.join(types)}"
    # the list is the list of keys used: nothing in it that the file does not use, except the
    # alternatives of an extraFiles entry (one of data, stringData, binaryData) and its mode
    unused = set(patterns) - seen - {"singleuser.extraFiles.<name>.stringData",
                                     "singleuser.extraFiles.<name>.binaryData", "singleuser.extraFiles.<name>.mode"}
    assert not unused, f"documented_keys.txt lists keys config.yaml does not use: {sorted(unused)}"


def test_the_matcher_rejects_what_is_not_documented():
    patterns = documented()
    assert match("singleuser.memory.guarantee", patterns)
    assert match("singleuser.extraFiles.anything.mountPath", patterns)
    assert match("singleuser.extraFiles.anything.data.A.b", patterns)
    assert match("singleuser.extraEnv.MY_VAR", patterns)
    assert match("singleuser.memory.request", patterns) is None  # Kubernetes' word, not the chart's
    assert match("singleuser.extraFiles.x.content", patterns) is None
    assert match("cull.timeout_seconds", patterns) is None
    assert not type_ok("1G", ["integer", "null"]) and type_ok(None, ["integer", "null"])
    assert not type_ok(True, ["integer"])  # YAML's yes/true is no number
    assert type_ok("IfNotPresent", ["enum(null||IfNotPresent|Always|Never)"])
    assert not type_ok("Sometimes", ["enum(null||IfNotPresent|Always|Never)"])


def _bytes(spec: str) -> float:
    assert BYTES_RE.match(spec), f"{spec!r} is not a byte specification KubeSpawner reads (e.g. 512M, 1G)"
    return float(spec[:-1]) * UNIT[spec[-1]]


def test_memory_and_cpu(config):
    memory, cpu = config["singleuser"]["memory"], config["singleuser"]["cpu"]
    guarantee, limit = _bytes(memory["guarantee"]), _bytes(memory["limit"])
    # the guarantee is at least one learner's measured resident set on chapter 05 (about 680 MB with
    # `./kit bench --only classroom --chapter ko/05_attention`); the limit leaves room for the
    # heaviest chapter (bench/results.md, section 5)
    assert 680e6 <= guarantee <= limit
    assert limit >= 1.0e9
    assert 0 < cpu["guarantee"] <= cpu["limit"] <= 2  # one torch thread per kernel: more would idle
    assert QUANTITY_RE.match(config["singleuser"]["storage"]["capacity"])


def test_culling(config):
    cull = config["cull"]
    assert cull["enabled"] is True and 0 < cull["every"] < cull["timeout"]
    files = config["singleuser"]["extraFiles"]
    (entry,) = [f for f in files.values() if f["mountPath"].endswith("jupyter_server_config.json")]
    assert entry["mountPath"].startswith("/")  # the chart wants an absolute path
    kernels = entry["data"]["MappingKernelManager"]
    assert isinstance(kernels["cull_idle_timeout"], int) and isinstance(kernels["cull_interval"], int)
    # idle kernels go before the idle server does (the server's culler would take them all anyway)
    assert 0 < kernels["cull_interval"] < kernels["cull_idle_timeout"] <= cull["timeout"]


def test_prepuller_and_image(config):
    assert config["prePuller"]["hook"]["enabled"] and config["prePuller"]["continuous"]["enabled"]
    image = config["singleuser"]["image"]
    assert isinstance(image["tag"], str) and ":" not in image["name"].rsplit("/", 1)[-1]


def test_comments_say_how_to_build_and_link():
    text = CONFIG.read_text(encoding="utf-8")
    assert "jupyter-repo2docker --no-run" in text and "--image-name" in text
    assert "binder/" in text
    link = re.search(r"https://\S+/hub/user-redirect/git-pull\?\S+", text)
    assert link, "no nbgitpuller link in the comments"
    assert "notebooks%2Fko%2Findex.ipynb" in link.group(0)
