"""An import-linter contract the built-in types cannot express: no import cycle anywhere.

Run by ``lint-imports`` (``make lint``); configured in ``pyproject.toml``. Not used at run time.
"""

from __future__ import annotations

import grimp
import networkx as nx
from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


class AcyclicModulesContract(Contract):
    """Fails when any module can reach itself through imports (module level, across all packages).

    ``acyclic_siblings`` compares siblings under one parent; this looks at every module of the
    root packages at once, so a cycle between two apps' modules is caught too. Modules matching
    ``ignore_modules`` (e.g. migrations) are left out.
    """

    type_name = "acyclic_modules"

    ignore_modules = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        skipped = tuple(self.ignore_modules or ())  # type: ignore[arg-type]
        imports = nx.DiGraph()
        for module in graph.modules:
            if any(part in module.split(".") for part in skipped):
                continue
            for imported in graph.find_modules_directly_imported_by(module):
                if not any(part in imported.split(".") for part in skipped):
                    imports.add_edge(module, imported)
        cycles = []
        for component in nx.strongly_connected_components(imports):
            if len(component) > 1:
                cycle = nx.find_cycle(imports.subgraph(component))
                cycles.append([importer for importer, _ in cycle] + [cycle[0][0]])
        return ContractCheck(kept=not cycles, metadata={"cycles": sorted(cycles)})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error("Import cycle: " + " -> ".join(cycle))
            output.new_line()
