"""Everything that leaves the library as files: tables (CSV/xlsx), the report, interchange
formats and provenance. Analyses return data; these modules write it.

Modules: :mod:`~regional_graph.export.tables` (the one table writer, CSV and formatted xlsx),
:mod:`~regional_graph.export.report` (report.xlsx),
:mod:`~regional_graph.export.matching` (matching.xlsx, orders.xlsx),
:mod:`~regional_graph.export.indicators` (the indicator tables),
:mod:`~regional_graph.export.changes` (the change tables), :mod:`~regional_graph.export.formats`
(GraphML, GEXF, Parquet, neo4j-admin import), :mod:`~regional_graph.export.provenance`.

Examples
--------
>>> from regional_graph.export import is_rate
>>> is_rate("coverage_rate"), is_rate("party_orgs")
(True, False)
"""

from __future__ import annotations

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submodules=["changes", "formats", "indicators", "matching", "provenance", "report",
                "tables"],
    names={
        **dict.fromkeys(["AS_OF_RULE", "XLSX_MAX_ROWS", "as_of_line", "display_width",
                         "is_rate", "write_tables"], "tables"),
        **dict.fromkeys(["REPORT_TABLES", "report_tables", "summary_figures", "summary_lines",
                         "write_report", "write_report_and_tables", "write_report_tables"],
                        "report"),
        **dict.fromkeys(["FORMATS", "export_graph", "plain_networkx", "write_gexf",
                         "write_graphml", "write_neo4j_import", "write_parquet"], "formats"),
        **dict.fromkeys(["write_matching", "write_orders"], "matching"),
        **dict.fromkeys(["graph_checksum", "provenance", "provenance_line",
                         "write_provenance"], "provenance"),
        "write_indicators": "indicators",
        "write_diff": "changes",
    },
)
