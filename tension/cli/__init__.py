"""The ``tension`` command line: ``demo``, ``score``, ``plot``, ``extract``, ``kinds``, ``episodes`` and ``alerts``.

The options and input are read and checked in ``_options``, each command is a function in
``_commands``, the argparse parser is built in ``_parser``; ``main`` runs a command and turns a
user's mistake into one line per problem.
"""

from __future__ import annotations

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
        with warnings.catch_warnings():
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
