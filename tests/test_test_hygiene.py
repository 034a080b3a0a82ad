"""The tests themselves: a test that only checks a status code also checks the effect.

A 200 or a 303 says a request was answered, not that the answer was stored, shown, counted
or refused without a trace. This parses every test module and names each test whose only
assertions are on ``.status_code`` (directly, through a list of codes, or through a helper
that itself only checks codes).
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent

# Tests where the status code is the whole behaviour: a read that must not exist for this
# reader, with no write to undo and nothing else to show. Keep this list short.
STATUS_IS_THE_BEHAVIOUR: dict[str, str] = {}

# Helpers whose name says they check more than a status (the error envelope, a page).
CHECKING_HELPERS = ("assert", "expect", "envelope", "check")


def _is_status_value(node: ast.AST, names: set[str]) -> bool:
    """A status code, or a collection of them: ``r.status_code``, ``[c.status_code for c in x]``."""
    if isinstance(node, ast.Attribute):
        return node.attr == "status_code"
    if isinstance(node, ast.Name):
        return node.id in names
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        return _is_status_value(node.elt, names)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return bool(node.elts) and all(_is_status_value(e, names) for e in node.elts)
    return False


def _status_names(fn: ast.AST) -> set[str]:
    names: set[str] = set()
    for _ in range(2):  # a name built from another status name
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign) and _is_status_value(node.value, names):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _mentions_status(node: ast.AST, names: set[str]) -> bool:
    return any((isinstance(n, ast.Attribute) and n.attr == "status_code")
               or (isinstance(n, ast.Name) and n.id in names) for n in ast.walk(node))


def _status_only(test: ast.expr, names: set[str]) -> bool:
    """Every ``and``-part of the assertion is about a status code."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return all(_status_only(v, names) for v in test.values)
    return _mentions_status(test, names)


def _call_name(call: ast.Call) -> str:
    func = call.func
    return getattr(func, "id", None) or getattr(func, "attr", None) or ""


def _checks(fn: ast.AST, helpers: dict[str, ast.FunctionDef], seen: frozenset = frozenset()):
    """(status checks, other checks) made by ``fn`` and the module helpers it calls."""
    names = _status_names(fn)
    status = other = 0
    for node in ast.walk(fn):
        if isinstance(node, ast.Assert):
            if _status_only(node.test, names):
                status += 1
            else:
                other += 1
        elif isinstance(node, ast.Call):
            name = _call_name(node)
            if name in helpers and name not in seen:
                s, o = _checks(helpers[name], helpers, seen | {name})
                status, other = status + s, other + o
            elif name.lstrip("_").startswith(CHECKING_HELPERS) or name in ("raises", "fail"):
                other += 1
    return status, other


def _helpers(tree: ast.Module, folder: Path) -> dict[str, ast.FunctionDef]:
    """Functions defined in the module, and those it imports from a helper module of tests/."""
    found = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)
             and not n.name.startswith("test")}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for place in (folder, TESTS):
                source = place / (node.module.replace(".", "/") + ".py")
                if source.is_file():
                    theirs = {n.name: n for n in ast.parse(source.read_text()).body
                              if isinstance(n, ast.FunctionDef)}
                    found.update({a.asname or a.name: theirs[a.name] for a in node.names
                                  if a.name in theirs})
                    break
    return found


def status_only_tests(root: Path = TESTS) -> list[str]:
    found = []
    for path in sorted(root.rglob("test_*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        helpers = _helpers(tree, path.parent)
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and fn.name.startswith("test"):
                status, other = _checks(fn, helpers)
                if status and not other:
                    found.append(f"{path.relative_to(root.parent)}::{fn.name}")
    return found


def test_no_test_checks_only_a_status_code():
    flagged = status_only_tests()
    offenders = [t for t in flagged if t not in STATUS_IS_THE_BEHAVIOUR]
    assert offenders == [], (
        "These tests only assert status codes; also assert the effect (the row, the page, "
        "the notification, or that a refusal changed nothing):\n" + "\n".join(offenders))
    # An allowed test that now checks more (or was renamed) leaves the list.
    assert [t for t in STATUS_IS_THE_BEHAVIOUR if t not in flagged] == []


def test_the_check_finds_a_status_only_test_and_passes_one_that_checks_the_effect(tmp_path):
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_sample.py").write_text(
        "def _ok(r):\n    assert r.status_code == 200\n\n"
        "def test_only_status(c):\n    assert c.post('/x').status_code == 201\n\n"
        "def test_codes_in_a_list(c):\n"
        "    codes = [c.get(u).status_code for u in 'ab']\n    assert codes == [200, 200]\n\n"
        "def test_through_a_helper(c):\n    _ok(c.get('/'))\n\n"
        "def test_status_and_effect(c, db):\n"
        "    assert c.post('/x').status_code == 201\n    assert db.count() == 1\n\n"
        "def test_combined(c):\n    r = c.get('/')\n"
        "    assert r.status_code == 200 and 'Hello' in r.text\n")
    assert status_only_tests(tmp_path / "tests") == [
        "tests/test_sample.py::test_only_status", "tests/test_sample.py::test_codes_in_a_list",
        "tests/test_sample.py::test_through_a_helper"]
