"""No network, no waiting: lesson_lib works offline and says so quickly when it cannot.

Sockets are "unplugged" by replacing ``socket.socket.connect``, ``connect_ex``,
``socket.create_connection`` and ``socket.getaddrinfo`` with functions that record the
attempt and raise. The import of lesson_lib itself is checked in a fresh interpreter, so
nothing imported earlier by pytest can hide a connection made at import time.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time

import pytest

import lesson_lib as L
from helpers import ROOT, check_ours, tiny_model
from lesson_lib import hub
from lesson_lib.errors import ModelNotFoundError

HUB_NAME = "lesson-lib-tests/no-such-model"  # hub-shaped, never cached, never a folder
LIMIT_S = 10.0

# Runs in a fresh interpreter: unplug the network, import, load a local folder and the offline default.
UNPLUGGED_SCRIPT = r"""
import json, socket, sys, warnings
warnings.simplefilter("ignore")  # the offline default may lack its trained head while it is being made
attempts, phase = [], "import"

def unplugged(name):
    def refuse(*args, **kwargs):
        attempts.append({"call": name, "phase": phase, "args": repr(args)[:120]})
        raise OSError(101, "Network is unreachable (unplugged by the test)")
    return refuse

socket.socket.connect = unplugged("socket.connect")
socket.socket.connect_ex = unplugged("socket.connect_ex")
socket.create_connection = unplugged("create_connection")
socket.getaddrinfo = unplugged("getaddrinfo")

import lesson_lib as L

phase = "local folder"
folder = sys.argv[1]
tok = L.AutoTokenizer.from_pretrained(folder)
model = L.AutoModelForSequenceClassification.from_pretrained(folder)
model(**tok(["Offline is fine.", "한국어도"], padding=True, return_tensors="pt"))
L.AutoConfig.from_pretrained(folder)

phase = "offline default"
tok = L.AutoTokenizer.from_pretrained(L.DEFAULT_MODEL)
model = L.AutoModelForSequenceClassification.from_pretrained(L.DEFAULT_MODEL)
model(**tok("We hope you don't hate it.", return_tensors="pt"))

phase = "liveness check"  # the unplugged functions do record: a deliberate connection shows up
try:
    socket.create_connection(("huggingface.co", 443), timeout=1)
except OSError:
    pass
