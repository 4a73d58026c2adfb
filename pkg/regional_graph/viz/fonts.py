"""Locate a CJK font and embed a per-map subset of it as a CSS ``@font-face`` rule.

Wall-display PCs often lack Chinese fonts, so a map embeds exactly the glyphs it uses
(a few hundred KB for thousands of distinct characters) as base64 WOFF2.
"""

from __future__ import annotations

import atexit
import base64
import functools
import io
import logging
import os
import shutil
import subprocess
import threading
import types
from pathlib import Path

from fontTools import subset as ft_subset
from fontTools.ttLib import TTCollection, TTFont

log = logging.getLogger(__name__)
# fontTools logs every subsetting step at INFO (thousands of lines under ``-v``); keep it
# quiet unless the application set its level itself
if logging.getLogger("fontTools").level == logging.NOTSET:
    logging.getLogger("fontTools").setLevel(logging.WARNING)

__all__ = [
    "CJK_FAMILY",
    "FONT_STACK",
    "cjk_font_face_css",
    "find_cjk_font",
    "woff2_available",
]

#: Family name of the embedded subset font.
CJK_FAMILY = "RG CJK"
#: CSS font-family stack used by the map template (canvas labels and UI).
FONT_STACK = '"RG CJK", "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'

_COMMON_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
)
_NAME_HINTS = ("CJK", "WenQuanYi", "Source Han Sans", "Microsoft YaHei", "SimHei", "PingFang")
_PROBE = "社"  # any common simplified-Chinese character
_SC_NAMES = ("CJK SC", "SC", "Simplified", "YaHei", "Hei")

_lock = threading.Lock()  # guards the brotli swap in fontTools.ttLib.woff2
_face_lock = threading.Lock()


def _has_glyph(path: Path) -> bool:
    """Return True if some face of ``path`` maps the probe character."""
    try:
        if path.suffix.lower() in (".ttc", ".otc"):
            coll = TTCollection(str(path), lazy=True)
            fonts = list(coll.fonts)
        else:
            fonts = [TTFont(str(path), lazy=True)]
        return any(ord(_PROBE) in (f.getBestCmap() or {}) for f in fonts)
    except Exception:
        return False


def _fc_match() -> Path | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK SC"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out) if out else None


def _matplotlib_candidates() -> list[Path]:
    try:
        from matplotlib import font_manager
    except ImportError:
        return []
    found = []
    for entry in font_manager.fontManager.ttflist:
        if any(h.lower() in entry.name.lower() for h in _NAME_HINTS):
            found.append(Path(entry.fname))
    # Prefer Sans Regular over Serif/Bold faces.
    found.sort(key=lambda p: ("Serif" in p.name, "Bold" in p.name, p.name))
    return found


@functools.cache
def find_cjk_font() -> Path | None:
    """Find a font file with simplified-Chinese glyphs.

    Searches fontconfig (``fc-match 'Noto Sans CJK SC'``), common install paths and
    matplotlib's font list, in that order.

    Returns
    -------
    Path or None
        The first candidate that actually maps CJK characters, or None.

    Examples
    --------
    >>> find_cjk_font().name  # fonts-noto-cjk on Debian (``bash .ci/run`` installs it)
    'NotoSansCJK-Regular.ttc'
    """
    candidates: list[Path] = []
    fc = _fc_match()
    if fc is not None:
        candidates.append(fc)
    candidates.extend(Path(p) for p in _COMMON_PATHS)
    candidates.extend(_matplotlib_candidates())
    seen: set[Path] = set()
    for cand in candidates:
        if cand in seen or not cand.is_file():
            continue
        seen.add(cand)
        if _has_glyph(cand):
            return cand
    return None


def _face_names(font: TTFont) -> str:
    names = font["name"]
    parts = [names.getDebugName(i) or "" for i in (1, 4, 16)]
    return " ".join(parts)


@functools.cache
def _face_bytes(path: Path) -> bytes:
    """Return the chosen face of ``path`` as a standalone font file (cached per path).

    For a collection the simplified-Chinese (SC) face is selected by name.
    """
    if path.suffix.lower() not in (".ttc", ".otc"):
        return path.read_bytes()
    coll = TTCollection(str(path), lazy=True)
    best = 0
    for rank_name in _SC_NAMES:
        hit = next(
            (i for i, f in enumerate(coll.fonts) if rank_name in _face_names(f)),
            None,
        )
        if hit is not None:
            best = hit
            break
    buf = io.BytesIO()
    TTFont(str(path), fontNumber=best).save(buf)
    return buf.getvalue()


def woff2_available() -> bool:
    """Return True if brotli is importable (needed for WOFF2 output).

    Examples
    --------
    >>> woff2_available(), cjk_font_face_css("社区").split("data:")[1][:10]  # fonttools[woff]
    (True, 'font/woff2')
    """
    try:
        import brotli  # noqa: F401
    except ImportError:
        return False
    return True


