"""The ``regional-graph`` command.

Each sub-command is a thin shell over the library: read → validate → build → analyse → write.
Invalid input prints every problem as a table and exits with status 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

# only light modules here, so that ``--help`` answers at once: pandas, the graph and the
# analyses load inside the commands that use them
from . import __version__, datasets
from .errors import RegionalGraphError, StoreError, TableValidationError

if TYPE_CHECKING:
    import pandas as pd

    from .graph import RegionalGraph
    from .vocab import Lang

    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

log = logging.getLogger("regional_graph.cli")

Handler = Callable[[argparse.Namespace], int]


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _load(args: argparse.Namespace) -> RegionalGraph:
    from .build import load_graph

    return load_graph(args.data, prefetched=getattr(args, "prefetched", None))


#: Commands that load DATA with :func:`_load`: its CSV files are parsed in the background
#: from the start (Arrow, on the second core) while the command imports pandas and the rest.
PREFETCH_COMMANDS = {"report", "indicators", "match"}


def _prefetch(args: argparse.Namespace) -> None:
    """Start parsing the CSV files of DATA (a folder) and checksumming its files (for the
    provenance), for a command that loads it: both in threads, while the heavy modules are
    imported."""
    data = getattr(args, "data", None)
    if args.command not in PREFETCH_COMMANDS or data is None or not Path(data).exists():
        return
    from .checksums import checksum_meanwhile

    checksum_meanwhile(data)  # a folder or a workbook
    if Path(data).is_dir():
        from .csvparse import Prefetch

        args.prefetched = Prefetch(data)


def _as_of(args: argparse.Namespace) -> str:
    """The one as-of rule of every command: ``--as-of`` when given, else today."""
    import datetime as dt

    return getattr(args, "as_of", None) or dt.date.today().isoformat()


def _lang(args: argparse.Namespace) -> Lang:
    return "en" if getattr(args, "lang", None) == "en" else "zh"


def _as_of_line(args: argparse.Namespace) -> str:
    from .export.tables import as_of_line

    return as_of_line(_as_of(args), _lang(args))


def _wrote(args: argparse.Namespace, n: int, where: object) -> str:
    return (f"已写出 {n} 个文件，位于 {where}" if _lang(args) == "zh"
            else f"wrote {n} files under {where}")


# -- commands ----------------------------------------------------------------------------------


def _cmd_check(args: argparse.Namespace) -> int:
    """Validate a dataset; say what was normalised; exit 0 when valid."""
    from .build import graph_from_tables
    from .io import read_tables
    from .problems import notes_lines
    from .validate import NOTES, SOURCES, check_tables

    typed, failures = check_tables(read_tables(args.data))
    for line in notes_lines(failures.attrs[NOTES], failures.attrs[SOURCES], _lang(args)):
        _out(line)
    if len(failures):
        raise TableValidationError(failures)
    G = graph_from_tables(typed, validate=False, name=Path(args.data).stem)
    if _lang(args) == "zh":
        _out(f"OK：{args.data} 数据有效 — {G.number_of_nodes():,} 个节点，"
             f"{G.number_of_edges():,} 条关系")
    else:
        _out(f"OK: {args.data} is valid — {G.number_of_nodes():,} nodes, "
             f"{G.number_of_edges():,} relationships")
    return 0


def _cmd_summary(args: argparse.Namespace) -> int:
    """Counts by label/kind/level/type and basic indicators."""
    import pandas as pd

    from .vocab import translate

    G = _load(args)
    _out(f"{G!r}")
    table = G.summary() if _lang(args) == "en" else translate(G.summary()).set_index(
        ["对象", "类型"])
    with pd.option_context("display.max_rows", 200, "display.width", 120):
        _out(table.to_string())
    for line in _headline_lines(G, args):
        _out(line)
    return 0


def _headline_lines(G: RegionalGraph, args: argparse.Namespace) -> list[str]:
    from .export.report import summary_lines

    return summary_lines(G, as_of=_as_of(args), lang=_lang(args))


def _cmd_template(args: argparse.Namespace) -> int:
    """Write the empty fill-in workbook."""
    from . import io

    path = io.write_template(args.file)
    _out(f"已写出填报模板 {path}" if _lang(args) == "zh" else f"wrote the template workbook {path}")
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    """Coverage and isolation report (CSV files and report.xlsx)."""
    from .export.report import summary_lines, write_report_and_tables

    if getattr(args, "from_neo4j", False):
        return _report_from_neo4j(args)
    G = _load(args)
    files, tables = write_report_and_tables(G, args.out, as_of=_as_of(args), lang=_lang(args),
                                            source=str(args.data), workers=args.workers)
    _record(args, args.out)
    for line in summary_lines(G, as_of=_as_of(args), lang=_lang(args), tables=tables):
        _out(line)
    _out(_wrote(args, len(files), args.out))
    args.exit_at_once = True  # every file is closed; nothing is left to tear down
    return 0


def _report_from_neo4j(args: argparse.Namespace) -> int:
    """``report --from-neo4j``: the tables computed on the server, written here."""
    from .export.report import write_report_tables
    from .store import report_from_neo4j

    return _write_from_neo4j(args, report_from_neo4j, write_report_tables)


def _write_from_neo4j(args: argparse.Namespace, compute: Callable[..., Any],
                      write: Callable[..., dict[str, Path]]) -> int:
    """A ``--from-neo4j`` command: ``compute`` the tables on the server (one dataset, or
    several side by side), ``write`` them into ``--out``."""
    _out(_as_of_line(args))
    names, conn = _server_datasets(args)
    tables = compute(as_of=_as_of(args), **conn)
    files = write(tables, args.out, lang=_lang(args), as_of=_as_of(args),
                  source="Neo4j" + (": " + ", ".join(names) if names else ""))
    _out(_wrote(args, len(files), args.out))
    return 0


def _server_datasets(args: argparse.Namespace) -> tuple[list[str], dict[str, object]]:
    """The ``--dataset`` names given and the connection arguments of a ``--from-neo4j``
    command: ``datasets=[...]`` for several (side by side), else ``dataset=``."""
    conn = _conn(args)
    given = conn.pop("dataset", None)
    names: list[str] = list(given) if isinstance(given, list | tuple) else (
        [str(given)] if given else [])
    if len(names) > 1:
        conn["datasets"] = names
    else:
        conn["dataset"] = names[0] if names else None
    return names, conn


def _cmd_match(args: argparse.Namespace) -> int:
    """Resource–demand matching: assignments, unmet demands, idle resources (CSV + xlsx)."""
    from .export.matching import write_matching
    from .matching.resources import match_resources

    G = _load(args)
    _out(_as_of_line(args))
    result = match_resources(G, as_of=_as_of(args), max_distance_km=args.max_distance)
    files = write_matching(result, args.out, lang=_lang(args), source=str(args.data))
    _record(args, args.out, max_distance_km=args.max_distance)
    for line in _match_lines(result, _lang(args)):
        _out(line)
    _out(_wrote(args, len(files), args.out))
    return 0


def _match_lines(result: object, lang: Lang = "zh") -> list[str]:
    """The matching's printed summary: totals, unmet demands by reason, the most unmet
    categories."""
    import pandas as pd

    from .matching.resources import MatchResult
    from .vocab import value_label

    assert isinstance(result, MatchResult)
    zh = lang == "zh"
    t = result.totals
    total = t.loc[("all", "all")]
    requested, served, unmet = (int(total[k]) for k in ("requested", "served", "unmet"))
    n_pairs, idle = len(result.assignments), len(result.idle_resources)
    ties = int(result.assignments["existing_tie"].sum())
    rate = total["served_rate"]
    pct = "" if pd.isna(rate) else (f"（{100 * rate:.1f} %）" if zh else f" ({100 * rate:.1f} %)")
    lines = [f"资源需求匹配：需求量 {requested:,}，已满足 {served:,}{pct}，未满足 {unmet:,}；"
             f"对接 {n_pairs:,} 条，其中与已结对单位 {ties:,} 条；尚有余量的资源 {idle:,} 项"
             if zh else
             f"Matching (资源需求匹配): served {served:,} of {requested:,} units requested{pct}, "
             f"{unmet:,} unmet; {n_pairs:,} assignments, {ties:,} to existing partners; "
             f"{idle:,} resources with capacity left"]
    reasons = result.unmet_demands["reason"].value_counts()
    lines.extend(f"  未满足需求 — {value_label(k)}：{int(v)}" if zh
                 else f"  unmet demands — {k}: {int(v)}" for k, v in reasons.items())
    by_cat = t.loc["category"] if "category" in t.index.get_level_values(0) else t.iloc[:0]
    short = by_cat[by_cat["unmet"] > 0].sort_values("unmet", ascending=False).head(5)
    if len(short):
        worst = [f"{value_label(k, column='category') if zh else k} {int(n)}"
                 for k, n in short["unmet"].items()]
        lines.append("  未满足最多的类别：" + "，".join(worst) if zh
                     else "  most unmet by category: " + ", ".join(worst))
    return lines


def _cmd_indicators(args: argparse.Namespace) -> int:
    """Indicator tables per district, street and community."""
    from .export.indicators import write_indicators

    if getattr(args, "from_neo4j", False):
        return _indicators_from_neo4j(args)
    G = _load(args)
    _out(_as_of_line(args))
    files = write_indicators(G, args.out, as_of=_as_of(args), lang=_lang(args),
                             source=str(args.data))
    _record(args, args.out)
    _out(_wrote(args, len(files), args.out))
    return 0


def _indicators_from_neo4j(args: argparse.Namespace) -> int:
    """``indicators --from-neo4j``: the tables computed on the server, written here."""
    from .export.indicators import write_indicator_tables
    from .store import indicators_tables_from_neo4j

    return _write_from_neo4j(args, indicators_tables_from_neo4j, write_indicator_tables)


def _cmd_maps(args: argparse.Namespace) -> int:
    """Offline wall maps (HTML) and print posters of every community and street."""
    from .viz.maps import write_maps

    if args.include_personal:
        sys.stderr.write("WARNING: --include-personal puts personal data (member names, phone "
                         "and ID numbers, extra columns) into the maps; do not hang or share "
                         "them in public\n")
    # --layout: an engine (force / geo) or the layout folder (0.x: layout.csv) of an earlier
    # run to keep positions
    engine: Literal["force", "geo"] = "geo" if args.layout == "geo" else "force"
    layout_file = None if args.layout in ("force", "geo") else Path(args.layout)
    if layout_file is not None and not layout_file.exists():
        sys.stderr.write(f"错误：找不到布局文件 {layout_file}（--layout 应为 force、geo、上次"
                         "输出的 layout 文件夹，或 0.x 版输出的 layout.csv）\n")
        return 2
    G = _load(args)
    _out(_as_of_line(args))
    formats = args.format or ["html"]
    try:
        files = write_maps(G, args.out, as_of=_as_of(args), layout=engine,
                           include_personal=args.include_personal, formats=formats,
                           paper=args.paper, layout_file=layout_file, workers=args.workers,
                           wall={"interval": args.wall_interval, "order": args.wall_order},
                           lang=_lang(args), shared_assets=args.shared_assets)
    except ValueError as exc:
        if layout_file is None or "布局文件" not in str(exc):
            raise
        sys.stderr.write(f"错误：{exc}\n")
        return 2
    _record(args, args.out, layout=engine, formats=formats,
            layout_file=None if layout_file is None else str(layout_file))
    n_files = sum(1 for k in files if k not in ("index", "index.csv", "wall", "layout"))
    _out(f"wrote {n_files} map files ({', '.join(formats)}) under {args.out}; "
         f"open {files['index']} (wall screen: {files.get('wall', '-')})")
    return 0


# -- orders and diff (issue 14) ---------------------------------------------------------------


def _cmd_orders(args: argparse.Namespace) -> int:
    """The three-order flow: status as of a day, dispatch proposals, indicators."""
    from .export.matching import write_orders

    G = _load(args)
    _out(_as_of_line(args))
    files = write_orders(G, args.out, as_of=_as_of(args), lang=_lang(args),
                         max_distance_km=args.max_distance, source=str(args.data))
    _record(args, args.out, max_distance_km=args.max_distance)
    for line in _orders_lines(G, _as_of(args), _lang(args)):
        _out(line)
    _out(_wrote(args, len(files), args.out))
    return 0


def _orders_lines(G: RegionalGraph, as_of: str, lang: str) -> list[str]:
    import pandas as pd

    from .matching.orders import order_indicators

    t = order_indicators(G, as_of=as_of, by=None)
    if not len(t):
        return ["没有截至数据日期的订单" if lang == "zh" else "no orders placed by the as-of date"]
    r = t.iloc[0]
    rate = r["fulfilment_rate"]
    pct = f"{100 * rate:.1f} %" if pd.notna(rate) else "—"
    if lang == "zh":
        return [f"三单制：点单 {int(r['orders']):,}，待派单 {int(r['open']):,}，已派单 "
                f"{int(r['dispatched']):,}，办理中 {int(r['taken']):,}，已办结 {int(r['done']):,}，"
                f"已取消 {int(r['cancelled']):,}；办结率 {pct}"]
    return [f"Three-order flow: {int(r['orders']):,} orders — open {int(r['open']):,}, "
            f"dispatched {int(r['dispatched']):,}, taken {int(r['taken']):,}, done "
            f"{int(r['done']):,}, cancelled {int(r['cancelled']):,}; fulfilment {pct}"]


def _year_before(day: str) -> str:
    import datetime as dt

    d = dt.date.fromisoformat(day)
    try:
        return d.replace(year=d.year - 1).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28).isoformat()


def _cmd_diff(args: argparse.Namespace) -> int:
    """What changed between two datasets, or one dataset at two dates."""
    from .build import load_graph
    from .export.changes import write_diff

    old = load_graph(args.old)
    new = load_graph(args.new) if args.new is not None else None
    day_new = _as_of(args)
    day_old = args.as_of_old or _year_before(day_new)
    lang = _lang(args)
    zh = lang == "zh"
    _out(_as_of_line(args))
    _out(f"基期 {day_old}（{args.old}），本期 {day_new}（{args.new or args.old}）" if zh else
         f"old state {day_old} ({args.old}), new state {day_new} ({args.new or args.old})")
    files = write_diff(old, new, args.out, as_of_old=day_old, as_of_new=day_new, lang=lang,
                       source=f"{args.old}" + (f" → {args.new}" if args.new else ""))
    from .export.provenance import provenance, write_provenance

    write_provenance(args.out, provenance(args.new or args.old, as_of=day_new, parameters={
        "command": "diff", "as_of_old": day_old,
        "old": provenance(args.old)["input"] if args.new is not None else None}))
    for line in _diff_lines(args.out, lang):
        _out(line)
    _out(_wrote(args, len(files), args.out))
    return 0


def _diff_lines(out: Path, lang: str) -> list[str]:
    import pandas as pd

    from .vocab import sheet_name

    summary = pd.read_csv(Path(out) / "diff_summary.csv", encoding="utf-8-sig")
    sep = "，" if lang == "zh" else ", "
    return [sep.join(f"{a} {int(b)}" for a, b in summary.itertuples(index=False))
            if lang == "zh" else
            sep.join(f"{sheet_name(str(a), 'en')}: {int(b)}"
                     for a, b in summary.itertuples(index=False))]


def _cmd_demo(args: argparse.Namespace) -> int:
    """Run every analysis and export on the bundled sample district."""
    from .build import load_graph
    from .export.tables import write_tables

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    src = datasets.SAMPLE_DISTRICT
    G = load_graph(src, name="海岚区 (sample)")
    as_of, lang = _as_of(args), _lang(args)
    _out(_as_of_line(args))
    _out(f"示例城区：{G!r}" if lang == "zh" else f"sample district: {G!r}")
    write_tables({"summary": G.summary()}, out / "summary", workbook="summary", lang=lang,
                 as_of=as_of, source=str(src), title="数据概况" if lang == "zh" else "summary")
    steps = _demo_steps(lang)
    for name, step in steps:
        target = out / name
        written = step(G, target, as_of)
        _out(f"{name:<12} → {written}")
    from .export.provenance import provenance, write_provenance

    write_provenance(out, provenance(src, as_of=as_of,
                                     name="sample_district",
                                     parameters={"seed": datasets.SAMPLE_SEED}))
    _out(f"完成：全部结果在 {out.resolve()}" if lang == "zh"
         else f"done: everything is under {out.resolve()}")
    return 0


def _demo_steps(lang: Lang = "zh"
                ) -> list[tuple[str, Callable[[RegionalGraph, Path, str], object]]]:
    """The demo's steps in order; the matching result feeds the indicators and the maps."""
    shared: dict[str, object] = {}
    source = str(datasets.SAMPLE_DISTRICT)

    def report(G: RegionalGraph, target: Path, as_of: str) -> object:
        from .export.report import summary_lines, write_report

        write_report(G, target, as_of=as_of, lang=lang, source=source)
        for line in summary_lines(G, as_of=as_of, lang=lang)[1:]:
            _out("  " + line)
        return target

    def match(G: RegionalGraph, target: Path, as_of: str) -> object:
        from .export.matching import write_matching
        from .matching.resources import match_resources

        result = shared["matching"] = match_resources(G, as_of=as_of)
        write_matching(result, target, lang=lang, source=source)
        for line in _match_lines(result, lang):
            _out("  " + line)
        return target

    def indicators(G: RegionalGraph, target: Path, as_of: str) -> object:
        from .export.indicators import write_indicators

        write_indicators(G, target, as_of=as_of, matching=shared.get("matching"),
                         lang=lang, source=source)
        return target

    def orders(G: RegionalGraph, target: Path, as_of: str) -> object:
        from .export.matching import write_orders

        write_orders(G, target, as_of=as_of, lang=lang, source=source)
        for line in _orders_lines(G, as_of, lang):
            _out("  " + line)
        return target

    def diff(G: RegionalGraph, target: Path, as_of: str) -> object:
        from .export.changes import write_diff

        write_diff(G, None, target, as_of_old=_year_before(as_of), as_of_new=as_of,
                   lang=lang, source=source)
        for line in _diff_lines(target, lang):
            _out("  " + line)
        return target

    def maps(G: RegionalGraph, target: Path, as_of: str) -> object:
        from .viz.maps import street_map, write_maps
        from .viz.posters import write_posters

        matching = shared.get("matching")
        files = write_maps(G, target, as_of=as_of, progress=False, matching=matching,
                           lang=lang)
        first = sorted(k for k in files if k.startswith("street_"))[:1]
        if first:  # posters of one street only, to keep the demo fast
            sid = first[0].removeprefix("street_")
            write_posters([street_map(G, sid, as_of=as_of, matching=matching, lang=lang)],
                          target / "posters", formats=("pdf", "png"), dpi=100)
        return files["index"]

    def dashboard(G: RegionalGraph, target: Path, as_of: str) -> object:
        from .viz.dashboard import write_dashboard

        return write_dashboard(G, target, as_of=as_of, compare=_year_before(as_of),
                               matching=shared.get("matching"), maps_href="../maps/")

    return [("report", report), ("match", match), ("indicators", indicators),
            ("orders", orders), ("diff", diff), ("maps", maps), ("dashboard", dashboard)]


