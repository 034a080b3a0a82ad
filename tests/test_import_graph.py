"""The import graph stays a DAG that follows the layers (docs/ARCHITECTURE.md, "Layers").

`make lint` runs the same two checks; here they also fail a plain pytest run.
"""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_import_cycle_even_through_function_local_imports():
    run = subprocess.run([sys.executable, ".ci/import_cycles.py", "community"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("no import cycle")


def test_imports_follow_the_layers_contract():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    command = str(lint_imports) if lint_imports.exists() else shutil.which("lint-imports")
    assert command, "import-linter is in the test extras: pip install -e '.[test]'"
    run = subprocess.run([command, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "1 kept, 0 broken" in run.stdout
