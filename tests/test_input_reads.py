"""Views read input through community/schemas (load_form, load_query, query_choices,
page_number), so a form and the API validate the same way and a bad value is named
next to its field. Reading request.form / request.args / request.values directly is
allowed only in the places listed here."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "community"
READS = {"form", "args", "values"}

# (module, function): why it may read the request directly.
ALLOWED = {
    # The helpers every view goes through: they read the form or query string once and
    # hand it to a schema, or give back the typed text to re-render a refused form.
    ("schemas/__init__.py", "load_form"): "reads request.form into the schema",
    ("schemas/__init__.py", "load_query"): "reads request.args into the schema",
    ("schemas/__init__.py", "query_choices"): "reads request.args into the schema",
    ("schemas/__init__.py", "submitted"): "the text typed, put back in a refused form",
    # ``next``: a path that only ever goes through safe_next / redirect_next.
    ("web/helpers.py", "next_param"): "the next parameter, checked by safe_next",
    # The header's search box shows the words back, escaped (what the template read).
    ("web/page_cache.py", "search_words"): "the search box's own text, shown escaped",
}


def _direct_reads(root: Path = ROOT):
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(func):
                if (isinstance(node, ast.Attribute) and node.attr in READS
                        and isinstance(node.value, ast.Name) and node.value.id == "request"):
                    yield str(path.relative_to(root)), func.name, node.lineno
        # A read at module level or in a class body (outside any function) counts too.
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for sub in ast.walk(node):
                if (isinstance(sub, ast.Attribute) and sub.attr in READS
                        and isinstance(sub.value, ast.Name) and sub.value.id == "request"
                        and not _inside_function(node, sub)):
                    yield str(path.relative_to(root)), "<module>", sub.lineno


def _inside_function(top, target) -> bool:
    for node in ast.walk(top):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                n is target for n in ast.walk(node)):
            return True
    return False


def test_no_view_reads_the_request_directly():
    reads = sorted({(path, func, line) for path, func, line in _direct_reads()})
    stray = [r for r in reads if (r[0], r[1]) not in ALLOWED]
    assert stray == [], "read input with a schema: community/schemas load_form / load_query"


def test_the_allowed_list_names_only_places_that_still_read_the_request():
    used = {(path, func) for path, func, _line in _direct_reads()}
    assert sorted(set(ALLOWED) - used) == []


def test_the_check_sees_a_direct_read(tmp_path):
    # The scanner itself: a view reading request.form is found.
    module = tmp_path / "community" / "web"
    module.mkdir(parents=True)
    (module / "bad.py").write_text(
        "from flask import request\n\ndef view():\n    return request.form.get('x')\n"
        "\nclass Page:\n    default = request.args\n", encoding="utf-8")
    assert sorted(_direct_reads(tmp_path / "community")) == [("web/bad.py", "<module>", 7), ("web/bad.py", "view", 4)]
