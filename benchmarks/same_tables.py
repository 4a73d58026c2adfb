"""Same tables before and after a change of the load path: raw, typed and failure tables.

``save`` reads and checks every dataset (the tiny district, the sample district, the planted
problem folders ``planted`` makes, and any ``--data`` folder or workbook) with the code in
place and pickles what comes out: the raw tables with their ``attrs`` (or the reading error's
failures), the typed tables and the failures of :func:`regional_graph.validate.check_tables`
with their ``attrs`` (sources, notes), and, when the tables are valid, the graph's node and
edge frames. ``check`` does it again and compares exactly (values, dtypes, index, ``attrs``).
Save on the old commit, check on the new one::

    python benchmarks/same_tables.py planted /tmp/planted
    git stash; python benchmarks/same_tables.py save /tmp/ref_tables \\
        --data /tmp/planted/* --data /tmp/speed_city
    git stash pop; python benchmarks/same_tables.py check /tmp/ref_tables \\
        --data /tmp/planted/* --data /tmp/speed_city
"""

from __future__ import annotations

import argparse
import pickle
import shutil
import sys
from pathlib import Path
from typing import Any

import pandas as pd

try:
    import regional_graph as rg
except ImportError:  # running from a source checkout without installation
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pkg"))
    import regional_graph as rg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from same_answers import same

from regional_graph.build import graph_from_tables
from regional_graph.errors import TableValidationError
from regional_graph.io import read_tables
from regional_graph.validate import check_tables, validate_tables


def frame(df: pd.DataFrame) -> dict[str, Any]:
    """A frame and its attrs (nested frames included), as compared."""
    return {"frame": df, "attrs": {k: frame(v) if isinstance(v, pd.DataFrame) else v
                                   for k, v in df.attrs.items()}}


def tables_of(path: Path) -> dict[str, Any]:
    """Everything reading, checking and building ``path`` gives."""
    out: dict[str, Any] = {}
    try:
        raw = read_tables(path)
    except TableValidationError as err:
        out["read_error"] = frame(err.failures)
        return out
    except (FileNotFoundError, ValueError) as err:
        out["read_error"] = f"{type(err).__name__}: {err}"
        return out
    out["raw"] = {name: frame(df) for name, df in raw.items()}
    typed, failures = check_tables(raw)
    out["typed"] = {name: frame(df) for name, df in typed.items()}
    out["failures"] = frame(failures)
    try:
        strict = validate_tables(raw)
    except TableValidationError as err:
        out["validate_error"] = frame(err.failures)
        return out
    G = graph_from_tables(strict, validate=False, name="x")
    out["nodes"] = {str(label): frame(df) for label, df in G.nodes.items()}
    out["edges"] = frame(G.edges)
    out["orders"] = frame(G.orders)
    G2 = graph_from_tables(raw, name="x")  # validated inside: the same graph
    out["same_graph"] = bool(G2 == G)
    return out


# -- planted problems ------------------------------------------------------------------------


def _edit(path: Path, edits: dict[int, str], *, encoding: str = "utf-8-sig",
          append: list[str] | None = None) -> None:
    """Replace lines (0 = header) of a CSV file, append lines."""
    lines = path.read_text(encoding="utf-8-sig").split("\n")
    for i, text in edits.items():
        lines[i] = text
    if append:
        lines[-1:] = [*append, ""] if lines[-1] == "" else [lines[-1], *append]
    path.write_bytes("\n".join(lines).encode(encoding))


