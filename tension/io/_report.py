"""What a reader kept and skipped, and why: :class:`ReadReport`."""

from __future__ import annotations

import dataclasses
import glob
import json
import os
import warnings
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import ReadError, TensionWarning

__all__ = ["ReadReport", "ReadError", "expand_paths"]

_KEEP_PROBLEMS = 1000


def _unless_sealed(base):
    """``base`` (a method of ``dict`` or ``object``), refused once the report is sealed."""

    def method(self, *args, **kwargs):
        self._refuse()
        return base(self, *args, **kwargs)

    method.__name__ = base.__name__
    return method


@dataclass(eq=False)
class ReadReport(dict):
    """Counts of what a reader read, kept and skipped, with the reasons.

    Also a ``dict`` of the same counts once the read is done (for ``to_parquet``, which
    writes a frame's ``attrs`` as JSON): ``reader``, ``files``, ``rows``, ``kept``,
    ``skipped``, ``details``, ``problems`` and ``notes``.

    A reader's report is read-only once the read is done: it records what the read
    found, and every frame made from the reader's frame shares it. pandas copies a
    frame's ``attrs`` into every column, row and frame taken from it, and a read-only
    report is shared at no cost where a changeable one would be copied whole each time.
    Its lists and dicts are still lists and dicts (equal to them, JSON as before), but
    changing them raises :class:`TypeError`. ``dataclasses.replace(report)`` gives a copy
    that can be changed (and sealed again with :meth:`seal`); ``dataclasses.asdict(report)``
    and copies of its lists and dicts are plain, changeable ones.

    Attributes
    ----------
    reader : str
        The reader's name, e.g. ``"read_gdelt"``.
    files : list of str
    rows : int
        Records read (non-blank lines or table rows).
    kept : int
        Records that became events. ``rows == kept + sum(skipped.values())``.
    skipped : dict reason -> int
        Records skipped, by reason.
    details : dict reason -> dict value -> int
        For some reasons, which values caused them (e.g. the regional codes seen).
    problems : list of str
        ``"file:line: message"`` for each malformed record (the first 1000).
    notes : dict str -> int
        Things done to kept records that a user should know about.
    unmapped : dict str -> int
        (property) The country names or codes no country was found for, with counts.
    sealed : bool
        (property) Whether the read is done and the report read-only.

    Examples
    --------
    >>> r = ReadReport("read_x", ["f.tsv"], rows=3, kept=2, skipped={"same country": 1})
    >>> print(r)
    read_x: read 3 records from 1 file, kept 2, skipped 1
      same country: 1
    """

    reader: str
    files: list[str]
    rows: int = 0
    kept: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    details: dict[str, dict[str, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # a report made from a sealed one's parts (dataclasses.replace) gets changeable copies
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if _holds_frozen(value):
                object.__setattr__(self, f.name, _thawed(value))

    def skip(self, reasons: np.ndarray, values: np.ndarray | None = None, detail: Collection[str] = frozenset()):
        """Count the non-empty entries of ``reasons`` (one per record)."""
        counts = Counter(r for r in reasons.tolist() if r)
        for reason, n in counts.items():
            self.skipped[reason] = self.skipped.get(reason, 0) + n
        if values is not None:
            for reason in detail:
                picked = values[reasons == reason]
                if len(picked):
                    bucket = self.details.setdefault(reason, {})
                    for value, n in Counter(picked.tolist()).items():
                        bucket[value] = bucket.get(value, 0) + n

    @property
    def unmapped(self) -> dict[str, int]:
        """Country names or actor codes that could not be mapped, with their counts
        (from every "unknown …" reason), most frequent first."""
        counts: dict[str, int] = {}
        for reason, values in self.details.items():
            if reason.startswith("unknown"):
                for value, n in values.items():
                    counts[value] = counts.get(value, 0) + n
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def __eq__(self, other) -> bool:
        if not isinstance(other, ReadReport):
            return NotImplemented
        if other is self:
            return True
        return all(getattr(self, f.name) == getattr(other, f.name) for f in dataclasses.fields(self))

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __bool__(self) -> bool:  # (a report, sealed or not)
        return True

    __hash__ = None

    def seal(self) -> None:
        """Write the counts into the report's ``dict`` (JSON-ready) and make the report
        read-only, at the end of a read (once: a sealed report stays as it is)."""
        if self.sealed:
            return
        self.clear()
        self.update(
            json.loads(json.dumps({f.name: getattr(self, f.name) for f in dataclasses.fields(self)}, default=str))
        )
        for name, value in list(self.items()):
            dict.__setitem__(self, name, _frozen(value))
        for f in dataclasses.fields(self):
            object.__setattr__(self, f.name, _frozen(getattr(self, f.name)))
        object.__setattr__(self, "_sealed", True)

    @property
    def sealed(self) -> bool:
        """Whether the read is done and the report read-only."""
        return self.__dict__.get("_sealed", False)

    def _refuse(self, *args, **kwargs):
        if self.sealed:
            raise TypeError(_READ_ONLY)
        return None

    # every change refused once sealed
    __setattr__ = _unless_sealed(object.__setattr__)
    __delattr__ = _unless_sealed(object.__delattr__)
    __setitem__ = _unless_sealed(dict.__setitem__)
    __delitem__ = _unless_sealed(dict.__delitem__)
    __ior__ = _unless_sealed(dict.__ior__)
    clear = _unless_sealed(dict.clear)
    pop = _unless_sealed(dict.pop)
    popitem = _unless_sealed(dict.popitem)
    setdefault = _unless_sealed(dict.setdefault)
    update = _unless_sealed(dict.update)

    def __copy__(self):
        if self.sealed:  # (read-only: shared, as pandas copies attrs into every derived frame)
            return self
        new = dataclasses.replace(self)
        dict.update(new, self)
        return new

    def __deepcopy__(self, memo):
        if self.sealed:
            return self
        import copy

        new = type(self)(**{f.name: copy.deepcopy(getattr(self, f.name), memo) for f in dataclasses.fields(self)})
        dict.update(new, copy.deepcopy(dict(self), memo))
        return new

    def __reduce__(self):
        # (the fields come back changeable through __post_init__; a sealed report's dict is
        # made again by seal)
        state = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return (_rebuild, (type(self), state, {} if self.sealed else dict(self), self.sealed))

    def note(self, text: str, n: int):
        if n:
            self.notes[text] = self.notes.get(text, 0) + int(n)

    def problem(self, message: str, errors: str):
        if errors == "raise":
            raise ReadError(message)
        if len(self.problems) < _KEEP_PROBLEMS:
            self.problems.append(message)

    def __str__(self) -> str:
        skipped = sum(self.skipped.values())
        files = f"{len(self.files)} file{'s' if len(self.files) != 1 else ''}"
        lines = [f"{self.reader}: read {self.rows} records from {files}, kept {self.kept}, skipped {skipped}"]
        for reason, n in sorted(self.skipped.items(), key=lambda kv: -kv[1]):
            detail = self.details.get(reason)
            extra = ""
            if detail:
                shown = sorted(detail.items(), key=lambda kv: -kv[1])[:8]
                extra = " (" + ", ".join(f"{k} {v}" for k, v in shown) + (", …" if len(detail) > 8 else "") + ")"
            lines.append(f"  {reason}: {n}{extra}")
        for text, n in self.notes.items():
            lines.append(f"  note: {text}: {n}")
        if self.problems:
            lines.append(f"  first problem: {self.problems[0]}")
        return "\n".join(lines)

    def warn_if_malformed(self, stacklevel: int = 3):
        n = self.skipped.get("malformed", 0)
        if n:
            warnings.warn(
                f"{self.reader}: {n} malformed record{'s' if n > 1 else ''} skipped, e.g. {self.problems[0]} "
                "(all in events.attrs['report'].problems; errors='raise' stops at the first)",
                TensionWarning,
                stacklevel=stacklevel,
            )


_READ_ONLY = (
    "a reader's report is read-only once the read is done (every frame made from the reader's frame "
    "shares it); dataclasses.replace(report) gives a copy that can be changed"
)


class _ReadOnly:
    """What a sealed report's lists and dicts share: every change refused (calling
    ``__init__`` again too). Only :func:`_frozen` makes one: calling the type, as
    ``dataclasses.asdict`` does, makes a plain list or dict, and a copy is a plain,
    changeable one (deep for ``copy.deepcopy``)."""

    def _refuse(self, *args, **kwargs):
        raise TypeError(_READ_ONLY)

    __init__ = _refuse

    def __copy__(self):
        return _thawed(self, deep=False)

    def __deepcopy__(self, memo):
        return _thawed(self)


class _FrozenList(_ReadOnly, list):
    """A list that refuses changes (a sealed report's ``files`` and ``problems``): equal to
    a list, JSON as a list."""

    def __new__(cls, *args):
        return list(*args)

    __setitem__ = __delitem__ = __iadd__ = __imul__ = _ReadOnly._refuse
    append = extend = insert = pop = remove = clear = sort = reverse = _ReadOnly._refuse

    def __reduce__(self):
        return (_frozen, (list(self),))


class _FrozenDict(_ReadOnly, dict):
    """A dict that refuses changes (a sealed report's counts): equal to a dict, JSON as a
    dict."""

    def __new__(cls, *args, **kwargs):
        return dict(*args, **kwargs)

    __setitem__ = __delitem__ = __ior__ = _ReadOnly._refuse
    clear = pop = popitem = setdefault = update = _ReadOnly._refuse

    def __reduce__(self):
        return (_frozen, (dict(self),))


def _frozen(value):
    """``value`` with every list and dict in it read-only (the values themselves are JSON's:
    text, numbers, lists and dicts)."""
    if isinstance(value, dict):
        frozen = dict.__new__(_FrozenDict)
        dict.update(frozen, {k: _frozen(v) for k, v in value.items()})
        return frozen
    if isinstance(value, list | tuple):
        frozen = list.__new__(_FrozenList)
        list.extend(frozen, [_frozen(v) for v in value])
        return frozen
    return value


def _thawed(value, deep: bool = True):
    """``value`` with plain, changeable lists and dicts again, all new (``deep``: at every
    level; else the outer one only)."""
    again = _thawed if deep else (lambda v: v)
    if isinstance(value, dict):
        return {k: again(v) for k, v in value.items()}
    if isinstance(value, list):
        return [again(v) for v in value]
    return value


def _holds_frozen(value) -> bool:
    """Whether a read-only list or dict is in ``value``, at any level."""
    if isinstance(value, _ReadOnly):
        return True
    if isinstance(value, dict):
        return any(_holds_frozen(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_frozen(v) for v in value)
    return False


def _rebuild(cls, state: dict, items: dict, sealed: bool):
    """A pickled report, sealed again if it was."""
    report = cls(**state)
    dict.update(report, items)
    if sealed:
        report.seal()
    return report


def check_errors(errors: str) -> None:
    if errors not in ("report", "raise"):
        raise ValueError(f"errors must be 'report' or 'raise', not {errors!r}")


def expand_paths(path_or_paths) -> list[str]:
    """A path, a glob pattern or a list of either, as a sorted list of existing files."""
    items = [path_or_paths] if isinstance(path_or_paths, str | os.PathLike) else list(path_or_paths)
    files: list[str] = []
    for item in items:
        text = str(item)
        if any(ch in text for ch in "*?["):
            matched = sorted(m for m in glob.glob(text) if not Path(m).is_dir())
            if not matched:
                raise FileNotFoundError(f"no files match {text!r}")
            files.extend(matched)
        else:
            if not Path(text).exists():
                raise FileNotFoundError(f"no such file: {text}")
            if Path(text).is_dir():
                raise ReadError(f"{text} is a directory, not a file; pass the files inside it (e.g. '{text}/*')")
            files.append(text)
    if not files:
        raise FileNotFoundError("no input files given")
    return files


#: What pandas reads text as (``str``, or ``object`` before pandas 3), empty or not.
TEXT_DTYPE = pd.Series([], dtype=str).dtype


def _typed_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The ``object`` columns that hold text and missing values alone (or nothing, in an
    empty frame) as pandas' text dtype: a reader's columns have the same dtypes whether it
    kept records or not, and whatever pandas inferred from the values it was given."""
    text = {
        column: TEXT_DTYPE
        for column, dtype in frame.dtypes.items()
        if pd.api.types.is_object_dtype(dtype)
        and pd.api.types.infer_dtype(frame[column], skipna=True) in ("string", "empty")
    }
    return frame.astype(text) if text and not pd.api.types.is_object_dtype(TEXT_DTYPE) else frame


def finish(frame: pd.DataFrame, report: ReadReport, *, errors: str, kept: int | None = None) -> pd.DataFrame:
    """Validate the kept records through read_events and attach the report.

    ``kept`` is the number of records kept where one record may yield several events.
    """
    from ..events import read_events

    report.kept = len(frame) if kept is None else kept
    events = read_events(_typed_text(frame.reset_index(drop=True)), duplicates="keep")
    report.seal()
    events.attrs["report"] = report
    report.warn_if_malformed(stacklevel=4)
    return events
