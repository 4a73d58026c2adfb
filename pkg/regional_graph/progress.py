"""Progress bars: tqdm's notebook bar where ipywidgets is installed, its text bar elsewhere —
without the red ``TqdmWarning: IProgress not found`` a Jupyter kernel without ipywidgets
prints when ``tqdm.auto`` is imported.

Examples
--------
>>> list(tqdm(range(3), disable=True))
[0, 1, 2]
"""

from __future__ import annotations

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