# -- research: provenance, interchange, many districts ------------------------------------------


def _record(args: argparse.Namespace, out: Path, **parameters: object) -> Path:
    """Write ``provenance.json`` (version, as-of, input name and checksums) into ``out``."""
    from .export.provenance import provenance, write_provenance

    data = getattr(args, "data", None)
    params = {"command": args.command, **{k: v for k, v in parameters.items() if v is not None}}
    return write_provenance(out, provenance(data, as_of=_as_of(args), parameters=params))


def _cmd_export(args: argparse.Namespace) -> int:
    """Write the dataset as GraphML, GEXF, Parquet or neo4j-admin import files."""
    from .export.formats import export_graph

    if args.include_personal:
        sys.stderr.write("WARNING: --include-personal puts personal data (member names, phone "
                         "and ID numbers, extra columns) into the export; do not share it\n")
    G = _load(args)
    paths = export_graph(G, args.out, format=args.format,
                         include_personal=args.include_personal)
    folder = args.out if args.format in ("parquet", "neo4j-import") else args.out.parent
    _record(args, folder, format=args.format, include_personal=args.include_personal or None)
    _out(f"wrote {len(paths)} {args.format} file(s): "
         + (str(paths[0]) if len(paths) == 1 else f"under {args.out}"))
    return 0


