"""The kit's own exceptions: every user mistake ends up as one of these.

Each class also inherits from the built-in exception a Python user would
expect (``ValueError`` for a wrong value, ``TypeError`` for a wrong type,
``OSError`` for a file problem), so ``except ValueError`` keeps working.
Messages say three things: what was wrong, what was expected, what to do.

Used in: every module; tests/test_errors.py pins the messages.
"""


class LessonError(Exception):
    """Base class of every error lesson_lib raises on purpose."""


class InputValueError(LessonError, ValueError):
    """An argument has the right type but an impossible value."""


class InputTypeError(LessonError, TypeError):
    """An argument has the wrong type (e.g. ``None`` where text was expected)."""


class CheckpointError(LessonError, OSError):
    """A checkpoint folder or file is missing, broken, or does not fit the model."""


class ModelNotFoundError(CheckpointError):
    """A model name is neither a local folder, the offline default, nor reachable on the hub."""


class IntegrityError(CheckpointError):
    """A file's sha256 is not the one we expect (a damaged or replaced download)."""