print(json.dumps(attempts))
"""


@pytest.fixture(scope="module")
def local_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("net") / "tiny"
    tiny_model("bert").save_pretrained(folder)
    L.AutoTokenizer.from_pretrained(hub.BASE_MODEL).save_pretrained(folder)
    return folder


def test_import_and_local_loading_never_touch_the_network(local_folder, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}  # unset: lesson_lib may try the hub
    env.update(HF_HOME=str(tmp_path / "hf"), PYTHONPATH=str(ROOT), TOKENIZERS_PARALLELISM="false",
               OMP_NUM_THREADS="1")
    result = subprocess.run([sys.executable, "-c", UNPLUGGED_SCRIPT, str(local_folder)], cwd=tmp_path,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    attempts = json.loads(result.stdout.strip().splitlines()[-1])
    # import, a local folder and the offline default: not one attempt
    assert [a for a in attempts if a["phase"] != "liveness check"] == []
    assert [a["call"] for a in attempts] == ["create_connection"]


@pytest.fixture
def unplugged(monkeypatch):
    """Every connection attempt in this process is recorded and refused."""
    attempts = []

    def refuse(name):
        def blocked(*args, **kwargs):
            attempts.append(name)
            raise OSError(101, "Network is unreachable (unplugged by the test)")
        return blocked

    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("socket.connect_ex"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    return attempts


LOADERS = {
    "tokenizer": L.AutoTokenizer.from_pretrained,
    "model": L.AutoModelForSequenceClassification.from_pretrained,
    "config": L.AutoConfig.from_pretrained,
    "bert-class": L.BertForSequenceClassification.from_pretrained,
}


def _fails_offline(load, name=HUB_NAME) -> tuple[ModelNotFoundError, float]:
    start = time.monotonic()
    with pytest.raises(ModelNotFoundError) as info:
        load(name)
    seconds = time.monotonic() - start
    check_ours(info.value, ModelNotFoundError, "DEFAULT_MODEL", hub.DEFAULT_MODEL)
    assert seconds < LIMIT_S, f"{seconds:.1f} s"
    return info.value, seconds


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_hub_name_with_hf_hub_offline(unplugged, monkeypatch, loader):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    error, _ = _fails_offline(LOADERS[loader])
    assert "cannot be reached (no network)" in str(error)
    assert unplugged == []  # told to stay offline: does not even try


@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_hub_name_with_network_unplugged(unplugged, monkeypatch, loader):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    error, _ = _fails_offline(LOADERS[loader])
    assert "cannot be reached (no network)" in str(error)
    assert unplugged, "the hub was never tried"


def test_hub_name_when_dns_hangs(monkeypatch):
    """A captive portal's DNS can hang for half a minute; the socket timeout does not cover it."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    release = threading.Event()

    def hanging_getaddrinfo(*args, **kwargs):
        release.wait(60)
        raise OSError("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_getaddrinfo)
    try:
        _, seconds = _fails_offline(L.AutoTokenizer.from_pretrained)
    finally:
        release.set()  # let the abandoned probe thread finish
    assert seconds < hub.HUB_TIMEOUT_S + 2


def test_hub_that_accepts_but_never_answers(monkeypatch):
    """A captive portal or proxy that takes the connection and stays silent (huggingface_hub itself
    would wait for its TLS handshake with no time limit): offline after the probe's timeout."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted = []

    def accept_and_say_nothing():
        while True:
            try:
                accepted.append(server.accept()[0])
            except OSError:  # the server was closed: the test is over
                return

    threading.Thread(target=accept_and_say_nothing, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"https://127.0.0.1:{server.getsockname()[1]}")  # where the hub "is"
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    try:
        _, seconds = _fails_offline(L.AutoTokenizer.from_pretrained)
    finally:
        server.close()
        for conn in accepted:
            conn.close()
    assert accepted, "the probe never connected"
    assert seconds < hub.HUB_TIMEOUT_S + 2


@pytest.mark.parametrize("offline", ["1", None])
def test_hub_name_without_huggingface_hub(unplugged, monkeypatch, offline):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # `import huggingface_hub` raises ImportError
    if offline:
        monkeypatch.setenv("HF_HUB_OFFLINE", offline)
    else:
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    for load in LOADERS.values():
        error, _ = _fails_offline(load)
        assert "huggingface_hub is not installed" in str(error)
    assert unplugged == []


def test_hub_reachable_but_download_fails(unplugged, monkeypatch):
    """Online but a misspelt name: the error says so, keeps the offline hint, and hides the hub's traceback."""
    huggingface_hub = pytest.importorskip("huggingface_hub")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "_hub_reachable", lambda timeout=hub.HUB_TIMEOUT_S: True)

    def snapshot_download(name, local_files_only=False, **kwargs):
        raise FileNotFoundError(f"404 Client Error: Repository Not Found for url: https://huggingface.co/{name}")

    monkeypatch.setattr(huggingface_hub, "snapshot_download", snapshot_download)
    error, _ = _fails_offline(L.AutoTokenizer.from_pretrained)
    assert "Could not download" in str(error) and "Check the spelling" in str(error)


def test_local_folder_loads_unplugged(unplugged, monkeypatch, local_folder):
    """The same in this process (the subprocess above also covers the import and the offline default)."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    tok = L.AutoTokenizer.from_pretrained(local_folder)
    L.AutoModelForSequenceClassification.from_pretrained(local_folder)(**tok("hi", return_tensors="pt"))
    assert unplugged == []
