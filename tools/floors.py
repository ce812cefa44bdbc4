"""Print pip constraints pinning every declared floor (``name>=X`` -> ``name==X``).

Used by ``make test-min``: the runtime dependencies and the ``parquet`` and ``extract`` extras of
pyproject.toml are installed at exactly their minimum versions, so the floors we
declare are the floors we test.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path


def floors(pyproject: Path, extras: tuple[str, ...] = ("parquet", "extract")) -> list[str]:
    project = tomllib.loads(pyproject.read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    pins = []
    for requirement in requirements:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*>=\s*([0-9][^,;\s]*)\s*", requirement)
        if match is None:
            sys.exit(f"cannot read a floor from {requirement!r}: write it as name>=version")
        pins.append(f"{match.group(1)}=={match.group(3)}")
    return list(dict.fromkeys(pins))  # pyarrow is both a dependency and in the parquet extra


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    print("\n".join(floors(root / "pyproject.toml")))