def _cmd_merge(args: argparse.Namespace) -> int:
    """Merge several datasets into one city dataset (ids namespaced per dataset)."""
    from .build import load_graph, save_graph
    from .export.provenance import provenance, write_provenance
    from .merging import merge

    names = args.names or [Path(d).stem for d in args.data]
    if len(names) != len(args.data):
        raise ValueError(f"--names: {len(names)} names for {len(args.data)} datasets")
    graphs = [load_graph(d) for d in args.data]
    G = merge(graphs, names=names, city_id=args.city_id, city_name=args.city_name)
    path = save_graph(G, args.out)
    folder = path if path.is_dir() else path.parent
    info = provenance(G, as_of=None, name=args.city_name, parameters={
        "command": "merge", "names": names,
        "inputs": [provenance(d)["input"] for d in args.data]})
    write_provenance(folder, info)
    _out(f"merged {len(graphs)} datasets into {G!r}; wrote {path}")
    return 0


#: ``export_formats.FORMATS``, spelled out so that ``--help`` loads no pandas (a test keeps
#: the two equal).
EXPORT_FORMATS = ("graphml", "gexf", "parquet", "neo4j-import")


def _add_research_commands(sub: Subparsers) -> None:
    formats = EXPORT_FORMATS
    e = sub.add_parser("export", help="write the dataset for other tools: GraphML, GEXF "
                       "(Gephi), Parquet, neo4j-admin import CSV",
                       description="write the dataset for other tools")
    e.add_argument("data", type=Path, help="a folder of CSV files or an .xlsx workbook")
    e.add_argument("--format", choices=formats, required=True, help="output format")
    e.add_argument("--out", type=Path, required=True,
                   help="file (graphml, gexf) or folder (parquet, neo4j-import)")
    e.add_argument("--include-personal", action="store_true",
                   help="also export personal data (member names, phones, extra columns)")
    e.set_defaults(handler=_cmd_export)
    m = sub.add_parser("merge", help="merge several district datasets into one city dataset",
                       description="merge several datasets; ids become NAME:id, districts "
                       "join under one city area")
    m.add_argument("data", type=Path, nargs="+", help="dataset folders or .xlsx workbooks")
    m.add_argument("--out", type=Path, required=True, help="CSV folder (or .xlsx) to write")
    m.add_argument("--names", nargs="+", help="one short name per dataset (default: the "
                   "folder names); used as id prefixes")
    m.add_argument("--city-id", default="CITY", help="id of the city area (default CITY)")
    m.add_argument("--city-name", default="全市", help="name of the city area (default 全市)")
    m.set_defaults(handler=_cmd_merge)


