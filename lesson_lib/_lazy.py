"""Public names imported on first use: what makes ``import lesson_lib`` cheap (PEP 562).

Not a stage of the pipeline. A chapter that only tokenizes should not pay for torch (about a
second of start-up and a hundred-odd MB per kernel), so a package lists which of its modules
defines each public name, and that module is imported the first time the name is used:
``from lesson_lib import AutoTokenizer`` imports tokenize.py and its helpers, nothing else.

One trap, handled here: importing a submodule makes it an attribute of its package, so the
module ``pipeline.py`` would hide the function ``pipeline`` as soon as anything imported it
(and ``views/classify.py`` the function ``classify``). The package keeps the public name.

>>> lesson_lib.pipeline        # doctest: +SKIP
<function pipeline at 0x...>

Used in: __init__.py, views/__init__.py.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable


class LazyPackage(types.ModuleType):
    """The class of a package's module object whose public names are imported on first use."""

    def __getattr__(self, name: str):
        module = self.__dict__["_module_of"].get(name)
        if module is None:
            if name.startswith("__"):
                raise AttributeError(name)
            try:  # a submodule by its name: lesson_lib.checkpoint, lesson_lib.views.padding
                return importlib.import_module(f"{self.__name__}.{name}")
            except ModuleNotFoundError as e:
                if e.name != f"{self.__name__}.{name}":
                    raise
                raise AttributeError(f"module {self.__name__!r} has no attribute {name!r}") from None
        value = getattr(importlib.import_module(f"{self.__name__}.{module}"), name)
        self.__dict__["_on_import"](module)
        self.__dict__[name] = value  # the next use is a plain lookup
        return value

    def __setattr__(self, name: str, value) -> None:
        if isinstance(value, types.ModuleType) and name in self.__dict__["_module_of"]:
            # The import system binds a just-imported submodule (pipeline.py) to its package; the
            # package's public name (the function pipeline) stays what it is.
            value = getattr(importlib.import_module(f"{self.__name__}.{self._module_of[name]}"), name)
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted(set(self.__dict__) | set(self.__all__))


def make_lazy(package: str, where: dict[str, tuple[str, ...]],
              on_import: Callable[[str], None] = lambda module: None) -> None:
    """Turn ``package`` (its ``__init__`` calling this) into a LazyPackage.

    ``where``: module -> the public names it defines; they make ``__all__``. ``on_import(module)``
    runs each time a public name is first used (lesson_lib fits torch's threads there).
    """
    module = sys.modules[package]
    module._module_of = {name: mod for mod, names in where.items() for name in names}
    module._on_import = on_import
    if "__all__" not in module.__dict__:  # a package may list (and group) them itself
        module.__all__ = sorted(module._module_of)
    module.__class__ = LazyPackage
