"""`make bench`: run every benchmark (or those named) and record their figures.

    python -m benchmarks [pages] [import] [search] [gamification] [uploads] [-- extra args]
    python -m benchmarks load [--embedded] [--posts N] [--duration S] [--sockets N]

Names come first; every argument from the first option on goes to each benchmark named.
`load` (the whole deployment under a mixed workload, benchmarks/load_bench.py) runs only
when named: at its defaults it takes the better part of an hour.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = ["pages", "import", "search", "gamification", "realtime", "escalation", "analytics",
           "webhooks", "uploads", "production"]


def main(argv: list[str]) -> int:
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names = argv[:first_option] or BENCHES
    extra = argv[first_option:]
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
