"""The ``tension`` command line: ``demo``, ``score``, ``plot``, ``extract``, ``kinds``, ``episodes`` and ``alerts``.

The options and input are read and checked in ``_options``, each command is a function in
``_commands``, the argparse parser is built in ``_parser``; ``main`` runs a command and turns a
user's mistake into one line per problem.
"""

from __future__ import annotations

import os
import platform
import sys
import warnings

from ._commands import DEMO_AT, DEMO_DAYS, DEMO_END, DEMO_START
from ._options import CliError, message
from ._parser import PLOTS, READERS, build_parser

__all__ = [
    "main",
    "run",
    "build_parser",
    "CliError",
    "READERS",
    "PLOTS",
    "DEMO_START",
    "DEMO_END",
    "DEMO_AT",
    "DEMO_DAYS",
]


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


def run() -> None:
    """The ``tension`` command as a process (the console script, ``python -m tension``):
    this process's memory set up for one command (see ``_one_command_memory``), then
    :func:`main`; exits with its code.

    Examples
    --------
    ``python -m tension kinds`` runs, in effect:

    >>> run()  # with sys.argv == ["tension", "kinds"]  # doctest: +SKIP
    """
    _one_command_memory()
    sys.exit(main())


#: glibc's ``mallopt`` parameters, and the values they are set to for one command: the
#: largest first, the largest every glibc takes for the mmap threshold next (32 MiB on 64-bit
#: systems; glibc 2.36 takes more).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _RETAIN, _MMAP_MAX = -1, -3, 2**31 - 1, 32 << 20


def _one_command_memory() -> list[str]:
    """Set this process's memory for one command; returns what was set.

    A command is a process that touches most of its memory once, and on the virtual
    machines we measured fresh memory was what cost most: freed arrays are kept for reuse
    (glibc: large blocks from the heap, not handed back to the system at each free) and
    NumPy does not ask for transparent huge pages, which came in far more slowly than small
    pages when fresh. ``tension score --freq MS`` on 10 million events took 7.8-8.3 s
    instead of 11.7-12.6 s, with 8-12 % more peak memory. Settings you made yourself are
    kept: ``NUMPY_MADVISE_HUGEPAGE``, ``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``
    and ``GLIBC_TUNABLES``. The library never does this: a long-lived process (a
    notebook) keeps its own settings.

    Examples
    --------
    >>> _one_command_memory()  # doctest: +SKIP
    ['numpy: no huge pages', 'glibc: freed memory kept']
    """
    done = []
    if os.environ.get("NUMPY_MADVISE_HUGEPAGE") is None:
        try:
            from numpy._core.multiarray import _set_madvise_hugepage  # type: ignore[attr-defined]
        except ImportError:  # (a NumPy without it)
            pass
        else:
            _set_madvise_hugepage(False)
            done.append("numpy: no huge pages")
    mine = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")
    if platform.libc_ver()[0] == "glibc" and not any(name in os.environ for name in mine):
        import ctypes

        try:
            mallopt = ctypes.CDLL(None).mallopt
        except (OSError, AttributeError):
            return done
        mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
        # each setting on its own: a glibc that refuses the largest mmap threshold still
        # keeps freed memory below 32 MiB and the heap untrimmed
        mapped = mallopt(_M_MMAP_THRESHOLD, _RETAIN) or mallopt(_M_MMAP_THRESHOLD, _MMAP_MAX)
        if mallopt(_M_TRIM_THRESHOLD, _RETAIN) and mapped:
            done.append("glibc: freed memory kept")
    return done


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
            # (deprecations are for the developers of the libraries below, not for users)
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", PendingDeprecationWarning)
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