class _FastBrotli:
    """Stand-in for the ``brotli`` module used by fontTools' WOFF2 writer.

    fontTools compresses at quality 11, which takes seconds on a 1 MB CJK subset;
    quality 9 is ~20x faster and only a few percent larger.
    """

    def __init__(self, real: types.ModuleType, quality: int = 9) -> None:
        self._real = real
        self._quality = quality
        self.MODE_FONT = real.MODE_FONT
        self.MODE_TEXT = real.MODE_TEXT
        self.MODE_GENERIC = real.MODE_GENERIC
        self.decompress = real.decompress

    def compress(self, data: bytes, **kwargs: object) -> bytes:
        kwargs.setdefault("quality", self._quality)
        return self._real.compress(data, **kwargs)


def _save(font: TTFont, flavor: str | None) -> bytes:
    out = io.BytesIO()
    font.flavor = flavor
    if flavor != "woff2":
        font.save(out)
        return out.getvalue()
    from fontTools.ttLib import woff2 as ft_woff2

    real = ft_woff2.brotli
    with _lock:
        ft_woff2.brotli = _FastBrotli(real)
        try:
            font.save(out)
        finally:
            ft_woff2.brotli = real
    return out.getvalue()


def _subset(data: bytes, chars: str, flavor: str | None) -> bytes:
    opts = ft_subset.Options()
    opts.flavor = flavor
    # Keeping hints and subroutines and skipping OpenType layout closure halves the time;
    # map labels need neither GSUB/GPOS features nor hinting.
    opts.hinting = True
    opts.desubroutinize = False
    opts.layout_features = []
    opts.drop_tables = [*opts.drop_tables, "GSUB", "GPOS", "GDEF", "BASE", "vhea", "vmtx", "VORG"]
    opts.name_IDs = [1, 2]
    opts.notdef_outline = True
    opts.glyph_names = False
    font = _lean_face(data, opts.drop_tables)
    sub = ft_subset.Subsetter(options=opts)
    sub.populate(unicodes=[ord(c) for c in chars])
    sub.subset(font)
    return _save(font, flavor)


def _lean_face(data: bytes, drop: list[str]) -> TTFont:
    """The font in ``data`` (lazily read) without the tables a subset drops anyway: the
    subsetter would otherwise parse the CJK face's large GSUB/GPOS tables (seconds) before
    dropping them. The subset is the same."""
    font = TTFont(io.BytesIO(data), recalcBBoxes=False)
    for tag in drop:
        if tag in font:
            del font[tag]
    return font


@functools.lru_cache(maxsize=32)
def _css_cached(path: Path, chars: str) -> str:
    with _face_lock:
        data = _face_bytes(path)
    if woff2_available():
        flavor, fmt, mime = "woff2", "woff2", "font/woff2"
    else:  # WOFF only needs zlib
        flavor, fmt, mime = "woff", "woff", "font/woff"
    blob = _subset(data, chars, flavor)
    b64 = base64.b64encode(blob).decode("ascii")
    return (
        f'@font-face {{ font-family: "{CJK_FAMILY}"; '
        f'src: url(data:{mime};base64,{b64}) format("{fmt}"); '
        "font-weight: 400 700; font-style: normal; font-display: block; }\n"
        f":root {{ --rg-font-family: {FONT_STACK}; }}\n"
    )


def cjk_font_face_css(text: str, font_path: Path | None = None) -> str:
    """Build an ``@font-face`` rule embedding a CJK font subset for ``text``.

    Parameters
    ----------
    text
        All text the page will show; the subset holds exactly these characters
        (plus the ``.notdef`` glyph). Whitespace/control characters are ignored.
    font_path
        Font to subset; default :func:`find_cjk_font`.

    Returns
    -------
    str
        CSS with the ``@font-face`` for family ``"RG CJK"`` (base64 WOFF2, or WOFF when
        brotli is missing) and ``:root { --rg-font-family: <FONT_STACK> }``. Empty string
        when no CJK font is available (the page then relies on system fonts).

    Examples
    --------
    >>> import regional_graph as rg
    >>> css = cjk_font_face_css(rg.datasets.load_tiny().name)  # 小岚区 (tiny)
    >>> css[:css.index(",")]
    '@font-face { font-family: "RG CJK"; src: url(data:font/woff2;base64'
    >>> print(css.splitlines()[1].replace(", ", ",\\n    "))
    :root { --rg-font-family: "RG CJK",
        "Noto Sans CJK SC",
        "Microsoft YaHei",
        "PingFang SC",
        sans-serif; }
    >>> len({cjk_font_face_css(t) for t in ("小岚区", "区岚小", "小 岚 区 区")})  # same characters
    1
    """
    path = font_path or find_cjk_font()
    if path is None:
        return ""
    chars = "".join(sorted({c for c in text if c.isprintable() and not c.isspace()} | {" "}))
    return _css_cached(Path(path), chars)