def _day(text: str) -> str:
    """``--as-of``: any date spelling the tables accept (2024-03-01, 2024/3/1, 2024年3月1日)."""
    from .validate import parse_date

    day = parse_date(text)
    if day is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; expected e.g. 2024-03-01, 2024/3/1 or 2024年3月1日")
    return day.isoformat()


def _km(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a distance in km, 0 or more")
    return value


def _xlsx(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() != ".xlsx":
        raise argparse.ArgumentTypeError(f"{text!r}: the template is a workbook, name it *.xlsx")
    return path


def _conn(args: argparse.Namespace) -> dict[str, object]:
    out = {k: getattr(args, k) for k in ("uri", "user", "database", "dataset")
           if getattr(args, k, None)}
    password = _neo4j_password()
    if password is not None:
        out["password"] = password
    return out


def _neo4j_password() -> str | None:
    """``$NEO4J_PASSWORD``, else a prompt on a terminal, else ``None``."""
    import os

    if os.environ.get("NEO4J_PASSWORD") is not None or not sys.stdin.isatty():
        return None  # the store reads NEO4J_PASSWORD itself
    import getpass

    return getpass.getpass("Neo4j password: ")


def _cmd_push(args: argparse.Namespace) -> int:
    """Save a dataset into Neo4j (upsert; ``--sync`` makes the stored dataset equal)."""
    from .store import save_graph

    G = _load(args)
    conn = _conn(args)
    dataset = conn.pop("dataset", None) or Path(args.data).stem
    done = save_graph(G, dataset=str(dataset), sync=args.sync, progress=None, **conn)
    _out(f"pushed {done.nodes:,} nodes and {done.relationships:,} relationships as dataset "
         f"{done.dataset!r}" + (f" (deleted {done.deleted_nodes:,} nodes, "
                                f"{done.deleted_relationships:,} relationships)"
                                if args.sync else ""))
    return 0


def _cmd_pull(args: argparse.Namespace) -> int:
    """Load a dataset from Neo4j and write its CSV folder."""
    from .build import save_graph as write_graph
    from .store import load_graph as pull_graph

    G = pull_graph(**_conn(args))
    path = write_graph(G, args.out)
    _out(f"pulled {G!r} into {path}")
    return 0


# -- dashboard (区域化党建驾驶舱) -----------------------------------------------------------------


def _compare(text: str) -> Path | str:
    """``--compare``: an older dataset (folder or .xlsx) or a date."""
    if Path(text).exists():
        return Path(text)
    try:
        return _day(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} 既不是已有的数据文件夹或工作簿，也不是日期（例如 2025-10-01）") from None


def _cmd_dashboard(args: argparse.Namespace) -> int:
    """The district dashboard: one offline page (dashboard.html)."""
    from .build import load_graph
    from .viz.dashboard import write_dashboard

    G = _load(args)
    compare: RegionalGraph | str | None = args.compare
    if isinstance(compare, Path):
        compare = load_graph(compare)
    matching = None
    if args.with_maps:
        from .matching.resources import match_resources
        from .viz.maps import write_maps

        matching = match_resources(G, as_of=args.as_of)
        write_maps(G, args.out, as_of=args.as_of, progress=False, matching=matching)
    path = write_dashboard(G, args.out, as_of=args.as_of, compare=compare,
                          compare_as_of=args.compare_as_of, matching=matching)
    _record(args, args.out, with_maps=args.with_maps or None)
    _out(f"wrote the dashboard {path} ({path.stat().st_size / 1e6:.1f} MB)"
         + ("" if args.with_maps else "; its map links point to the maps written by "
            "`regional-graph maps` into the same folder"))
    return 0


def _add_dashboard_parser(sub: Subparsers) -> None:
    help_ = ("the district dashboard (区域化党建驾驶舱): one offline page with the headline "
             "figures, charts per street/community, attention lists and links to the maps")
    sp = sub.add_parser("dashboard", help=help_, description=help_)
    sp.add_argument("data", type=Path, help="a folder of CSV files or an .xlsx workbook")
    sp.add_argument("--out", type=Path, required=True, help="output folder")
    sp.add_argument("--as-of", type=_day, help="evaluate as of this date (default: today)")
    sp.add_argument("--compare", type=_compare, metavar="OLD_DATA_OR_DATE",
                    help="show changes against an older dataset or the same data on a date")
    sp.add_argument("--compare-as-of", type=_day,
                    help="the date the older dataset is evaluated on (default: --as-of)")
    sp.add_argument("--with-maps", action="store_true",
                    help="also write the wall maps into the same folder (the page links them)")
    sp.set_defaults(handler=_cmd_dashboard)


# -- parser --------------------------------------------------------------------------------


#: Problems shown per table and column before the rest is only counted.
PROBLEMS_SHOWN = 20


def _write_problems(failures: pd.DataFrame, problems_file: Path | None, lang: str = "zh"
                    ) -> None:
    """Every problem, bounded: the first ``PROBLEMS_SHOWN`` per table and column, then a
    count; the full list goes to ``problems_file`` (CSV, UTF-8 with BOM) when asked for."""
    from .frames import safe_frame
    from .problems import explain, report_lines

    zh = lang == "zh"
    lines = report_lines(failures, "zh" if zh else "en", shown=PROBLEMS_SHOWN)
    sys.stderr.write("\n".join(lines) + "\n")
    n = len(failures)
    if problems_file is not None:
        problems_file.parent.mkdir(parents=True, exist_ok=True)
        safe_frame(explain(failures, "zh" if zh else "en")).to_csv(  # user values: inert
            problems_file, index=False, encoding="utf-8-sig")
        sys.stderr.write(f"全部 {n:,} 个问题见 {problems_file}\n" if zh else
                         f"the full list ({n:,} problems): {problems_file}\n")
    elif len(lines) - 1 < n:
        sys.stderr.write("  （用 --problems-file 文件.csv 写出全部问题）\n" if zh else
                         "  (write the full list with --problems-file FILE.csv)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for the docs).

    Examples
    --------
    >>> parser = build_parser()
    >>> parser.prog
    'regional-graph'
    >>> parser.parse_args(["check", "data/sample_district"]).command
    'check'
    """
    p = argparse.ArgumentParser(
        prog="regional-graph",
        description="Graph analysis of regional joint-building networks (区域化党建 · 资联网).",
    )
    p.add_argument("--version", action="version", version=f"regional_graph {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_table_commands(sub)
    _add_report_parser(sub)
    _add_store_commands(sub)
    _add_analysis_commands(sub)
    _add_diff_parser(sub)
    _add_maps_parser(sub)
    _add_dashboard_parser(sub)
    _add_demo_parser(sub)
    _add_research_commands(sub)
    return p


def _data_cmd(sub: Subparsers, name: str, handler: Handler,
              help_: str, *, optional: bool = False) -> argparse.ArgumentParser:
    """A sub-command reading one dataset (``DATA``, ``--problems-file``; ``optional``: DATA
    may be omitted, with ``--from-neo4j``)."""
    sp = sub.add_parser(name, help=help_, description=help_)
    if optional:
        sp.add_argument("data", type=Path, nargs="?",
                        help="a folder of CSV files or an .xlsx workbook (omit with --from-neo4j)")
    else:
        sp.add_argument("data", type=Path, help="a folder of CSV files or an .xlsx workbook")
    sp.add_argument("--problems-file", type=Path, metavar="FILE.csv",
                    help="write every problem of invalid input to this CSV file")
    sp.set_defaults(handler=handler)
    return sp


def _add_table_commands(sub: Subparsers) -> None:
    ck = _data_cmd(sub, "check", _cmd_check,
                   "validate a dataset (exit 0 if valid, 1 with every problem)")
    _lang_arg(ck)
    s = _data_cmd(sub, "summary", _cmd_summary,
                  "counts by label/kind/level/type and basic indicators")
    s.add_argument("--as-of", type=_day, help="evaluate links as of this date (default: today)")
    _lang_arg(s)
    t = sub.add_parser("template", help="write the empty fill-in workbook (Chinese headers, "
                       "drop-down lists)", description="write the empty fill-in workbook")
    t.add_argument("file", type=_xlsx, help="the .xlsx file to write")
    _lang_arg(t)
    t.set_defaults(handler=_cmd_template)


def _add_report_parser(sub: Subparsers) -> None:
    r = sub.add_parser("report", help="coverage and isolation report: CSV files + report.xlsx",
                       description="coverage and isolation report: CSV files + report.xlsx")
    r.add_argument("data", type=Path, nargs="?", help="dataset (omit with --from-neo4j)")
    _out_as_of_args(r)
    r.add_argument("--from-neo4j", action="store_true",
                   help="answer the questions with server-side Cypher instead")
    _lang_arg(r)
    r.add_argument("--workers", type=int, metavar="N",
                   help="cores to use (default: every core; 1: one process); the report "
                        "uses two processes at most")
    _neo4j_args(r, many=True)
    r.set_defaults(handler=_cmd_report)


def _add_store_commands(sub: Subparsers) -> None:
    pu = _data_cmd(sub, "push", _cmd_push, "save a dataset into Neo4j (password: "
                   "$NEO4J_PASSWORD or a prompt)")
    _neo4j_args(pu)
    pu.add_argument("--sync", action="store_true",
                    help="make the stored dataset equal to DATA (delete what is gone)")
    pl = sub.add_parser("pull", help="load a dataset from Neo4j into a CSV folder",
                        description="load a dataset from Neo4j into a CSV folder")
    pl.add_argument("--out", type=Path, required=True, help="CSV folder (or .xlsx) to write")
    _neo4j_args(pl)
    pl.set_defaults(handler=_cmd_pull)


def _add_analysis_commands(sub: Subparsers) -> None:
    m = _data_cmd(sub, "match", _cmd_match, "resource–demand matching: assignments, unmet "
                  "demands and idle resources (CSV files + matching.xlsx)")
    _out_as_of_args(m, "ties must be live on this date (default: today)")
    m.add_argument("--max-distance", type=_km, metavar="KM",
                   help="pairs this far apart or farther are not admissible")
    _lang_arg(m)
    i = _data_cmd(sub, "indicators", _cmd_indicators,
                  "indicator tables per level: indicators_<level>.csv and indicators.xlsx",
                  optional=True)
    _out_as_of_args(i)
    i.add_argument("--from-neo4j", action="store_true",
                   help="compute the tables with server-side Cypher instead")
    _neo4j_args(i, many=True)
    i.add_argument("--chinese", action="store_true", help=argparse.SUPPRESS)  # the default now
    _lang_arg(i)
    o = _data_cmd(sub, "orders", _cmd_orders, "three-order flow (群众点单→党组织下单→党员接单): "
                  "status as of a date, dispatch proposals, fulfilment indicators "
                  "(CSV files + orders.xlsx)")
    _out_as_of_args(o)
    o.add_argument("--max-distance", type=_km, metavar="KM",
                   help="units this far from the order's community or farther are not proposed")
    _lang_arg(o)


def _add_diff_parser(sub: Subparsers) -> None:
    df = sub.add_parser("diff", help="what changed: two datasets, or one dataset at two dates "
                        "(CSV files + diff.xlsx)",
                        description="what changed between two datasets, or one dataset at "
                        "two dates: indicators side by side, pairs added and ended, newly "
                        "covered and uncovered, isolated units gained and lost")
    df.add_argument("old", type=Path, help="the earlier dataset (or the only one)")
    df.add_argument("new", type=Path, nargs="?", help="the later dataset (default: OLD again)")
    _out_as_of_args(df, "the new state's date (default: today)")
    df.add_argument("--as-of-old", type=_day,
                    help="the old state's date (default: one year before --as-of)")
    _lang_arg(df)
    df.set_defaults(handler=_cmd_diff)


def _add_maps_parser(sub: Subparsers) -> None:
    mp = _data_cmd(sub, "maps", _cmd_maps, "offline wall maps (HTML) and print posters: every "
                   "community, street, the district overview, org charts, index.html")
    _out_as_of_args(mp, "data date: links live as of this day (default: today)")
    mp.add_argument("--layout", default="force", metavar="{force,geo,FOLDER}",
                    help="force-directed (default), geographic (organisations' lat/lon), or "
                         "the layout folder of an earlier run (OUT/layout, or OUT itself; "
                         "a layout.csv of 0.x too): nodes keep their positions")
    mp.add_argument("--format", choices=("html", "png", "svg", "pdf"), nargs="+",
                    help="one or more output formats (default: html)")
    mp.add_argument("--paper", choices=("A0", "A1", "A2", "A3"), default="A1",
                    help="poster size (default A1, landscape)")
    mp.add_argument("--include-personal", action="store_true",
                    help="also show personal data (member names, phones, extra columns)")
    mp.add_argument("--workers", type=int, metavar="N",
                    help="processes rendering in parallel (default: every core)")
    mp.add_argument("--wall-interval", type=float, default=30.0, metavar="SECONDS",
                    help="wall.html: seconds per map (default 30)")
    mp.add_argument("--wall-order", choices=("street", "attention"), default="street",
                    help="wall.html: street by street (default), or most attention first")
    mp.add_argument("--shared-assets", action="store_true",
                    help="one copy of the map script and of the font in OUT/assets/, linked "
                         "by every page (much smaller for a city; copy the folder with the "
                         "pages) instead of self-contained pages")
    mp.add_argument("--lang", choices=("zh", "en"), default="zh",
                    help="language of the maps' texts (titles, legends, tooltips, buttons, "
                         "posters, index and wall pages; default zh: Chinese); names stay "
                         "as in the data")


def _add_demo_parser(sub: Subparsers) -> None:
    d = sub.add_parser("demo", help="run the main job on the bundled sample district",
                       description="run every analysis and export on the sample district")
    d.add_argument("--out", type=Path, default=Path("out"), help="output folder (default out/)")
    d.add_argument("--as-of", type=_day, help="evaluate as of this date (default: today)")
    _lang_arg(d)
    d.set_defaults(handler=_cmd_demo)


def _out_as_of_args(sp: argparse.ArgumentParser,
                    as_of_help: str = "evaluate as of this date (default: today)") -> None:
    sp.add_argument("--out", type=Path, required=True, help="output folder")
    sp.add_argument("--as-of", type=_day, help=as_of_help)


def _lang_arg(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--lang", choices=("zh", "en"), default="zh",
                    help="language of the files and the printed summary (default zh: Chinese)")


def _neo4j_args(sp: argparse.ArgumentParser, *, many: bool = False) -> None:
    sp.add_argument("--uri", help="bolt://, neo4j://, neo4j+s:// … (default $NEO4J_URI)")
    sp.add_argument("--user", help="user name (default $NEO4J_USERNAME)")
    sp.add_argument("--database", help="database (default $NEO4J_DATABASE)")
    if many:  # report --from-neo4j: several datasets side by side, a `district` column
        sp.add_argument("--dataset", action="append", help="dataset name in the database "
                        "(repeat for several; needed when the database holds several)")
        return
    sp.add_argument("--dataset", help="dataset name in the database (push: default the "
                    "DATA folder name; pull: needed when the database holds several)")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``regional-graph``; returns the exit status.

    Examples
    --------
    >>> import contextlib, io
    >>> import regional_graph as rg
    >>> with contextlib.redirect_stdout(io.StringIO()) as out:
    ...     status = main(["check", str(rg.datasets.SAMPLE_DISTRICT)])
    >>> status, out.getvalue().startswith("OK")
    (0, True)
    """
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.command in ("report", "indicators") and args.data is None \
            and not args.from_neo4j:
        build_parser().error(f"{args.command}: give DATA, or --from-neo4j")
    _prefetch(args)
    try:
        status = int(args.handler(args))
    except TableValidationError as err:
        _write_problems(err.failures, getattr(args, "problems_file", None), _lang(args))
        return 1
    except (StoreError, RegionalGraphError, OSError, zipfile.BadZipFile, ValueError) as err:
        sys.stderr.write(f"error: {err}\n")
        return 2 if isinstance(err, StoreError) else 1
    if argv is None and getattr(args, "exit_at_once", False):
        _exit_at_once(status)
    return status


def _exit_at_once(status: int) -> None:
    """End the process now, skipping the interpreter's teardown (0.15 s of freeing a city's
    graph object by object): for a command whose files are all written and closed, run from
    the command line (``main()`` without ``argv``)."""
    import os

    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
