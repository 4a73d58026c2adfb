"""Submodules and names of a package that load on first use (PEP 562 module ``__getattr__``),
and optional libraries that name their extra when missing (:func:`name_missing_extras`).

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
import importlib.abc
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

#: Optional libraries (top-level import names) → the extras of regional_graph providing them
#: (pyproject.toml's ``[project.optional-dependencies]``; a test keeps the two equal).
EXTRAS: dict[str, tuple[str, ...]] = {
    "igraph": ("maps", "structure"),
    "leidenalg": ("structure",),
    "matplotlib": ("maps",),
    "fontTools": ("maps",),
    "pyvis": ("maps",),
    "ortools": ("matching",),
    "neo4j": ("neo4j",),
    "python_calamine": ("ledgers",),
}


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


class _MissingExtraFinder(importlib.abc.MetaPathFinder):
    """Last on ``sys.meta_path``: asked only when no other finder found a module, it turns
    "No module named 'igraph'" into :class:`~regional_graph.errors.MissingDependencyError`
    naming the extra to install. Other missing modules are left to Python."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: object = None) -> None:
        top = fullname.partition(".")[0]
        if top in EXTRAS:
            from .errors import MissingDependencyError

            raise MissingDependencyError(top, EXTRAS[top])


def name_missing_extras() -> None:
    """Install the finder that names the extra of a missing optional library (idempotent).

    Examples
    --------
    >>> name_missing_extras()
    >>> sum(isinstance(f, _MissingExtraFinder) for f in sys.meta_path)
    1
    >>> try:
    ...     _MissingExtraFinder().find_spec("ortools.graph.python")
    ... except ImportError as err:
    ...     print(err)
    ortools is not installed (needed for matching): pip install 'regional_graph[matching]'
    """
    if not any(isinstance(f, _MissingExtraFinder) for f in sys.meta_path):
        sys.meta_path.append(_MissingExtraFinder())
