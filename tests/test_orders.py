"""The three-order flow (``regional_graph.matching.orders``): validation, dispatch proposals,
indicators, on a hand-built orders table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import regional_graph as rg
from regional_graph.matching import orders as orders_mod
from regional_graph.matching.orders import order_indicators, order_status_as_of, propose_dispatch

_ = None
ORDER_COLUMNS = ["id", "community_id", "category", "status", "ordered_at", "dispatcher_id",
                 "dispatched_at", "assignee_id", "taken_at", "finished_at"]
#: W1 legal open in C1 (member M1 can take it), W2 medical open in C2 (unit R1), W3 childcare
#: open in C1 (nobody), W4 done in C1 by M1, W5 cancelled in C2, W6 legal taken in C1 by O1.
ORDERS = [
    ["W1", "C1", "法律", "open", "2026-09-01 10:00", _, _, _, _, _],
    ["W2", "C2", "medical", "待派单", "2026-09-02 10:00", _, _, _, _, _],
    ["W3", "C1", "childcare", "open", "2026-09-03 10:00", _, _, _, _, _],
    ["W4", "C1", "medical", "done", "2026-08-01 09:00", "PC1", "2026-08-01 10:00", "M1",
     "2026-08-01 12:00", "2026-08-02 09:00"],
    ["W5", "C2", "venue", "cancelled", "2026-08-05 09:00", _, _, _, _, _],
    ["W6", "C1", "legal", "taken", "2026-09-10 09:00", "PC1", "2026-09-10 11:00", "O1",
     "2026-09-10 13:00", _],
]


@pytest.fixture
def tables(raw_tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    raw_tables["orders"] = pd.DataFrame(ORDERS, columns=ORDER_COLUMNS, dtype="str")
    raw_tables["members"]["skills"] = ["法律/volunteer", "医疗"]
    return raw_tables


def test_generated_orders_validate_and_cover_every_status() -> None:
    G = rg.datasets.load_sample_district()
    assert 200 <= len(G.orders) <= 600
    assert set(G.orders["status"].astype(str)) == set(rg.schema.ORDER_STATUS.codes)
    assert G.nodes[rg.schema.Label.MEMBER]["skills"].notna().mean() > 0.2
    o = G.orders
    assert (o["finished_at"].dropna() <= pd.Timestamp(rg.datasets.REFERENCE_DATE)).all()


def test_orders_validation_errors_with_row_and_column(tables, write_csv) -> None:
    tables["orders"].loc[3, "taken_at"] = "2026-08-01 08:00"  # before dispatched_at
    tables["orders"].loc[5, "status"] = "done"  # done without finished_at
    tables["members"].loc[1, "skills"] = "医疗、飞行"
    with pytest.raises(rg.TableValidationError) as err:
        rg.load_graph(write_csv(tables, "bad"))
    f = err.value.failures
    got = {(t, int(r), c): p for t, r, c, p in
           zip(f["table"], f["row"], f["column"], f["problem"], strict=True)}
    assert got[("orders", 5, "taken_at")] == "taken_at before dispatched_at"
    assert got[("orders", 7, "finished_at")] == "empty for a done order"
    assert got[("members", 3, "skills")] == "unknown category in skills"
    assert f.loc[f["column"] == "skills", "value"].iloc[0] == "飞行"


def test_skills_round_trip(tables, write_csv) -> None:
    G = rg.load_graph(write_csv(tables, "ok"))
    assert G.nodes[rg.schema.Label.MEMBER].loc["M1", "skills"] == "法律/volunteer"
    assert rg.build.tables_equal(rg.build.graph_to_tables(G),
                                 rg.validate.validate_tables(tables))


def test_status_as_of(tables) -> None:
    G = rg.build.graph_from_tables(tables)
    assert order_status_as_of(G.orders, "2026-10-01").tolist() == [
        "open", "open", "open", "done", "cancelled", "taken"]
    early = order_status_as_of(G.orders, "2026-08-01")
    assert early.iloc[3] == "taken"  # finished on 2 August
    assert early.isna().sum() == 5  # not yet ordered


def test_propose_dispatch(tables) -> None:
    G = rg.build.graph_from_tables(tables)
    p = propose_dispatch(G, as_of="2026-10-01")
    assert p.index.tolist() == ["W1", "W2", "W3"]
    assert p.loc["W1", ["assignee_kind", "assignee_id", "dispatcher_id"]].tolist() == [
        "member", "M1", "PC1"]
    assert pd.isna(p.loc["W1", "assignee"])  # a member's name is personal data
    assert p.loc["W2", ["assignee_kind", "assignee_id", "resource_id", "dispatcher_id"]
                 ].tolist() == ["unit", "O1", "R1", "PC2"]
    assert p.loc["W2", "dispatcher"] == "西湾社区党委"
    assert p.loc["W2", "reason"].startswith("unit: same street")
    assert pd.isna(p.loc["W3", "assignee_id"])
    assert p.loc["W3", "reason"] == orders_mod.NO_CANDIDATE


def test_busy_member_and_distance_limit(tables) -> None:
    tables["orders"].loc[5, "assignee_id"] = "M1"  # M1 already holds W6
    G = rg.build.graph_from_tables(tables)
    p = propose_dispatch(G, as_of="2026-10-01")
    assert pd.isna(p.loc["W1", "assignee_id"])
    assert p.loc["W1", "reason"] == orders_mod.ALL_BUSY
    p2 = propose_dispatch(G, as_of="2026-10-01", member_capacity=2)
    assert p2.loc["W1", "assignee_id"] == "M1"
    far = propose_dispatch(G, as_of="2026-10-01", max_distance_km=0.5)
    assert far.loc["W2", "reason"] == orders_mod.TOO_FAR


def test_unreported_member_is_not_proposed(tables) -> None:
    tables["members"].loc[0, "reported"] = "false"
    tables["links"] = tables["links"][tables["links"]["type"] != "reports_to"]
    G = rg.build.graph_from_tables(tables)
    assert propose_dispatch(G, as_of="2026-10-01").loc["W1", "reason"] == \
        orders_mod.NO_CANDIDATE


def test_order_indicators(tables) -> None:
    G = rg.build.graph_from_tables(tables)
    ind = order_indicators(G, as_of="2026-10-01")
    c1, c2 = ind.loc["C1"], ind.loc["C2"]
    assert c1[["orders", "open", "dispatched", "taken", "done", "cancelled"]].tolist() == [
        4, 2, 0, 1, 1, 0]
    assert c1["fulfilment_rate"] == pytest.approx(0.25)
    assert c1["median_hours_to_take"] == pytest.approx(3.5)  # W4 3 h, W6 4 h
    assert c1["median_hours_to_finish"] == pytest.approx(24.0)
    assert c1["name"] == "东湾社区"
    assert c2[["orders", "open", "cancelled"]].tolist() == [2, 1, 1]
    assert c2["fulfilment_rate"] == pytest.approx(0.0)
    assert np.isnan(c2["median_hours_to_take"])
    early = order_indicators(G, as_of="2026-08-01", by=None)
    assert early.loc["all", ["orders", "taken", "done"]].tolist() == [1, 1, 0]
    assert np.isnan(early.loc["all", "median_hours_to_finish"])
    street = order_indicators(G, as_of="2026-10-01", by="street")
    assert street.loc["S1", "orders"] == 6
    assert order_indicators(G, as_of="2026-10-01", by="category").loc["legal", "orders"] == 2
    with pytest.raises(ValueError, match="by must be"):
        order_indicators(G, by="grid")


def test_no_orders(raw_tables) -> None:
    G = rg.build.graph_from_tables(raw_tables)
    assert propose_dispatch(G).empty
    assert order_indicators(G).empty


def test_sample_district_orders() -> None:
    G = rg.datasets.load_sample_district()
    p = propose_dispatch(G, as_of=rg.datasets.REFERENCE_DATE)
    assert len(p) == int((order_status_as_of(G.orders, rg.datasets.REFERENCE_DATE)
                          == "open").sum())
    assert set(p["reason"].dropna()) - {*orders_mod.DISPATCH_REASONS} != set()
    ind = order_indicators(G, as_of=rg.datasets.REFERENCE_DATE)
    assert int(ind["orders"].sum()) == len(G.orders)


def test_orders_command(tables, write_csv, tmp_path, capsys) -> None:
    """``regional-graph orders``: hand-derived statuses, proposals and indicators (see
    ``ORDERS``); the indicator tables carry the same counts."""
    from regional_graph import cli
    from regional_graph.analysis.indicators import indicators

    data = write_csv(tables, "orders")
    out = tmp_path / "out"
    assert cli.main(["orders", str(data), "--out", str(out), "--as-of", "2026-10-01",
                     "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("As of 2026-10-01")
    assert "6 orders — open 3, dispatched 0, taken 1, done 1, cancelled 1" in printed
    st = pd.read_csv(out / "order_status.csv", encoding="utf-8-sig", dtype=str).set_index("id")
    assert st["status"].tolist() == ["open", "open", "open", "done", "cancelled", "taken"]
    assert st.loc["W6", ["assignee_kind", "assignee_id"]].tolist() == ["unit", "O1"]
    assert st.loc["W4", "finished_at"] == "2026-08-02 09:00"
    assert "description" not in st.columns
    prop = pd.read_csv(out / "dispatch_proposals.csv", encoding="utf-8-sig", dtype=str)
    assert prop.set_index("id")["assignee_id"].fillna("").tolist() == ["M1", "O1", ""]
    ind = pd.read_csv(out / "order_indicators.csv", encoding="utf-8-sig").set_index("id")
    assert ind.loc["C1", ["orders", "open", "taken", "done"]].tolist() == [4, 2, 1, 1]
    assert ind.loc["C1", "fulfilment_rate"] == pytest.approx(0.25)
    street = pd.read_csv(out / "order_indicators_street.csv", encoding="utf-8-sig")
    assert street.set_index("id").loc["S1", "orders"] == 6
    # as of 1 August only W4 was placed, and it was taken, not yet finished
    early = tmp_path / "early"
    assert cli.main(["orders", str(data), "--out", str(early), "--as-of", "2026-08-01",
                     "--lang", "en"]) == 0
    st = pd.read_csv(early / "order_status.csv", encoding="utf-8-sig", dtype=str)
    assert st["id"].tolist() == ["W4"] and st["status"].tolist() == ["taken"]
    assert pd.isna(st["finished_at"].iloc[0])
    # Chinese by default: statuses and reasons in Chinese
    zh = tmp_path / "zh"
    assert cli.main(["orders", str(data), "--out", str(zh), "--as-of", "2026-10-01"]) == 0
    import openpyxl

    wb = openpyxl.load_workbook(zh / "orders.xlsx")
    assert wb.sheetnames == ["订单状态", "派单建议", "三单制指标", "三单制指标(街道)",
                             "三单制指标(类别)", "说明"]
    ws = wb["订单状态"]
    head = [c.value for c in ws[1]]
    assert [r[head.index("状态")] for r in ws.iter_rows(min_row=2, values_only=True)] == [
        "待派单", "待派单", "待派单", "已完成", "已取消", "已接单"]
    ws = wb["派单建议"]
    head = [c.value for c in ws[1]]
    reasons = [r[head.index("原因")] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert reasons[0] == "住在本社区的在职党员；技能：法律"
    assert reasons[1].startswith("驻区单位：同街道")
    assert reasons[2] == "无具备该技能的在职党员，也无该类别资源的单位"
    G = rg.build.graph_from_tables(tables)
    c1 = indicators(G, by="community", as_of="2026-10-01").loc["C1"]
    assert c1[["orders", "open", "done", "cancelled"]].tolist() == [4, 2, 1, 0]
    assert c1["fulfilment_rate"] == pytest.approx(0.25)
