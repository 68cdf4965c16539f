"""The layers of ../shared/DESIGN.md, read from the code's own imports (grimp builds the graph from
every import statement, those inside functions included):

- an import never runs from a lower layer to a higher one, and apps that share a layer (the trade
  apps; insights and datasets) never import each other;
- no files import each other in a circle.

A new app must be placed in LAYERS, or this test names it.
"""

from __future__ import annotations

import grimp

# Bottom to top. Apps in one set share a layer and are independent of each other.
LAYERS: list[set[str]] = [
    {"kernel"},  # errors, the access machinery, events and the outbox, jobs and mail, websocket base
    {"fair"},  # fairs, halls, companies, participation, sourcing profiles, vocabularies
    {"notices"},  # the notification centre: every higher app's subscribers write to it
    {"exhibitors"},  # booths, products, the live booth
    {"matching"},  # the recommender
    {"meetings"},  # slots, the meeting life cycle, the video room
    {"rfq", "agreements", "playbooks", "shows", "integrations"},  # trade after the match
    {"insights", "datasets"},  # what looks across a whole fair
    {"frontend"},  # every page
    {"config"},  # settings, urls, the ASGI application
]
PACKAGES = sorted(set().union(*LAYERS))


def _graph() -> grimp.ImportGraph:
    import importlib.util

    present = [name for name in PACKAGES if importlib.util.find_spec(name) is not None]
    return grimp.build_graph(*present, cache_dir=None)


def _layer_of(module: str) -> int:
    top = module.split(".")[0]
    for i, layer in enumerate(LAYERS):
        if top in layer:
            return i
    raise AssertionError(f"{top} is in no layer of tests/test_layers.py: place it")


def test_no_import_runs_upward_or_across_a_layer():
    graph = _graph()
    wrong = []
    for importer in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(importer):
            a, b = importer.split(".")[0], imported.split(".")[0]
            if a == b:
                continue
            if _layer_of(imported) >= _layer_of(importer):
                details = graph.get_import_details(importer=importer, imported=imported)
                line = details[0]["line_number"] if details else "?"
                wrong.append(f"{importer}:{line} imports {imported}")
    assert not wrong, "imports that run up or across a layer:\n" + "\n".join(wrong)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_files_import_each_other_in_a_circle():
    graph = _graph()
    # A package's __init__ that re-exports nothing is not a file anyone imports for its code.
    cycles = _cycles(graph)
    assert not cycles, "files that import each other in a circle:\n" + "\n".join(
        " -> ".join(c) for c in cycles
    )


def test_the_checks_can_fail():
    """The two checks above see an upward import and a circle when there is one."""
    graph = grimp.ImportGraph()
    for module in ("fair.services", "meetings.services", "meetings.notify", "kernel.jobs"):
        graph.add_module(module)
    graph.add_import(importer="fair.services", imported="meetings.services")
    assert _layer_of("meetings.services") > _layer_of("fair.services")
    graph.add_import(importer="meetings.services", imported="meetings.notify")
    graph.add_import(importer="meetings.notify", imported="kernel.jobs")
    graph.add_import(importer="kernel.jobs", imported="meetings.services")
    assert _cycles(graph) == [["kernel.jobs", "meetings.notify", "meetings.services"]]
