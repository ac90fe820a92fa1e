"""Saving files so that an interrupted save never leaves a half-written checkpoint.

Not a stage of the pipeline: the one helper that ``save_pretrained`` of the model
(checkpoint.py), the tokenizer and the config share. Every file is first written under a
temporary name in the same folder and only then renamed into place; ``os.replace`` is atomic
on POSIX and Windows, so a reader sees the old file or the new one, never a part of it.

Used in: checkpoint.py, tokenizer_files.py, config.py (every ``save_pretrained``, and the cache of merged weights).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import CheckpointError, InputTypeError

# What one file's contents may be: text, bytes, or a function that writes the file at a given path
# (safetensors' save_file writes to a path itself).
Contents = str | bytes | Callable[[str], None]


def folder_for_saving(save_directory, what: str = "save_pretrained()") -> Path:
    """The folder to save into, created if needed, or an error that says why it cannot be."""
    if not isinstance(save_directory, (str, os.PathLike)):
        raise InputTypeError("error.files.not_a_path", what=what, type=type(save_directory).__name__, call=what[:-2])
    folder = Path(save_directory).expanduser()
    if folder.exists() and not folder.is_dir():
        raise CheckpointError("error.files.is_a_file", folder=folder, what=what)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CheckpointError("error.files.cannot_create", folder=folder, reason=e.strerror) from None
    return folder


def write_atomically(folder, files: dict[str, Contents]) -> list[Path]:
    """Write every file of ``files`` (name -> contents) into ``folder``; returns their paths.

    All of them are written and flushed to disk under temporary names first, then renamed
    one after another, so a crash, Ctrl-C or a full disk while writing leaves the folder's
    previous files as they were (and no temporary file behind).

    >>> write_atomically("my_model", {"config.json": "{}"})   # doctest: +SKIP
    [PosixPath('my_model/config.json')]
    """
    folder = Path(folder)
    temps: dict[str, str] = {}
    try:
        for name, contents in files.items():
            fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            os.close(fd)
            os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes it private (0600); a saved file is as open() makes it
            temps[name] = temp
            if callable(contents):
                contents(temp)
            else:
                data = contents.encode("utf-8") if isinstance(contents, str) else contents
                Path(temp).write_bytes(data)
            with open(temp, "rb") as f:  # on disk before the rename, or a power cut could leave it empty
                os.fsync(f.fileno())
        for name, temp in temps.items():
            os.replace(temp, folder / name)
    finally:
        for temp in temps.values():
            if os.path.exists(temp):
                os.remove(temp)
    return [folder / name for name in files]


def _umask() -> int:
    mask = os.umask(0o022)  # the only way to read the umask is to set it: put it straight back
    os.umask(mask)
    return mask


def write_text_atomically(path, text: str) -> Path:
    """One text file, written as :func:`write_atomically` writes a folder's files."""
    path = Path(path)
    return write_atomically(path.parent, {path.name: text})[0]
