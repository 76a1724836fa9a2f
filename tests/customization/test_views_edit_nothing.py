"""The settings views keep no document-editing logic: every edit of the configuration lives in
core/customization/edits.py (or services.py), where the config API calls it too.

An AST scan of core/customization/views.py fails when a view copies a document (`copy`, `deepcopy`), saves
one itself (`config_save`), or changes one in place: assigns or deletes an item or attribute of, or calls
a mutating method (`append`, `pop`, `setdefault`, …) on, a value that is part of a document.

A value is part of a document ("shared") when it is read from a `.document` attribute, returned by a
reader (`field_specs`, `_find`, `load_preset`, `edits.with_pipeline`, a form's `build_spec`, or a function
of the module that returns a shared value), is a parameter named like one (`document`, `spec`, `specs`,
`target`, `pipeline`, `pipelines`), or is reached from a shared value by indexing, a method, a loop or
`or`/`if … else`. A new dict, list or comprehension, or `list(…)`/`dict(…)` of shared values, is a fresh
container that merely holds them: filling it is the view's business (a template context), changing what
it holds is not. Reading is always fine. The scan is tested on the edits views used to make.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

VIEWS = Path(__file__).resolve().parents[2] / "core" / "customization" / "views.py"

READERS = {"field_specs", "_find", "ordered_active", "current_config", "load_preset", "version_document",
           "default_document", "fields_with", "with_custom_field", "with_pipeline", "pipelines_with", "build_spec"}
DOCUMENT_PARAMETERS = {"document", "spec", "specs", "target", "pipeline", "pipelines"}
MUTATORS = {"append", "extend", "insert", "pop", "popitem", "remove", "clear", "update", "setdefault", "sort",
            "reverse", "__setitem__", "__delitem__", "add", "discard"}
CONTAINER_BUILTINS = {"list", "dict", "tuple", "set", "frozenset", "sorted", "reversed", "enumerate", "zip",
                      "iter", "filter", "map"}
FORBIDDEN_NAMES = {"config_save", "deepcopy"}
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)

FRESH, HOLDS, SHARED = 0, 1, 2  # a value that shares nothing, a new container of shared values, shared


def _own_nodes(scope: ast.AST) -> Iterator[ast.AST]:
    """The nodes of one scope, without the bodies of the functions and classes defined in it."""
    children = [scope.body] if isinstance(scope, ast.Lambda) else list(scope.body)
    stack = list(children)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))


def _bound(target: ast.AST) -> list[tuple[str, bool]]:
    """(name, unpacked) for each name an assignment binds; `a.b = …` and `a[i] = …` bind none."""
    if isinstance(target, ast.Name):
        return [(target.id, False)]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [(name, True) for element in target.elts for name, _unpacked in _bound(element)]
    if isinstance(target, ast.Starred):
        return _bound(target.value)
    return []


class _Scope:
    """How much of a document each name of one scope holds (flow-insensitive, to a fixed point)."""

    def __init__(self, node: ast.AST, inherited: dict[str, int], returns: dict[str, int]):
        self.node, self.returns = node, returns
        self.nodes = list(_own_nodes(node))
        self.kinds = dict(inherited)
        if isinstance(node, FUNCTIONS):
            arguments = node.args
            for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
                self.kinds[argument.arg] = SHARED if argument.arg in DOCUMENT_PARAMETERS else FRESH
        changed = True
        while changed:
            changed = False
            for target, value, element in self._bindings():
                kind = self.kind(value)
                for name, unpacked in _bound(target):
                    bound = SHARED if (element or unpacked) and kind else kind
                    if bound > self.kinds.get(name, FRESH):
                        self.kinds[name] = bound
                        changed = True

    def _bindings(self) -> Iterator[tuple[ast.AST, ast.AST, bool]]:
        """(target, value, whether the target gets an element of the value)."""
        for node in self.nodes:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    yield target, node.value, False
            elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
                yield node.target, node.value, False
            elif isinstance(node, (ast.For, ast.comprehension)):
                yield node.target, node.iter, True

    def kind(self, node: ast.AST | None) -> int:
        if node is None:
            return FRESH
        if isinstance(node, ast.Name):
            return self.kinds.get(node.id, FRESH)
        if isinstance(node, ast.Attribute):
            return SHARED if node.attr == "document" or self.kind(node.value) else FRESH
        if isinstance(node, (ast.Subscript, ast.Starred)):
            return SHARED if self.kind(node.value) else FRESH
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            arguments = max([self.kind(a) for a in node.args] + [self.kind(k.value) for k in node.keywords]
                            + [FRESH])
            if name in READERS:
                return SHARED
            if isinstance(node.func, ast.Attribute):  # a method: of shared data, or of a holder of it
                receiver = self.kind(node.func.value)
                return HOLDS if receiver == HOLDS and name == "copy" else SHARED if receiver else FRESH
            if name in self.returns:
                return self.returns[name]
            if name == "next":
                return SHARED if arguments else FRESH
            return HOLDS if name in CONTAINER_BUILTINS and arguments else FRESH
        if isinstance(node, ast.BoolOp):
            return max(self.kind(value) for value in node.values)
        if isinstance(node, ast.IfExp):
            return max(self.kind(node.body), self.kind(node.orelse))
        if isinstance(node, ast.BinOp):
            return HOLDS if max(self.kind(node.left), self.kind(node.right)) else FRESH
        holders = {ast.List: "elts", ast.Tuple: "elts", ast.Set: "elts", ast.Dict: "values", ast.ListComp: "elt",
                   ast.SetComp: "elt", ast.GeneratorExp: "elt", ast.DictComp: "value"}
        if type(node) in holders:
            parts = getattr(node, holders[type(node)])
            return HOLDS if any(self.kind(part) for part in (parts if isinstance(parts, list) else [parts])) \
                else FRESH
        return FRESH

    def changes(self, target: ast.AST) -> bool:
        """Whether assigning to (or deleting) `target` changes shared data in place."""
        if isinstance(target, (ast.Tuple, ast.List)):
            return any(self.changes(element) for element in target.elts)
        if isinstance(target, ast.Starred):
            return self.changes(target.value)
        if isinstance(target, (ast.Subscript, ast.Attribute)):
            return self.kind(target.value) == SHARED
        return False

    def returned(self) -> int:
        if isinstance(self.node, ast.Lambda):
            return self.kind(self.node.body)
        return max([self.kind(n.value) for n in self.nodes if isinstance(n, ast.Return)] + [FRESH])


def _scopes(node: ast.AST, inherited: dict[str, int], returns: dict[str, int]) -> Iterator[_Scope]:
    scope = _Scope(node, inherited, returns)
    yield scope
    for child in scope.nodes:
        if isinstance(child, FUNCTIONS):
            yield from _scopes(child, scope.kinds, returns)
        elif isinstance(child, ast.ClassDef):
            for statement in child.body:
                if isinstance(statement, FUNCTIONS):
                    yield from _scopes(statement, scope.kinds, returns)


def _returns(tree: ast.Module) -> dict[str, int]:
    """What each function of the module returns (shared, a holder, fresh), to a fixed point."""
    returns: dict[str, int] = {}
    while True:
        found = {scope.node.name: scope.returned() for scope in _scopes(tree, {}, returns)
                 if isinstance(scope.node, (ast.FunctionDef, ast.AsyncFunctionDef))}
        if found == returns:
            return returns
        returns = found


def _copies_or_saves(node: ast.AST) -> bool:
    """`import copy`, `from copy import …`, or any mention of `deepcopy` or `config_save`."""
    if isinstance(node, ast.Import):
        return any(alias.name == "copy" for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.module == "copy" or any(alias.name in FORBIDDEN_NAMES for alias in node.names)
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
    return name in FORBIDDEN_NAMES


def document_edits(source: str) -> list[tuple[int, str]]:
    """(line, code) of every place in `source` that copies, saves or changes a configuration document."""
    tree = ast.parse(source)
    found: set[tuple[int, str]] = set()

    def flag(node: ast.AST) -> None:
        found.add((node.lineno, ast.get_source_segment(source, node) or ast.dump(node)))

    for node in ast.walk(tree):
        if _copies_or_saves(node):
            flag(node)
    for scope in _scopes(tree, {}, _returns(tree)):
        for node in scope.nodes:
            if isinstance(node, (ast.Assign, ast.Delete)):
                if any(scope.changes(target) for target in node.targets):
                    flag(node)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                if scope.changes(node.target) or (isinstance(node, ast.AugAssign)
                                                  and scope.kind(node.target) == SHARED):
                    flag(node)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in MUTATORS and scope.kind(node.func.value) == SHARED):
                flag(node)
    return sorted(found)


def test_the_settings_views_never_build_a_document():
    assert document_edits(VIEWS.read_text(encoding="utf-8")) == []


# --- the scan finds the edits views used to make -----------------------------------------------------

def test_the_scan_finds_copies_and_direct_saves():
    source = (
        "import copy\n"
        "from core.customization import services\n"
        "def in_force():\n"
        "    return copy.deepcopy(dict(current_config().document))\n"
        "def save(request, document):\n"
        "    return services.config_save(actor=request.user, document=document, base_version=1)\n")
    assert sorted({line for line, _code in document_edits(source)}) == [1, 4, 6]


def test_the_scan_finds_edits_of_fields():
    source = (
        "def field_archive(request, state, entity, key):\n"
        "    specs = field_specs(state.document, entity)\n"
        "    spec = _find(specs, key)\n"
        "    spec['archived'] = True\n"
        "    spec.pop('archived', None)\n"
        "    state.document.setdefault('custom_fields', {})[entity] = specs\n"
        "    for number, key in enumerate(['a'], start=1):\n"
        "        _find(specs, key)['order'] = number\n"
        "def with_field(document, entity, spec):\n"
        "    custom = document.setdefault('custom_fields', {})\n"
        "    custom.setdefault(entity, []).append(spec)\n"
        "    spec['order'] = 3\n"
        "def preview(specs, spec):\n"
        "    document = {'custom_fields': {'deal': list(specs)}}\n"
        "    del document['custom_fields']['deal'][0]\n")
    assert sorted({line for line, _code in document_edits(source)}) == [4, 5, 6, 8, 10, 11, 12, 15]


def test_the_scan_finds_edits_of_pipelines():
    source = (
        "def pipeline_edit(state, spec, key):\n"
        "    pipelines_list = state.document.get('pipelines') or []\n"
        "    pipelines_list.append(spec)\n"
        "    pipelines_list[0] = spec\n"
        "    for other in state.document['pipelines']:\n"
        "        other.pop('default', None)\n"
        "    found = [p for p in pipelines_list if p.get('key') == key]\n"
        "    found[0]['archived'] = True\n"
        "    target, index = edits.with_pipeline(state.document, spec, key)\n"
        "    target['pipelines'] += [spec]\n"
        "    context = {'pipelines': state.document['pipelines']}\n"
        "    context['pipelines'].append(spec)\n")
    assert sorted({line for line, _code in document_edits(source)}) == [3, 4, 6, 8, 10, 12]


def test_the_scan_lets_views_fill_their_own_dicts_and_lists():
    source = (
        "def view(request, state, document):\n"
        "    context = _fields_context(state, 'deal') | {'oob': True}\n"
        "    context['base'] = 3\n"
        "    response = render(request, 'x.html', context)\n"
        "    response['HX-Trigger'] = '{}'\n"
        "    moves = {}\n"
        "    for name, value in request.POST.items():\n"
        "        moves[name] = value\n"
        "    groups = []\n"
        "    for pipeline in document.get('pipelines') or []:\n"
        "        groups.append((pipeline['key'], []))\n"
        "    sections = {'': []}\n"
        "    sections.setdefault(document.get('section'), []).append(1)\n"
        "    form.data = form.data.copy()\n"
        "    form.data['text'] = 'x'\n"
        "    rows = [spec['key'] for spec in field_specs(document, 'deal')]\n"
        "    rows.append('x')\n"
        "    context = {'specs': field_specs(document, 'deal')}\n"
        "    context['more'] = list(rows)\n"
        "    return response\n")
    assert document_edits(source) == []
