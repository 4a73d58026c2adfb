"""Submodules and names of a package that load on first use (PEP 562 module ``__getattr__``).

Examples
--------
In a package's ``__init__.py``: ``__getattr__, __dir__, __all__ = attach(__name__, ...)``.

>>> getattr_, dir_, all_ = attach("json", submodules=["decoder"],
...                               names={"JSONDecoder": "decoder"})
>>> all_
['JSONDecoder', 'decoder']
>>> getattr_("decoder").__name__
'json.decoder'
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any


def attach(
    package: str, *, submodules: Iterable[str] = (), names: Mapping[str, str] | None = None,
) -> tuple[Callable[[str], Any], Callable[[], list[str]], list[str]]:
    """``(__getattr__, __dir__, __all__)`` for ``package``.

    ``submodules`` load when first accessed as attributes; ``names`` maps a public name to the
    submodule defining it, imported on first access and then cached in the package.
    """
    subs = set(submodules)
    where = dict(names or {})
    everything = sorted(subs | where.keys())

    def __getattr__(name: str) -> Any:
        if name in subs:
            return importlib.import_module(f"{package}.{name}")
        if name in where:
            value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
            setattr(sys.modules[package], name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(everything))

    return __getattr__, __dir__, everything
