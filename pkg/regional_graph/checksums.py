"""SHA-256 of input files, taken once per process and early (standard library only).

A command's input checksum goes into its provenance (``provenance.json``, the 说明 sheet of
a workbook). :func:`checksum_meanwhile` hashes the files in a thread as soon as the command
knows its input, before the heavy modules are imported, so the hashing (outside the GIL)
overlaps the imports; :func:`file_sha256` then finds each file done.

Examples
--------
>>> import regional_graph as rg
>>> thread = checksum_meanwhile(rg.datasets.TINY)
>>> thread.join()
>>> [p.name for p in input_files(rg.datasets.TINY)][:2]
['activities.csv', 'areas.csv']
>>> len(file_sha256(rg.datasets.TINY / "areas.csv"))
64
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
from pathlib import Path

__all__ = ["checksum_meanwhile", "file_sha256", "input_files"]


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file (hex), computed once per process while the file is unchanged
    (same size and modification time).

    Examples
    --------
    >>> import regional_graph as rg
    >>> file_sha256(rg.datasets.TINY / "areas.csv")[:16]  # read once, then remembered
    '735682500f05dffc'
    """
    st = path.stat()  # a command checksums its input twice (说明 sheet, provenance.json)
    return _sha256_cached(str(path.resolve()), st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    del size, mtime_ns  # part of the cache key: a changed file is read again
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(path: Path) -> list[Path]:
    """The files of an input: those of a dataset folder (not hidden), sorted, or the file.

    Examples
    --------
    >>> import regional_graph as rg
    >>> len(input_files(rg.datasets.TINY)), input_files(Path("ledger.xlsx"))
    (9, [PosixPath('ledger.xlsx')])
    """
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
    return [path]


#: The checksum thread of each input (resolved path): one per input and process.
_THREADS: dict[str, threading.Thread] = {}


def checksum_meanwhile(data: str | Path | None) -> threading.Thread | None:
    """Checksum the input files of ``data`` (a dataset folder or workbook) in a thread, so
    that :func:`file_sha256` later finds them done (hashing runs outside the GIL, beside
    importing, reading or computing); ``None`` when there is nothing to checksum. The
    thread of an input is started once: a later call returns it (a file changed since is
    hashed again when asked). Join the thread before forking.

    Examples
    --------
    >>> import regional_graph as rg
    >>> thread = checksum_meanwhile(rg.datasets.SAMPLE_DISTRICT)
    >>> thread.join()
    >>> checksum_meanwhile(rg.datasets.SAMPLE_DISTRICT) is thread  # not started again
    True
    """
    if data is None or not Path(data).exists():
        return None
    key = str(Path(data).resolve())
    if key in _THREADS:
        return _THREADS[key]

    def run() -> None:
        with contextlib.suppress(OSError):  # asked again later, the error says why
            for path in input_files(Path(data)):
                file_sha256(path)

    thread = threading.Thread(target=run, name="regional_graph checksum", daemon=True)
    _THREADS[key] = thread
    thread.start()
    return thread
