"""A small mutation tester: do the fast tests notice when the code is wrong?

``make mutate`` (or ``python tools/mutate.py [--sample N] [--seed S] [--all]``) copies the
tracked files to a temporary directory, and for each mutant changes one operator or
constant in one of the target modules (the kernel, the model, the event schema and the
readers), runs the tests that cover that module there (``pytest -x``, the fixed hypothesis
profile) and counts the mutant killed when they fail or time out. It prints the kill
rate and every survivor (file, line, change) so that each one is either killed by a new
test or accepted with a reason in CONTRIBUTING.md.

The mutations (one per mutant): ``+``/``-`` and ``*``/``/`` swapped, ``**`` to ``*``,
``<`` and ``<=`` (and ``>``/``>=``) swapped, ``==``/``!=`` swapped, ``and``/``or`` swapped,
a ``not`` dropped, ``True``/``False`` swapped, an integer ``n`` to ``n + 1``, a float ``x``
to ``2 x`` (0 to 1). Docstrings, ``__all__`` and the text of messages are left alone.
The sample is drawn with a fixed seed, so two runs on the same code test the same mutants.
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Target modules and the tests that cover them (the module's own doctests run too).
TARGETS = {
    "tension/core.py": ["tests/test_core.py", "tests/test_score.py", "tests/test_score_models.py"],
    "tension/_scan.py": ["tests/test_core.py", "tests/test_score.py", "tests/test_score_models.py"],
    "tension/_kernel.py": ["tests/test_core.py", "tests/test_score.py", "tests/test_score_models.py"],
    "tension/model.py": ["tests/test_model.py", "tests/test_score.py", "tests/test_score_models.py"],
    "tension/events.py": ["tests/test_events.py"],
    "tension/io/gdelt.py": ["tests/test_io.py", "tests/test_gdelt_reference.py"],
    "tension/io/_gdelt_lines.py": ["tests/test_io.py", "tests/test_gdelt_reference.py"],
    "tension/io/_gdelt_arrow.py": ["tests/test_io.py", "tests/test_gdelt_reference.py"],
    "tension/io/_gdelt_rows.py": ["tests/test_io.py", "tests/test_gdelt_reference.py"],
    "tension/io/icews.py": ["tests/test_io.py"],
    "tension/io/acled.py": ["tests/test_io.py"],
    "tension/io/plover.py": ["tests/test_io.py"],
    "tension/io/_report.py": ["tests/test_io.py"],
    "tension/io/_tables.py": ["tests/test_io.py"],
}

SWAP_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.Pow: ast.Mult}
SWAP_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}


@dataclass(frozen=True)
class Mutant:
    path: str
    line: int
    col: int
    end_line: int
    end_col: int
    replacement: str
    description: str

    def apply(self, source: str) -> str:
        lines = source.splitlines(keepends=True)
        start = sum(len(x) for x in lines[: self.line - 1]) + _byte_to_char(lines[self.line - 1], self.col)
        end = sum(len(x) for x in lines[: self.end_line - 1]) + _byte_to_char(lines[self.end_line - 1], self.end_col)
        return source[:start] + self.replacement + source[end:]


def _byte_to_char(line: str, col: int) -> int:
    return len(line.encode("utf-8")[:col].decode("utf-8", errors="ignore"))


def _skipped(tree: ast.AST) -> set[int]:
    """ids of nodes never mutated: docstrings, __all__, message text (f-strings, raise args)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
                skip.update(id(n) for n in ast.walk(body[0]))
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__all__" for t in node.targets):
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.JoinedStr | ast.Raise):
            skip.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "warn":
            skip.update(id(n) for n in ast.walk(node))
    return skip


