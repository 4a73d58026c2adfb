"""Write the numbered example notebooks from the cell lists below, and execute them.

    python scripts/make_notebooks.py            # write the cells (outputs cleared)
    python scripts/make_notebooks.py --execute  # write, then run each and save its outputs

The notebooks are committed WITH their outputs (readable without running them; rendered in
the docs site). They use only the public API on the bundled sample district (08 generates
several small districts); CI executes every one top to bottom and fails when an output
drifts from the committed one (tests/test_notebooks.py compares numbers and tables, not
timings). Edit the cells here, not in the .ipynb files; after a change that moves a number,
run with ``--execute`` and commit the notebooks.
"""

from __future__ import annotations

import sys
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
           "**Question.** Given one district's ledger of areas, Party organisations, units and "
           "their ties, where are the three failures the reports keep naming — coverage gaps, "
           "isolated units, unmet demands?\n\n"
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
        md("## What it means for a district office\n\n"
           "Three lists to act on this quarter: the uncovered organisations (grouped by why), "
           "the resident units with no live tie, and the demands no resource can meet. The "
           "next notebooks take each in turn."),
    ],
    "01-data-template": [
        md("# Filling in the data template\n\n"
           "**Question.** How does a district office get its ledgers into a form the analyses "
           "can trust, and what happens when the ledger has mistakes?\n\n"
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
        md("## What it means for a district office\n\n"
           "The ledger can be kept in Chinese, in Excel, as it is today; every mistake is "
           "reported at once with the row to fix, so one round of corrections is enough."),
    ],
    "02-coverage-and-joint-branches": [
        md("# Coverage gaps and joint branches (覆盖空白 · 应建未建 · 联合建立)\n\n"
           "**Question.** Which non-public enterprises and social organisations have no Party "
           "organisation covering them, which should have their own branch but do not, and "
           "where should new joint branches be formed?"),
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
        md("## What it means for a district office\n\n"
           "The uncovered list is the work list for the two-new Party-building instructors; the "
           "应建未建 list names the organisations that have enough members for their own "
           "branch; the proposals say which joint branch each small organisation could join "
           "and why (same street, related industry, nearest)."),
    ],
    "03-isolated-units-and-recommendations": [
        md("# Isolated units, dormant ties and pairing recommendations\n\n"
           "**Question.** Which resident units take part in nothing, which ties exist only on "
           "paper, which communities nobody pairs with — and who should pair with whom?"),
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
        md("## What it means for a district office\n\n"
           "Before the next joint conference: invite the isolated units, renew the ties that "
           "expire within two months, revive the dormant ones, and offer each unpaired "
           "community the suggested partners with the reasons given."),
    ],
    "04-resource-demand-matching": [
        md("# Resource–demand matching (双向认领) and the three-order flow (三单制)\n\n"
           "**Question.** Given the units' resource lists and the communities' demand lists, "
           "how much demand can be met, by whom, and what stays unmet?\n\n"
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
        code("from regional_graph.matching import orders\n"
             "orders.order_indicators(G, as_of=AS_OF).head()"),
        code("orders.propose_dispatch(G, as_of=AS_OF).head()"),
        md("## What it means for a district office\n\n"
           "The assignments are a claiming list to confirm with the units; the unmet demands, "
           "with their reasons (no resource of that category, capacity used up, too far), are "
           "what to raise at the street joint conference or to fund."),
    ],
    "05-indicators-and-structure": [
        md("# Indicators and the structure of the network\n\n"
           "**Question.** How do the streets compare on the quantified indicators, and what "
           "shape does the network of ties have — hubs, brokers, clusters?"),
        code("%matplotlib inline\nimport regional_graph as rg\n"
             "from regional_graph.analysis import indicators, "
             "structure\nfrom regional_graph.viz import plots\n\n" + AS_OF
             + "\nG = rg.datasets.load_sample_district()"),
        code("streets = indicators.indicators(G, by=\"street\", as_of=AS_OF)\nstreets.head()"),
        code("plots.plot_coverage_by_street(G, as_of=AS_OF)"),
        code("plots.plot_indicator(streets, streets.columns[-1])"),
        code("structure.degree(G, as_of=AS_OF).head()"),
        code("structure.betweenness(G, as_of=AS_OF).head()"),
        code("structure.brokers(G, as_of=AS_OF).head()"),
        code("parts = structure.communities(G, as_of=AS_OF, seed=1)\nparts"),
        code("plots.plot_degree_distribution(G, as_of=AS_OF)"),
        code("plots.plot_ties_over_time(G)"),
        md("## What it means for a district office\n\n"
           "The indicator table is the quarterly assessment sheet per street; the brokers are "
           "the units that hold streets together (losing one cuts ties); the clusters show "
           "where joint activities already run across street boundaries."),
    ],
    "06-wall-maps": [
        md("# Wall maps (资联网地图)\n\n"
           "**Question.** What does one community's resource network look like on the wall?"
           "\n\nOne self-contained HTML file per map: works with no "
           "network, Chinese font embedded, no personal data."),
        code("import tempfile, pathlib\nimport regional_graph as rg\nfrom regional_graph.viz "
             "import maps\n\n" + AS_OF + "\nG = rg.datasets.load_sample_district()\n"
             "out = pathlib.Path(tempfile.mkdtemp())"),
        code("community = G.nodes[rg.schema.Label.AREA].query(\"level == 'community'\")"
             ".index[0]\n"
             "m = maps.community_map(G, community, as_of=AS_OF)\n"
             "m.counts"),
        code("path = m.write_html(out / f\"{community}.html\")\n"
             "f\"{path.name}: {path.stat().st_size / 1e6:.1f} MB\""),
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
        md("## What it means for a district office\n\n"
           "Every community gets its 资联网地图 from the same ledger, reprinted each quarter "
           "instead of redrawn by hand; the index page is what to put on the office intranet."),
    ],
    "07-neo4j": [
        md("# Neo4j: push, query on the server, pull\n\n"
           "**Question.** Can the city's graph database answer the same questions as the "
           "library, so a dashboard can query it directly?\n\n"
           "Reads the connection from `NEO4J_URI`, `NEO4J_USERNAME`, `NEO4J_PASSWORD`, "
           "`NEO4J_DATABASE`. Without them, this notebook starts the bundled local Bolt server "
           "(a real Neo4j 5 from the official test harness) for the demonstration."),
        code("import os\nimport regional_graph as rg\nfrom regional_graph import store\n\n"
             + AS_OF + "\nG = rg.datasets.load_sample_district()\n"
             "server = None\n"
             "if not os.environ.get(\"NEO4J_URI\"):\n"
             "    from regional_graph.store.local_server import start_local_server\n"
             "    server = start_local_server()\n"
             "    os.environ.update(NEO4J_URI=server.uri, NEO4J_USERNAME=server.auth[0],\n"
             "                      NEO4J_PASSWORD=server.auth[1],\n"
             "                      NEO4J_DATABASE=server.database)"),
        code("saved = store.save_graph(G, dataset=\"sample\", sync=True)\n"
             "saved.nodes, saved.relationships"),
        md("The coverage and isolation questions answered by Cypher on the server — the same "
           "tables as the in-memory analyses:"),
        code("store.queries.uncovered(dataset=\"sample\", as_of=AS_OF).head()"),
        code("store.queries.coverage_by_area(dataset=\"sample\", as_of=AS_OF).head()"),
        code("G2 = store.load_graph(dataset=\"sample\")\nG2 == G"),
        code("if server is not None:\n    server.stop()"),
        md("## What it means for a district office\n\n"
           "The ledger can live in the city's Neo4j and be queried by other systems; the "
           "answers are the same as the library's, and the dataset comes back unchanged."),
    ],
    "08-many-districts": [
        md("# Many districts side by side (区际比较)\n\n"
           "**Question.** A city organisation department holds one ledger per district. How "
           "do its districts compare on coverage, isolated units, conference participation "
           "and member reporting — and what is the city-wide figure?\n\n"
           "Three small generated districts (invented) are merged with `rg.merge`: every id "
           "gets its district's name as a prefix, and the districts join under one city area."),
        code("%matplotlib inline\nimport dataclasses\nimport regional_graph as rg\n"
             "from regional_graph.viz import plots\n"
             "from regional_graph.analysis import compare, indicators\n\n" + AS_OF + "\n"
             "district = rg.datasets.SCALES[\"district\"]\n"
             "# (short name, district name, streets, communities per street, "
             "two-new per community)\n"
             "plan = [(\"east\", \"东岚区\", 3, 4.0, 4.0), (\"west\", \"西港区\", 4, 3.0, 6.0),\n"
             "        (\"north\", \"北湖区\", 2, 5.0, 2.5)]\n"
             "districts = {}\n"
             "for seed, (short, name, streets, per_street, two_new) in enumerate(plan, start=11):\n"
             "    scale = dataclasses.replace(district, streets_per_district=streets,\n"
             "                                communities_per_street=per_street,\n"
             "                                two_new_per_community=two_new)\n"
             "    tables = rg.datasets.generate_tables(scale, seed=seed)\n"
             "    tables[\"areas\"].loc[tables[\"areas\"][\"level\"] == \"district\", "
             "\"name\"] = name\n"
             "    districts[short] = rg.build.graph_from_tables(tables, name=name)\n"
             "city = rg.merge(list(districts.values()), names=list(districts), "
             "city_name=\"示例市\")\n"
             "city"),
        md("Ids collide between the ledgers (every district has a street `S01`); after the "
           "merge they are namespaced:"),
        code("city.nodes[rg.schema.Label.AREA].query(\"level in ['city', 'district']\")"),
        md("## The headline indicators per district\n\n"
           "One row per district and a city row (`total`): counts are summed, rates "
           "recomputed from the summed numerators and denominators."),
        code("table = compare.compare_districts(city, as_of=AS_OF)\n"
             "table[[\"name\", \"two_new\", \"rate_all\", \"rate_with_members\", "
             "\"should_build\",\n"
             "       \"isolated_units\", \"conference_rate\", \"unpaired_communities\", "
             "\"reporting_rate\"]].round(3)"),
        code("plots.plot_district_comparison(table)"),
        md("Every analysis works on the merged graph: streets across the whole city, ranked "
           "by coverage (lowest first):"),
        code("streets = indicators.indicators(city, by=\"street\", as_of=AS_OF)\n"
             "streets.sort_values(\"rate_all\")[[\"name\", \"parent\", \"two_new\", "
             "\"rate_all\"]].head(5).round(3)"),
        md("## For other tools\n\nThe merged graph as GraphML for networkx, igraph, Gephi, "
           "with a provenance record:"),
        code("import tempfile, pathlib, networkx as nx\n"
             "from regional_graph.export import formats as export_formats, provenance\n"
             "out = pathlib.Path(tempfile.mkdtemp())\n"
             "path = export_formats.write_graphml(city, out / \"city.graphml\")\n"
             "g = nx.read_graphml(path, force_multigraph=True)\n"
             "g.number_of_nodes() == city.number_of_nodes(), "
             "g.number_of_edges() == city.number_of_edges()"),
        code("info = provenance.provenance(city, as_of=AS_OF, "
             "parameters={\"seeds\": [11, 12, 13]})\n"
             "{k: info[k] for k in (\"library\", \"as_of\", \"parameters\")}"),
        md("## What it means for a city organisation department\n\n"
           "The comparison table is the city's scorecard: it shows which district lags on "
           "which failure (coverage, isolation, reporting), so inspection and support go "
           "where the gap is, and the street ranking names the places within each district. "
           "The city row is a true city-wide rate, not an average of district rates."),
    ],
}


def notebook(cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.from_dict(c) for c in cells]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"  # stable ids: no diff noise between runs
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


#: Environment of the kernel: plots inline, no progress bars (no widget, no stderr noise).
KERNEL_ENV = {"MPLBACKEND": "module://matplotlib_inline.backend_inline", "TQDM_DISABLE": "1"}


def execute(nb: nbformat.NotebookNode, folder: Path, *, timeout: int = 900
            ) -> nbformat.NotebookNode:
    """Run ``nb`` top to bottom in ``folder`` and return it with its outputs; execution
    counts and timing metadata are left out. The kernel inherits this process's
    environment: set :data:`KERNEL_ENV` first."""
    from nbclient import NotebookClient

    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            record_timing=False, resources={"metadata": {"path": str(folder)}})
    client.execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count = None
            for out in cell.outputs:
                if "execution_count" in out:
                    out["execution_count"] = None
    return nb


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    run = "--execute" in args
    only = [a for a in args if not a.startswith("--")]
    NOTEBOOKS.mkdir(exist_ok=True)
    if run:
        import os

        os.environ.update(KERNEL_ENV)
    for name, cells in BOOKS.items():
        if only and name not in only:
            continue
        nb = notebook(cells)
        if run:
            sys.stdout.write(f"executing {name} …\n")
            sys.stdout.flush()
            nb = execute(nb, NOTEBOOKS)
        nbformat.write(nb, NOTEBOOKS / f"{name}.ipynb")


if __name__ == "__main__":
    main()
