"""The workbook's zip container, deflated by ISA-L when it is installed (``isal``: some 4×
faster than zlib at the same level and size), else by zlib.

xlsxwriter writes each part of a workbook (sheets, styles, …) and hands it to a
``zipfile.ZipFile``; :class:`PartsZip` stands in for that class: it collects the parts,
splices prepared sheet rows into the sheets (where a :func:`marker` stands) and writes the
container when closed.

Examples
--------
>>> import io, zipfile
>>> buf = io.BytesIO()
>>> z = PartsZip(buf, rows={marker(1): b"<row/>"})
>>> z.writestr("xl/worksheets/sheet1.xml", b"<x>" + marker(1) + b"</x>")
>>> z.close()
>>> zipfile.ZipFile(buf).read("xl/worksheets/sheet1.xml")
b'<x><row/></x>'
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

__all__ = ["PartsZip", "deflate", "marker"]

#: 1980-01-01 00:00 in the zip's DOS date and time, as Excel writes it.
_DATE, _TIME = (0 << 9) | (1 << 5) | 1, 0
_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")
_REGULAR_FILE = 0o100644 << 16
_ZIP32 = 0xFFFF_FFFF


def deflate(data: bytes, level: int) -> bytes:
    """Raw deflate of ``data`` (no zlib header), as a zip entry holds it.

    Examples
    --------
    >>> zlib.decompress(deflate(b"abc" * 100, 1), -15) == b"abc" * 100
    True
    """
    try:
        from isal import isal_zlib
    except ImportError:  # an optional speed-up: zlib writes the same format
        plain = zlib.compressobj(level, zlib.DEFLATED, -15)
        return plain.compress(data) + plain.flush()
    packer = isal_zlib.compressobj(min(level, 3), isal_zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def marker(key: int) -> bytes:
    """Where the prepared rows number ``key`` go in a sheet (NUL is never in XML text)."""
    return b"\x00rows%d\x00" % key


class PartsZip:
    """A write-only stand-in for :class:`zipfile.ZipFile` as xlsxwriter uses it: parts are
    collected (with ``rows`` spliced in at their :func:`marker`) and written on
    :meth:`close`, deflated at ``compresslevel``."""

    def __init__(self, file: str | Path | IO[bytes], mode: str = "w", *,
                 rows: Mapping[bytes, bytes], compresslevel: int = 1, **_: Any) -> None:
        if mode != "w":
            raise ValueError("PartsZip only writes")
        self._file, self._rows, self._level = file, rows, compresslevel
        self._parts: list[tuple[str, bytes]] = []
        self.compression = zlib.DEFLATED

    def write(self, filename: str | Path, arcname: str) -> None:
        """Add the file ``filename`` as the part ``arcname``."""
        self.writestr(arcname, Path(filename).read_bytes())

    def writestr(self, zinfo_or_arcname: Any, data: bytes | str) -> None:
        """Add ``data`` as a part (named by a string or a ``ZipInfo``)."""
        name = getattr(zinfo_or_arcname, "filename", zinfo_or_arcname)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if str(name).startswith("xl/worksheets/sheet") and b"\x00" in raw:
            raw = self._splice(raw)
        self._parts.append((str(name), raw))

    def _splice(self, raw: bytes) -> bytes:
        pieces = raw.split(b"\x00")
        for i in range(1, len(pieces), 2):
            pieces[i] = self._rows[b"\x00" + pieces[i] + b"\x00"]
        return b"".join(pieces)

    def close(self) -> None:
        """Write the container."""
        if hasattr(self._file, "write"):
            self._write(self._file)  # type: ignore[arg-type]
        else:
            with open(self._file, "wb") as fh:
                self._write(fh)

    def _write(self, fh: IO[bytes]) -> None:
        central, offset = [], 0
        for name, data in self._parts:
            packed, crc, encoded = deflate(data, self._level), zlib.crc32(data), name.encode()
            if max(offset, len(data), len(packed)) >= _ZIP32:
                raise ValueError(f"workbook part {name} is too large for a zip container")
            flags = 0 if encoded.isascii() else 0x800  # UTF-8 names
            fields = (flags, zlib.DEFLATED, _TIME, _DATE, crc, len(packed), len(data),
                      len(encoded))
            head = _LOCAL.pack(b"PK\x03\x04", 20, 0, *fields, 0)
            fh.write(head + encoded)
            fh.write(packed)
            central.append(_CENTRAL.pack(b"PK\x01\x02", 20, 3, 20, 0, *fields, 0, 0, 0, 0,
                                         _REGULAR_FILE, offset) + encoded)
            offset += len(head) + len(encoded) + len(packed)
        directory = b"".join(central)
        fh.write(directory)
        fh.write(_END.pack(b"PK\x05\x06", 0, 0, len(central), len(central), len(directory),
                           offset, 0))
