"""Where an output came from: library version, as-of date, input name and checksums.

Every output folder the command line writes gets a ``provenance.json`` beside its files, so a
figure in a report can be cited and reproduced; :func:`provenance_rows` gives the same facts
as (item, value) rows for a workbook's ``说明`` sheet.

Examples
--------
>>> import regional_graph as rg
>>> info = provenance(rg.datasets.SAMPLE_DISTRICT, as_of="2026-10-01")
>>> info["library"], info["as_of"], info["input"]["name"]
('regional_graph 0.1.0', '2026-10-01', 'sample_district')
>>> len(info["input"]["sha256"])
64
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import platform
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..checksums import checksum_meanwhile, file_sha256, input_files
from ..graph import DateLike, RegionalGraph, as_date

__all__ = [
    "FILE_NAME", "checksum_meanwhile", "provenance", "provenance_rows", "write_provenance"]

#: The file written beside the outputs.
FILE_NAME = "provenance.json"


def graph_checksum(G: RegionalGraph) -> str:
    """SHA-256 of a graph's template tables written as CSV (for inputs that are not files,
    such as a generated or merged graph); equal graphs give equal checksums.

    Examples
    --------
    >>> import regional_graph as rg
    >>> a = graph_checksum(rg.datasets.load_sample_district())
    >>> a == graph_checksum(rg.datasets.load_sample_district()), len(a)
    (True, 64)
    """
    from ..build import graph_to_tables
    from ..frames import format_datetimes

    digest = hashlib.sha256()
    for name, table in graph_to_tables(G).items():
        frame = table.copy()
        for col in frame.columns:
            if frame[col].dtype.kind == "M":
                frame[col] = format_datetimes(frame[col])
        digest.update(name.encode())
        digest.update(frame.to_csv(index=False, lineterminator="\n").encode("utf-8"))
    return digest.hexdigest()


def provenance(
    data: str | Path | RegionalGraph | None = None,
    *,
    as_of: DateLike = None,
    name: str | None = None,
    parameters: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The provenance record of an output.

    Parameters
    ----------
    data
        The input: a dataset folder or workbook (each file is checksummed), or a graph
        (checksum of its tables), or ``None``.
    as_of
        The day the output describes (default today).
    name
        The input's name (default the folder/file name, or the graph's name).
    parameters
        Anything else needed to reproduce the output (command options, generator seed).

    Returns
    -------
    dict
        ``library`` (name and version), ``created`` (UTC time), ``as_of``, ``input``
        (``name``, ``path``, ``files`` with a SHA-256 each, ``sha256`` of them all),
        ``parameters``, ``python``.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_sample_district()
    >>> info = provenance(G, as_of="2026-10-01", parameters={"seed": 2026})
    >>> info["input"]["name"], info["input"]["files"], info["parameters"]
    ('海岚区 (sample)', [], {'seed': 2026})
    """
    from .. import __version__

    day = as_date(as_of)
    record: dict[str, Any] = {"name": name, "path": None, "files": [], "sha256": None}
    if isinstance(data, RegionalGraph):
        record["name"] = name or data.name or None
        record["sha256"] = graph_checksum(data)
    elif data is not None:
        path = Path(data)
        record["name"] = name or path.stem
        record["path"] = str(path)
        files = input_files(path) if path.exists() else []
        record["files"] = [{"file": p.name, "sha256": file_sha256(p)} for p in files]
        combined = hashlib.sha256()
        for f in record["files"]:
            combined.update(f"{f['file']}\0{f['sha256']}\n".encode())
        record["sha256"] = combined.hexdigest() if files else None
    return {
        "library": f"regional_graph {__version__}",
        "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "as_of": str(day)[:10],
        "input": record,
        "parameters": dict(parameters or {}),
        "python": platform.python_version(),
    }


def provenance_rows(info: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The record as (item, value) rows in Chinese, for a workbook's ``说明`` sheet.

    Examples
    --------
    >>> rows = provenance_rows({"library": "regional_graph 0.1.0", "as_of": "2026-10-01",
    ...     "created": "2026-10-02T08:00:00+00:00",
    ...     "input": {"name": "海岚区", "sha256": "ab" * 32}, "parameters": {}})
    >>> rows[0], rows[1]
    (('数据日期', '2026-10-01'), ('输入数据', '海岚区'))
    >>> rows[2][1][:8], rows[3]
    ('abababab', ('软件版本', 'regional_graph 0.1.0'))
    """
    inp = info.get("input") or {}
    rows = [("数据日期", str(info.get("as_of", ""))),
            ("输入数据", str(inp.get("name") or "")),
            ("输入校验码(SHA-256)", str(inp.get("sha256") or "")),
            ("软件版本", str(info.get("library", ""))),
            ("生成时间(UTC)", str(info.get("created", "")))]
    params = info.get("parameters") or {}
    if params:
        rows.append(("参数", json.dumps(params, ensure_ascii=False, sort_keys=True)))
    return rows


def provenance_line(info: Mapping[str, Any]) -> str:
    """The record as one line of text (for a notes sheet or a figure caption).

    Examples
    --------
    >>> provenance_line({"library": "regional_graph 0.1.0", "as_of": "2026-10-01",
    ...                  "input": {"name": "海岚区", "sha256": "ab" * 32}})
    '数据来源：海岚区（SHA-256 abababababab…），数据日期 2026-10-01，regional_graph 0.1.0'
    """
    inp = info.get("input") or {}
    digest = str(inp.get("sha256") or "")
    return (f"数据来源：{inp.get('name') or '—'}"
            + (f"（SHA-256 {digest[:12]}…）" if digest else "")
            + f"，数据日期 {info.get('as_of', '')}，{info.get('library', '')}")


def write_provenance(out_dir: str | Path, info: Mapping[str, Any]) -> Path:
    """Write ``provenance.json`` into ``out_dir`` (created if needed).

    Examples
    --------
    >>> import tempfile, regional_graph as rg
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = write_provenance(d, provenance(None, as_of="2026-10-01"))
    ...     json.loads(path.read_text(encoding="utf-8"))["as_of"]
    '2026-10-01'
    """
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    path.write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path
