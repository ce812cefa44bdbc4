"""Fail if a notebook is stored with outputs or execution counts (``make lint``).

Usage: ``python tools/check_notebooks.py notebooks/*.ipynb``. Clear a notebook with
``jupyter nbconvert --clear-output --inplace NOTEBOOK`` or "Clear All Outputs" and save.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def problems(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    out = []
    for number, cell in enumerate(cells, start=1):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("outputs"):
            out.append(f"{path}: cell {number} has stored outputs")
        if cell.get("execution_count") is not None:
            out.append(f"{path}: cell {number} has an execution count")
    return out


def main(paths: list[str]) -> int:
    found = [p for name in paths for p in problems(Path(name))]
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print("clear them: jupyter nbconvert --clear-output --inplace NOTEBOOK", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
