"""Write the numbered example notebooks (outputs cleared) from the cell lists below.

    python scripts/make_notebooks.py

The notebooks use only the public API on the bundled sample district; CI executes every one
top to bottom (tests/test_notebooks.py). Edit the cells here, not in the .ipynb files.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
AS_OF = 'AS_OF = "2026-10-01"  # the date the sample data describes'

SETUP = [
    "import regional_graph as rg\n"
    "from regional_graph.analysis import coverage, isolation\n\n"
    + AS_OF,
]


def md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text)


def code(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(text)


BOOKS: dict[str, list[nbformat.NotebookNode]] = {
    "00-quickstart": [
        md("# Quickstart: the sample district in ten cells\n\n"
           "Load the bundled sample district (海岚区, invented), look at it, and answer the three "
           "headline questions: coverage gaps, isolated units, resource–demand matching."),
        code(SETUP[0]),
        code('G = rg.load_graph("../data/sample_district")\nG'),
        code("G.summary()"),
        md("## 1. Coverage gaps (覆盖空白)"),
        code("gaps = coverage.uncovered(G, as_of=AS_OF)\n"
             "gaps.groupby(\"reason\").size()"),
        code("coverage.coverage_rates(G, as_of=AS_OF, by=\"street\").head()"),
        md("## 2. Isolated units (孤岛单位)"),
        code("isolation.isolated_units(G, as_of=AS_OF).head()"),
        md("## 3. Resource–demand matching (双向认领)"),
        code("from regional_graph import matching\n"
             "result = matching.match_resources(G, as_of=AS_OF)\n"
             "result.totals"),
    ],
    "01-data-template": [
        md("# Filling in the data template\n\n"
           "District offices fill in one workbook: Chinese headers, one sheet per table, "
           "drop-down lists for every enum column. Validation lists every problem at once."),
        code("import tempfile, pathlib\nimport pandas as pd\nimport regional_graph as rg\n\n"
             "work = pathlib.Path(tempfile.mkdtemp())\n"
             "template = rg.io.write_template(work / \"资联网模板.xlsx\")\ntemplate.name"),
        md("A small dataset typed in by hand, with Chinese headers and values — and three "
           "mistakes: an unknown level, a reference to a missing street, a date that does not "
           "exist."),
        code("areas = pd.DataFrame({\n"
             "    \"编号\": [\"D1\", \"S1\", \"C1\", \"C2\"],\n"
             "    \"名称\": [\"示例区\", \"云岚街道\", \"新桥社区\", \"东苑社区\"],\n"
             "    \"层级\": [\"区\", \"街道\", \"社区\", \"小区\"],\n"
             "    \"上级编号\": [None, \"D1\", \"S1\", \"S9\"],\n"
             "})\n"
             "orgs = pd.DataFrame({\n"
             "    \"编号\": [\"O1\", \"O2\"],\n"
             "    \"名称\": [\"示例区人民医院\", \"鑫达商贸有限公司\"],\n"
             "    \"类型\": [\"医院\", \"非公企业\"], \"所属区域\": [\"C1\", \"C1\"],\n"
             "    \"党员数\": [\"40\", \"2\"],\n"
             "})\n"
             "links = pd.DataFrame({\n"
             "    \"起点\": [\"O1\"], \"终点\": [\"C1\"], \"关系类型\": [\"共建\"],\n"
             "    \"开始日期\": [\"2024年2月30日\"],\n"
             "})\n"
             "rg.io.write_tables({\"areas\": areas, \"organizations\": orgs, \"links\": links},\n"
             "                   work / \"filled.xlsx\", chinese_headers=False)\n"
             "try:\n"
             "    rg.load_graph(work / \"filled.xlsx\")\n"
             "except rg.TableValidationError as err:\n"
             "    problems = err.failures\n"
             "problems"),
        md("Every row names the table, the row as seen in Excel (header = row 1), the column, "
           "the bad value and what was expected. Fix them and load again:"),
        code("areas.loc[3, \"层级\"] = \"社区\"\nareas.loc[3, \"上级编号\"] = \"S1\"\n"
             "links.loc[0, \"开始日期\"] = \"2024年3月1日\"\n"
             "rg.io.write_tables({\"areas\": areas, \"organizations\": orgs, \"links\": links},\n"
             "                   work / \"filled.xlsx\")\n"
             "G = rg.load_graph(work / \"filled.xlsx\")\nG"),
        code("rg.build.graph_to_tables(G)[\"links\"]"),
    ],
    "02-coverage-and-joint-branches": [
        md("# Coverage gaps and joint branches (覆盖空白 · 应建未建 · 联合建立)"),
        code(SETUP[0] + "\nG = rg.datasets.load_sample_district()"),
        code("uncovered = coverage.uncovered(G, as_of=AS_OF)\nuncovered.head(10)"),
        code("coverage.should_build(G, as_of=AS_OF).head(10)"),
        md("Coverage rates under both definitions, with numerator and denominator:"),
        code("by_area = coverage.coverage_by_area(G, as_of=AS_OF)\nby_area.head(15)"),
        code("coverage.coverage_rates(G, as_of=AS_OF, by=\"industry\")"),
        md("Proposals for joint branches, 行业相近、地域相邻: same street, related industry, "
           "nearest first; existing joint branches nearby are preferred."),
        code("proposals = coverage.joint_branch_proposals(G, as_of=AS_OF, max_orgs=5)\n"
             "proposals.groupby(\"action\").size()"),
        code("proposals.head(10)"),
        md("Column labels in Chinese for a report:"),
        code("from regional_graph.analysis import labels\nlabels.to_chinese(uncovered.head())"),
    ],
    "03-isolated-units-and-recommendations": [
        md("# Isolated units, dormant ties and pairing recommendations"),
        code(SETUP[0] + "\nG = rg.datasets.load_sample_district()"),
        code("isolated = isolation.isolated_units(G, as_of=AS_OF)\n"
             "isolated.groupby(\"reason\").size()"),
        code("isolation.weakly_tied_units(G, as_of=AS_OF).head()"),
        code("isolation.dormant_ties(G, as_of=AS_OF, months=12).head()"),
        code("isolation.expiring_ties(G, as_of=AS_OF, days=60).head()"),
        code("isolation.unpaired_communities(G, as_of=AS_OF).head()"),
        code("components = isolation.tie_components(G, as_of=AS_OF)\n"
             "components.cut_off.head()"),
        md("Suggested partners for every isolated unit and unpaired community, with reasons:"),
        code("from regional_graph.analysis import recommend\n"
             "recommend.recommend_partners(G, as_of=AS_OF, k=3).head(12)"),
        md("Year on year: what changed between two dates?"),
        code("from regional_graph.analysis import changes\n"
             "d = changes.diff(G, as_of_old=\"2025-10-01\", as_of_new=AS_OF)\n"
             "d.street_coverage.head()"),
    ],
    "04-resource-demand-matching": [
        md("# Resource–demand matching (双向认领) and the three-order flow (三单制)\n\n"
           "An exact min-cost-flow allocation: serve as much priority-weighted demand as "
           "possible, then minimise distance cost, preferring existing partners."),
        code("import regional_graph as rg\nfrom regional_graph import matching\n\n" + AS_OF
             + "\nG = rg.datasets.load_sample_district()"),
        code("result = matching.match_resources(G, as_of=AS_OF)\nresult.assignments.head(10)"),
        code("result.unmet_demands.groupby(\"reason\").size()"),
        code("result.idle_resources.head()"),
        code("result.totals"),
        md("Options: a distance limit turns far pairs inadmissible; the result explains it."),
        code("tight = matching.match_resources(G, as_of=AS_OF, max_distance_km=1.0)\n"
             "tight.unmet_demands.groupby(\"reason\").size()"),
        md("## The three-order flow"),
        code("from regional_graph import orders\norders.order_indicators(G, as_of=AS_OF).head()"),
        code("orders.propose_dispatch(G, as_of=AS_OF).head()"),
    ],
    "05-indicators-and-structure": [
        md("# Indicators and the structure of the network"),
        code("import regional_graph as rg\nfrom regional_graph.analysis import indicators, "
             "structure\nfrom regional_graph import plots\n\n" + AS_OF
             + "\nG = rg.datasets.load_sample_district()"),
        code("streets = indicators.indicators(G, level=\"street\", as_of=AS_OF)\nstreets.head()"),
        code("plots.plot_coverage_by_street(G, as_of=AS_OF)"),
        code("plots.plot_indicator(streets, streets.columns[-1])"),
        code("structure.degree(G, as_of=AS_OF).head()"),
        code("structure.betweenness(G, as_of=AS_OF).head()"),
        code("structure.brokers(G, as_of=AS_OF).head()"),
        code("parts = structure.communities(G, as_of=AS_OF, seed=1)\nparts"),
        code("plots.plot_degree_distribution(G, as_of=AS_OF)"),
        code("plots.plot_ties_over_time(G)"),
    ],
    "06-wall-maps": [
        md("# Wall maps (资联网地图)\n\nOne self-contained HTML file per map: works with no "
           "network, Chinese font embedded, no personal data."),
        code("import tempfile, pathlib\nimport regional_graph as rg\nfrom regional_graph.viz "
             "import maps\n\n" + AS_OF + "\nG = rg.datasets.load_sample_district()\n"
             "out = pathlib.Path(tempfile.mkdtemp())"),
        code("community = G.nodes[rg.schema.Label.AREA].query(\"level == 'community'\")"
             ".index[0]\n"
             "m = maps.community_map(G, community, as_of=AS_OF)\n"
             "m.counts"),
        code("path = m.write_html(out / f\"{community}.html\")\npath.stat().st_size"),
        md("Shown inline: the map's `_repr_html_` embeds the whole self-contained page "
           "(an `iframe` with `srcdoc`, no file path), so it works under any Jupyter server "
           "and offline:"),
        code("m"),
        md("For pyvis users: the same positions, colours and labels as a pyvis `Network` "
           "(physics off). The wall maps keep their own renderer (offline, embedded font, "
           "filters, search, legend)."),
        code("net = m.to_pyvis()\nlen(net.nodes), len(net.edges)"),
        md("All maps of the district, with an index page, in one call:"),
        code("files = maps.write_maps(G, out / \"maps\", as_of=AS_OF, progress=False)\n"
             "len(files), files[\"index\"].name"),
    ],
    "07-neo4j": [
        md("# Neo4j: push, query on the server, pull\n\n"
           "Reads the connection from `NEO4J_URI`, `NEO4J_USERNAME`, `NEO4J_PASSWORD`, "
           "`NEO4J_DATABASE`. Without them, this notebook starts the bundled local Bolt server "
           "(ArcadeDB) for the demonstration."),
        code("import os\nimport regional_graph as rg\nfrom regional_graph import store\n\n"
             + AS_OF + "\nG = rg.datasets.load_sample_district()\n"
             "server = None\n"
             "if not os.environ.get(\"NEO4J_URI\"):\n"
             "    from regional_graph.store.local_server import start_local_server\n"
             "    server = start_local_server()\n"
             "    os.environ.update(NEO4J_URI=server.uri, NEO4J_USERNAME=server.auth[0],\n"
             "                      NEO4J_PASSWORD=server.auth[1],\n"
             "                      NEO4J_DATABASE=server.database)"),
        code("store.save_graph(G, dataset=\"sample\", sync=True)"),
        md("The coverage and isolation questions answered by Cypher on the server — the same "
           "tables as the in-memory analyses:"),
        code("store.queries.uncovered(dataset=\"sample\", as_of=AS_OF).head()"),
        code("store.queries.coverage_by_area(dataset=\"sample\", as_of=AS_OF).head()"),
        code("G2 = store.load_graph(dataset=\"sample\")\nG2 == G"),
        code("if server is not None:\n    server.stop()"),
    ],
}


def main() -> None:
    NOTEBOOKS.mkdir(exist_ok=True)
    for name, cells in BOOKS.items():
        nb = nbformat.v4.new_notebook()
        nb.cells = cells
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                     "language": "python"}
        nb.metadata["language_info"] = {"name": "python"}
        nbformat.write(nb, NOTEBOOKS / f"{name}.ipynb")


if __name__ == "__main__":
    main()