def make_planted(root: Path) -> list[Path]:
    """Folders (and one workbook) made from the sample district with problems planted."""
    sample = rg.datasets.SAMPLE_DISTRICT
    root.mkdir(parents=True, exist_ok=True)
    made = []

    values = root / "values"  # bad values of every type, normalisations
    shutil.copytree(sample, values, dirs_exist_ok=True)
    _edit(values / "organizations.csv", {
        1: "O001,康城疾病预防控制中心,医院,,C089,十二,87,37.522829,121.363537,兴翠路166号",
        2: "O002, 南滨区人民医院 ,hospital,,C082,１２,1e3,,,康湾大道71号",
        3: "O003,名称\x0b控制,unknown_kind,,C082,\"1,234\",-5,91,,'=A1",
        4: "O004,#N/A,hospital,,C082,3.5,2,x,,地址",
        5: ",,,,,,,,,",
    })
    _edit(values / "links.csv", {
        1: "O108,PI001,covered_by,2024-02-30,,,",
        2: "O111,PI002,covered_by,2024/3/1,2024年3月5日,,",
        3: "O111,PI002,covered_by,20240301,45566,,",
        4: "O111,PI002,covered_by,2024-03-01 10:00,2023-01-01,,",
        5: "O111,PI002,支部共建,２０２４-03-01,,,",
    })
    _edit(values / "members.csv", {
        1: "M001,PU012,C059,maybe,法律、舞蹈,郑洋,13505598145,370691131705968532",
        2: "M002,PU053,C047,是,,郭娜刚,13565638188,370634613533270718",
    })
    _edit(values / "orders.csv", {
        1: "OD001,C076,venue,done,2026-06-05 19:30,PC076,2026-06-05 25:01,O231,"
           "2026/6/6 3时22分,2026-06-04 08:39,居民场地点单",
    })
    _edit(values / "party_orgs.csv", {2: "PS01,湖岚街道党工委,street_committee,PD01,S01,,"
                                         "二十一,2020-01-01,2019-01-01"})
    made.append(values)

    refs = root / "refs"  # duplicate ids, dangling references, cycles, wrong kinds
    shutil.copytree(sample, refs, dirs_exist_ok=True)
    _edit(refs / "areas.csv", {2: "S01,湖岚街道,street,S02", 3: "S02,x,street,S01",
                               4: "S03,y,street,S03"},
          append=["D01,重复,district,", "O001,跨表重复,district,"])
    _edit(refs / "organizations.csv", {1: "O001,康城疾病预防控制中心,public_institution,,NOPE,"
                                          "174,87,37.522829,121.363537,兴翠路166号"})
    _edit(refs / "links.csv", {1: "O108,O108,covered_by,2020-10-21,,,",
                               2: "PI002,O111,covered_by,2023-03-09,,,",
                               3: "O111,MISSING,covered_by,2023-03-09,,,"})
    _edit(refs / "activities.csv", {1: "A001,2026-07-09,O001,,,69,",
                                    2: "A002,2026-07-04,O001,D01,,24,"})
    _edit(refs / "party_orgs.csv", {2: "PS01,湖岚街道党工委,street_committee,PD01,C001,,21"})
    made.append(refs)

    enc = root / "encodings"  # GBK, title rows, Chinese headers and names, broken rows
    enc.mkdir(exist_ok=True)
    for f in sample.glob("*.csv"):
        tbl = rg.schema.table(f.stem)
        zh = {c.name: c.zh for c in tbl.columns}
        lines = f.read_text(encoding="utf-8-sig").split("\n")
        lines[0] = ",".join(zh.get(h, h) for h in lines[0].split(","))
        target = enc / f"{tbl.zh}.csv"
        if f.stem == "areas":
            lines.insert(0, "海岚区区域台账（2026年）,,,")
            target.write_bytes("\n".join(lines).encode("gbk"))
        elif f.stem == "organizations":
            lines[3] = lines[3] + ",多余"
            lines[4] = lines[4].rsplit(",", 3)[0]
            target.write_bytes("\r\n".join(lines).encode("gb18030"))
        elif f.stem == "demands":
            lines[2] = lines[2].replace("居民", "居\r民")
            target.write_bytes("\n".join(lines).encode("utf-8"))
        elif f.stem == "resources":
            target.write_bytes("\n".join(lines).encode("utf-16"))
        else:
            target.write_bytes("\n".join(lines).encode("utf-8-sig"))
    (enc / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    made.append(enc)

    valid = root / "valid_gbk"  # valid: GBK, Chinese headers, title rows, CR LF, blank rows
    valid.mkdir(exist_ok=True)
    for f in sample.glob("*.csv"):
        tbl = rg.schema.table(f.stem)
        zh = {c.name: c.zh for c in tbl.columns}
        lines = f.read_text(encoding="utf-8-sig").rstrip("\n").split("\n")
        lines[0] = ",".join(zh.get(h, h) for h in lines[0].split(","))
        lines = [f"{tbl.zh}（2026年）", *lines[:5], "," * lines[0].count(","), *lines[5:]]
        (valid / f"{tbl.zh}.csv").write_bytes("\r\n".join(lines).encode("gbk"))
    made.append(valid)

    book = root / "workbook.xlsx"  # a workbook: Chinese sheet names, a title row, bad cells
    import openpyxl

    rg.io.write_tables(rg.io.read_tables(sample), book, chinese_headers=True)
    wb = openpyxl.load_workbook(book)
    ws = wb["单位"]
    ws.insert_rows(1)
    ws["A1"] = "海岚区单位台账"
    ws["F3"] = "十二"
    ws["L4"] = "2024-02-30"
    ws["M5"] = "stray"
    wb["关系"]["D2"] = __import__("datetime").datetime(2024, 3, 1)
    wb.save(book)
    made.append(book)
    return made


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("mode", choices=["save", "check", "planted"])
    p.add_argument("folder", type=Path, help="where the reference pickles are (planted: "
                   "where the planted datasets go)")
    p.add_argument("--data", type=Path, nargs="+", action="extend", default=[],
                   help="also these CSV folders or workbooks")
    args = p.parse_args()
    if args.mode == "planted":
        for path in make_planted(args.folder):
            print(path)
        return 0
    args.folder.mkdir(parents=True, exist_ok=True)
    datasets = {"tiny": rg.datasets.TINY, "sample": rg.datasets.SAMPLE_DISTRICT}
    datasets.update({f"{p.parent.name}_{p.name}": p for p in args.data})
    differences = 0
    for name, path in datasets.items():
        got = tables_of(Path(path))
        file = args.folder / f"{name}.pkl"
        if args.mode == "save":
            file.write_bytes(pickle.dumps(got))
            print(f"{name}: saved", flush=True)
            continue
        ref = pickle.loads(file.read_bytes())  # our own reference files
        for key in sorted(set(ref) | set(got)):
            try:
                same(ref.get(key), got.get(key), f"{name}/{key}")
            except (AssertionError, AttributeError, TypeError, ValueError) as e:
                differences += 1
                print(f"DIFFERENT {name} {key}: {str(e)[:800]}")
        print(f"{name}: checked", flush=True)
    if args.mode == "check":
        print("same tables" if not differences else f"{differences} parts differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
