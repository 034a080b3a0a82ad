"""`make bench`: run every benchmark (or those named) and record their figures.

    python -m benchmarks [pages] [import] [search] [gamification] [uploads] [-- extra args]
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["pages", "import", "search", "gamification", "realtime", "escalation", "analytics",
           "webhooks", "uploads", "production"]


def main(argv: list[str]) -> int:
    names = [a for a in argv if not a.startswith("-")] or BENCHES
    extra = [a for a in argv if a.startswith("-")]
    failed = []
    for name in names:
        module = f"benchmarks.{name}_bench"
        if not (HERE / f"{name}_bench.py").exists():
            print(f"no benchmark named {name}")
            failed.append(name)
            continue
        print(f"\n=== {name} ===", flush=True)
        if subprocess.run([sys.executable, "-m", module, *extra], cwd=HERE.parent).returncode:
            failed.append(name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
