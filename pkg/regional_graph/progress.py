"""Long work: progress bars (tqdm's notebook bar where ipywidgets is installed, its text bar
elsewhere — without the red ``TqdmWarning: IProgress not found`` a Jupyter kernel without
ipywidgets prints when ``tqdm.auto`` is imported) and the cores it may be spread over.

Examples
--------
>>> list(tqdm(range(3), disable=True))
[0, 1, 2]
"""

from __future__ import annotations

import os
import warnings
from typing import Any


def tqdm(*args: Any, **kwargs: Any) -> Any:
    """``tqdm.auto.tqdm(*args, **kwargs)``, imported quietly on first use."""
    from tqdm import TqdmExperimentalWarning, TqdmWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TqdmWarning)
        warnings.simplefilter("ignore", TqdmExperimentalWarning)
        from tqdm.auto import tqdm as bar
    return bar(*args, **kwargs)


def available_cores() -> int:
    """The cores this process may run on: its CPU affinity where the platform tells (Linux),
    else the machine's count; at least 1. The default number of workers of ``report`` and
    ``maps``.

    Examples
    --------
    >>> available_cores() == len(os.sched_getaffinity(0))  # on Linux
    True
    """
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not on Linux
        return max(os.cpu_count() or 1, 1)
