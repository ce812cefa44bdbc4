"""The ``tension`` command line: ``demo``, ``score``, ``plot``, ``extract``, ``kinds``, ``episodes`` and ``alerts``.

The options and input are read and checked in ``_options``, each command is a function in
``_commands``, the argparse parser is built in ``_parser``; ``main`` runs a command and turns a
user's mistake into one line per problem.
"""

from __future__ import annotations

import contextlib
import os
import sys
import warnings

from ._commands import DEMO_AT, DEMO_DAYS, DEMO_END, DEMO_START
from ._options import CliError, message
from ._parser import PLOTS, READERS, build_parser

__all__ = ["main", "build_parser", "CliError", "READERS", "PLOTS", "DEMO_START", "DEMO_END", "DEMO_AT", "DEMO_DAYS"]


def _error(text: str) -> None:
    """One line per problem on stderr."""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    for line in lines or ["failed (no message)"]:
        print(f"tension: error: {line[2:] if line.startswith('- ') else line}", file=sys.stderr)


def _quiet_stdout() -> None:
    """After the reader of our output went away (``| head``): no more writes, no
    "Exception ignored" message at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@contextlib.contextmanager
def _small_pages():
    """NumPy's transparent huge pages off while one command runs, then as they were.

    A command is a process that touches most of its memory once: on the virtual machines
    we measured, fresh memory that NumPy asked the kernel to back with 2 MB pages took far
    longer to come in than the same memory in 4 KB pages (``tension score`` on 4 million
    events: 5.1 s, and 3.5 s with small pages). Calls in a long-lived process (a notebook)
    get their pages back quickly, where huge pages pay off, so the library itself leaves
    NumPy's choice alone. A user's ``NUMPY_MADVISE_HUGEPAGE`` is respected.
    """
    setter = None
    if os.environ.get("NUMPY_MADVISE_HUGEPAGE") is None:
        try:
            from numpy._core.multiarray import _set_madvise_hugepage as setter
        except ImportError:  # (a NumPy without it: nothing to change)
            setter = None
    previous = setter(False) if setter is not None else None
    try:
        yield
    finally:
        if setter is not None:
            setter(previous)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tension`` command; returns the exit code.

    A user's mistake (a bad option, a missing, damaged or unreadable file, input that
    yields no events, an unwritable output) is printed as one line per problem and
    returns 2; a closed output pipe ends quietly; anything else is a bug and keeps its
    traceback.
    """
    from ..events import EventError

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with warnings.catch_warnings(), _small_pages():
            warnings.simplefilter("default")
            warnings.showwarning = lambda message, *rest, **kw: print(f"tension: warning: {message}", file=sys.stderr)
            return args.func(args)
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except EventError as err:
        for problem in err.problems:
            _error(f"{err.where}: {problem}")
        return 2
    except (CliError, ValueError, OSError, ImportError) as err:
        _error(message(err))
        return 2
    except KeyboardInterrupt:
        print("tension: interrupted", file=sys.stderr)
        return 130