def mutants_of(path: str) -> list[Mutant]:
    source = (ROOT / path).read_text(encoding="utf-8")
    tree = ast.parse(source)
    skip = _skipped(tree)
    lines = source.splitlines()
    out = []

    def text(node) -> str:
        return ast.get_source_segment(source, node) or ""

    for node in ast.walk(tree):
        if id(node) in skip or not hasattr(node, "lineno"):
            continue
        if isinstance(node, ast.BinOp) and type(node.op) in SWAP_BIN:
            new = ast.BinOp(left=node.left, op=SWAP_BIN[type(node.op)](), right=node.right)
            out.append(_whole(path, node, f"({ast.unparse(new)})", f"{text(node)!r} -> {ast.unparse(new)!r}"))
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in SWAP_CMP:
            new = ast.Compare(left=node.left, ops=[SWAP_CMP[type(node.ops[0])]()], comparators=node.comparators)
            out.append(_whole(path, node, f"({ast.unparse(new)})", f"{text(node)!r} -> {ast.unparse(new)!r}"))
        elif isinstance(node, ast.BoolOp):
            new = ast.BoolOp(op=ast.Or() if isinstance(node.op, ast.And) else ast.And(), values=node.values)
            out.append(_whole(path, node, f"({ast.unparse(new)})", f"{text(node)!r} -> {ast.unparse(new)!r}"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append(_whole(path, node, f"({ast.unparse(node.operand)})", f"'not' dropped in {text(node)!r}"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            out.append(_whole(path, node, str(not node.value), f"{node.value} -> {not node.value}"))
        elif isinstance(node, ast.Constant) and type(node.value) in (int, float):
            value = node.value + 1 if isinstance(node.value, int) else (node.value * 2 if node.value else 1.0)
            out.append(_whole(path, node, repr(value), f"{node.value!r} -> {value!r}"))
    del lines
    return [m for m in out if m is not None]


def _whole(path, node, replacement, description) -> Mutant:
    return Mutant(path, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, replacement, description)


def run_one(mutant: Mutant, base: Path, timeout: float) -> tuple[Mutant, str, float]:
    """Run the covering tests on a copy of ``base`` with the mutant applied."""
    work = Path(tempfile.mkdtemp(prefix="tension-mutant-"))
    try:
        shutil.copytree(base, work, dirs_exist_ok=True)
        target = work / mutant.path
        target.write_text(mutant.apply(target.read_text(encoding="utf-8")), encoding="utf-8")
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-x",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:cacheprovider",
            "-W",
            "ignore::DeprecationWarning",
            mutant.path,
            *TARGETS[mutant.path],
        ]
        env = {**os.environ, "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"}
        started = time.monotonic()
        try:
            result = subprocess.run(command, cwd=work, env=env, capture_output=True, timeout=timeout)
            outcome = "survived" if result.returncode == 0 else "killed"
            if result.returncode not in (0, 1):  # collection error, syntax error: still a detected change
                outcome = "killed"
        except subprocess.TimeoutExpired:
            outcome = "killed (timeout)"
        return mutant, outcome, time.monotonic() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=40, help="mutants to run (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample (default %(default)s)")
    parser.add_argument("--all", action="store_true", help="run every mutant (long)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default %(default)s)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per mutant (default %(default)s)")
    parser.add_argument("--only", nargs="*", help="target files to mutate (default: all targets)")
    args = parser.parse_args(argv)

    paths = [p for p in TARGETS if (ROOT / p).exists() and (not args.only or p in args.only)]
    every = [m for p in paths for m in mutants_of(p)]
    chosen = every if args.all else random.Random(args.seed).sample(every, min(args.sample, len(every)))
    chosen.sort(key=lambda m: (m.path, m.line, m.col))
    print(f"{len(every)} possible mutants in {len(paths)} files; running {len(chosen)}", flush=True)

    base = Path(tempfile.mkdtemp(prefix="tension-mutate-base-"))
    try:
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
        for name in files:
            if (ROOT / name).is_file():
                (base / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, base / name)
        results = []
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for mutant, outcome, seconds in pool.map(lambda m: run_one(m, base, args.timeout), chosen):
                results.append((mutant, outcome))
                print(f"{outcome:<17} {mutant.path}:{mutant.line}  {mutant.description}  ({seconds:.0f} s)", flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)

    killed = sum(outcome.startswith("killed") for _, outcome in results)
    print(f"\nkill rate: {killed}/{len(results)} = {100 * killed / max(len(results), 1):.0f} %")
    survivors = [m for m, outcome in results if outcome == "survived"]
    if survivors:
        print("survivors:")
        for m in survivors:
            print(f"  {m.path}:{m.line}  {m.description}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
