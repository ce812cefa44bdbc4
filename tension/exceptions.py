"""Every error and warning tension raises, in one small hierarchy.

``TensionError`` is the base of the library's errors. ``EventError``, ``StateError``
and ``ReadError`` are also ``ValueError`` (bad input), so ``except ValueError`` keeps
working. ``TensionWarning`` flags input that was accepted but changed or noted.

Examples
--------
>>> import tension as tn
>>> issubclass(tn.EventError, tn.TensionError) and issubclass(tn.EventError, ValueError)
True
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "TensionError",
    "EventError",
    "StateError",
    "ReadError",
    "DirectionError",
    "ExtractError",
    "ParameterError",
    "TensionWarning",
    "Problem",
    "ROWS_SHOWN",
]

#: Rows listed per problem before "and N more".
ROWS_SHOWN = 8


class TensionError(Exception):
    """Base class of the errors raised by tension."""


class TensionWarning(UserWarning):
    """A documented, explicit notice about input that was accepted but changed or flagged."""


@dataclass(frozen=True)
class Problem:
    """One problem found in the events: the column, the rows and what is wrong."""

    column: str
    rows: tuple
    message: str

    def __str__(self) -> str:
        rows = ", ".join(str(r) for r in self.rows[:ROWS_SHOWN])
        more = f" and {len(self.rows) - ROWS_SHOWN} more" if len(self.rows) > ROWS_SHOWN else ""
        where = f"row{'s' if len(self.rows) > 1 else ''} {rows}{more}" if self.rows else "all rows"
        return f"column '{self.column}', {where}: {self.message}"


class EventError(TensionError, ValueError):
    """Events that do not fit the schema; the message names rows, column and value.

    Attributes
    ----------
    problems : list of Problem
        Every problem found, each with ``column``, ``rows`` (index labels) and ``message``.
    """

    def __init__(self, problems: list[Problem], where: str = "the events"):
        self.problems = list(problems)
        self.where = where
        if len(self.problems) == 1:
            text = f"bad input in {where}: {self.problems[0]}"
        else:
            lines = "\n".join(f"  - {p}" for p in self.problems)
            text = f"{len(self.problems)} problems in {where}:\n{lines}"
        super().__init__(text)


class StateError(TensionError, ValueError):
    """A :class:`tension.State` that cannot be used as asked: new events older than their
    dyad's state, a reading before the state's time, or a state file that is damaged or
    not one (the message names the key)."""


class ParameterError(TensionError, ValueError):
    """A parameter that cannot be used; the message names it, its value and how to fix it."""


class ReadError(TensionError, ValueError):
    """A file a reader cannot read (a damaged archive, a directory, bytes not in the
    given encoding), or a malformed record with ``errors="raise"``; the message names
    the file and, where known, the line."""


class DirectionError(TensionError, ValueError):
    """Directed scoring asked of events whose source/target order is arbitrary (ACLED
    battles); see :func:`tension.io.check_direction`."""


class ExtractError(TensionError, ValueError):
    """Input the story coder (``tension.extract``) cannot read; the message names the
    parameter or row and says how to fix it."""