@functools.cache
def matplotlib_cjk_family() -> str | None:
    """Register the CJK font file with matplotlib (``fontManager.addfont``) and return its
    family name, simplified Chinese preferred; ``None`` (and a warning) when there is none.
    Shared by the plots and the posters.

    Examples
    --------
    >>> matplotlib_cjk_family()  # where fonts-noto-cjk is installed
    'Noto Sans CJK SC'
    """
    from matplotlib import font_manager

    path = find_cjk_font()
    if path is None:
        log.warning("no CJK font found: Chinese text will show as boxes; install "
                    "fonts-noto-cjk (or any font with simplified Chinese)")
        return None
    font_manager.fontManager.addfont(str(path))
    names = [f.name for f in font_manager.fontManager.ttflist if Path(f.fname) == Path(path)]
    if not names:
        names = [font_manager.FontProperties(fname=str(path)).get_name()]
    return next((n for n in names if n.endswith(" SC") and "Mono" not in n), names[0])


_subset_fonts: dict[str, object] = {"chars": frozenset(), "family": None, "n": 0, "dir": None}
_BASE_CHARS = "".join(chr(c) for c in range(0x20, 0x7F)) + "·、，。：；（）【】…—－％"


def matplotlib_subset_family(text: str) -> str | None:
    """Register a small subset of the CJK font holding the characters of ``text`` (and of
    every earlier call in this process) with matplotlib; return its family name.

    A PDF embeds a subset of each font it uses; made from the whole CJK collection (tens of
    MB) that takes seconds per file, from this small font a fraction of a second. The
    PostScript name stays the original's (e.g. ``NotoSansCJKsc-Regular``); the family is
    ``"RG Poster CJK <n>"``. ``None`` (and a warning) when no CJK font exists.

    Examples
    --------
    >>> fam = matplotlib_subset_family("社区党委")
    >>> fam.rstrip("0123456789")  # n counts the subsets made so far
    'RG Poster CJK '
    >>> len({fam, matplotlib_subset_family("社区"), matplotlib_subset_family("党委")})  # held
    1
    """
    import tempfile

    from matplotlib import font_manager

    path = find_cjk_font()
    if path is None:
        return matplotlib_cjk_family()
    want = frozenset(c for c in text + _BASE_CHARS if c.isprintable())
    have: frozenset[str] = _subset_fonts["chars"]  # type: ignore[assignment]
    with _face_lock:
        if want <= have and _subset_fonts["family"]:
            return str(_subset_fonts["family"])
        chars = "".join(sorted(want | have))
        opts = ft_subset.Options()
        opts.layout_features = []
        opts.drop_tables = [*opts.drop_tables, "GSUB", "GPOS", "GDEF", "BASE", "vhea",
                            "vmtx", "VORG"]
        opts.name_IDs = ["*"]
        opts.notdef_outline = True
        opts.glyph_names = False
        font = _lean_face(_face_bytes(Path(path)), opts.drop_tables)
        sub = ft_subset.Subsetter(options=opts)
        sub.populate(unicodes=[ord(c) for c in chars])
        sub.subset(font)
        n = int(_subset_fonts["n"]) + 1  # type: ignore[call-overload]
        family = f"RG Poster CJK {n}"
        names = font["name"]
        for rec in list(names.names):
            if rec.nameID in (1, 16):
                names.setName(family, rec.nameID, rec.platformID, rec.platEncID, rec.langID)
            elif rec.nameID in (4,):
                names.setName(f"{family} Regular", rec.nameID, rec.platformID,
                              rec.platEncID, rec.langID)
        if "CFF " in font:
            _cff_to_glyf(font)
        if _subset_fonts["dir"] is None:
            folder = tempfile.mkdtemp(prefix="regional_graph-fonts-")
            _subset_fonts["dir"] = folder
            owner = os.getpid()  # forked workers share the folder; only its creator removes it

            def _cleanup() -> None:
                if os.getpid() == owner:
                    shutil.rmtree(folder, ignore_errors=True)

            atexit.register(_cleanup)
        ext = ".otf" if "CFF " in font else ".ttf"
        out = Path(str(_subset_fonts["dir"])) / f"poster-{n}{ext}"
        font.save(str(out))
        font_manager.fontManager.addfont(str(out))
        _subset_fonts.update(chars=frozenset(chars), family=family, n=n)
        log.debug("poster font subset %s: %d characters, %d bytes", out, len(chars),
                  out.stat().st_size)
        return family


def _cff_to_glyf(font: TTFont) -> None:
    """Turn a CFF-flavoured font into a TrueType (``glyf``) one in place (quadratic
    outlines within 1 font unit): PDFs then embed it as the TrueType (``FontFile2``) that
    matplotlib declares, which PDF readers expect, and embedding it is faster."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    for g in glyphs.values():
        g.recalcBounds(glyf)
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, g in glyphs.items():
        if hasattr(g, "xMin"):
            hmtx[name] = (hmtx[name][0], g.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.numGlyphs = len(order)
    maxp.recalc(font)
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    try:
        post.compile(font)
    except OverflowError:
        post.formatType = 3.0
    font.sfntVersion = "\000\001\000\000"
