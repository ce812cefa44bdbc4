"""The checks of GDELT records, block by block: which are malformed (with file, line and
value), which name no pair of different countries, which are kept. Each check runs once
per distinct value of a block's column, not once per record (a 15-minute export has a
few hundred distinct dates, codes and scales in half a million records). Used by
:func:`tension.io.read_gdelt`; :class:`Tally` carries the counts across blocks, in the
order a single pass over all records would have met them."""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..countries import from_cameo
from ._report import TEXT_DTYPE, ReadReport

__all__ = ["COUNT_COLUMNS", "Tally", "checked_columns", "classify", "encode"]

#: ``weight_by`` -> (frame column, GDELT field name).
COUNT_COLUMNS = {
    "mentions": ("num_mentions", "NumMentions"),
    "sources": ("num_sources", "NumSources"),
    "articles": ("num_articles", "NumArticles"),
}
#: Skip reasons, by code (0: kept).
REASONS = (
    "",
    "malformed",
    "no actor country",
    "regional actor code",
    "unknown actor code",
    "same country",
    "not a root event",
)
_CODE = {reason: i for i, reason in enumerate(REASONS)}
_DETAIL = {"regional actor code", "unknown actor code"}


def _bad_date(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values, format="%Y%m%d", errors="coerce").isna().to_numpy(dtype=bool)


def _bad_code(values: pd.Series) -> np.ndarray:
    return np.array(
        [not (re.fullmatch(r"\d{2,4}", c) and 1 <= int(c[:2]) <= 20) for c in values.astype(str)], dtype=bool
    )


def _bad_scale(values: pd.Series) -> np.ndarray:
    return (~pd.to_numeric(values, errors="coerce").between(-10, 10)).to_numpy(dtype=bool)


def _bad_count(values: pd.Series) -> np.ndarray:
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):  # (NaN: bad)
        return ~((numbers >= 1) & (numbers < 2**53) & (numbers == np.round(numbers)))


def _countries(codes: list[str]) -> list[tuple[str, str]]:
    return list(zip(*from_cameo(codes), strict=True))


def _split(pairs: list) -> tuple[list[str], list[str]]:
    return [a for a, _ in pairs], [b for _, b in pairs]


@functools.cache
def _series(test):
    """``test`` taking a list of values (as the text column they come from)."""
    return lambda values: test(pd.Series(values, dtype=TEXT_DTYPE)).tolist()


def _checks(weight_by: str | None) -> list:
    """(column, message, test) of each value check, the first failing one reported."""
    checks = [
        ("sqldate", "SQLDATE is not a YYYYMMDD date", _bad_date),
        ("cameo", "EventCode is not a CAMEO code", _bad_code),
        ("goldstein", "GoldsteinScale is not a number in [-10, 10]", _bad_scale),
    ]
    if weight_by:
        column, field = COUNT_COLUMNS[weight_by]
        checks.append((column, f"{field} is not a count >= 1", _bad_count))
    return checks


def checked_columns(weight_by: str | None, root_only: bool) -> list[str]:
    """The columns :func:`classify` needs for every record."""
    columns = [c for c, _, _ in _checks(weight_by)] + ["source_code", "target_code"]
    return columns + (["is_root"] if root_only else [])


def encode(column) -> tuple[np.ndarray, list[str]]:
    """Each record's index into the column's distinct values, and those values (of a
    text column: pandas or pyarrow)."""
    if isinstance(column, pd.Series):
        column = pa.array(column, type=pa.string())
    if isinstance(column, pa.Array):
        column = pa.chunked_array([column])
    chunks = pc.dictionary_encode(column).chunks  # one dictionary, shared by the chunks
    if not chunks:
        return np.zeros(0, dtype=np.int32), []
    codes = [chunk.indices.to_numpy(zero_copy_only=False) for chunk in chunks]
    return np.concatenate(codes) if len(codes) > 1 else codes[0], chunks[-1].dictionary.to_pylist()


#: test -> value -> result: the checks are functions of the value alone, so their results
#: are kept across blocks and reads (a few thousand dates, codes and counts at most).
_KNOWN: dict[object, dict[str, object]] = {}
_KNOWN_LOCK = threading.Lock()
_KNOWN_MAX = 200_000


def known(test, values: list[str]) -> list:
    """``test`` of each value, run once per value ever met."""
    with _KNOWN_LOCK:
        cache = _KNOWN.setdefault(test, {})
        if len(cache) > _KNOWN_MAX:
            cache.clear()
        new = [v for v in dict.fromkeys(values) if v not in cache]
        if new:
            cache.update(zip(new, test(new), strict=True))
        return [cache[v] for v in values]


class Tally:
    """Skip reasons and the actor codes behind some of them, in first-met order, for
    :meth:`apply` to a :class:`ReadReport`; and the malformed values of the block being
    read, ``(line, message)``, for :meth:`flush`."""

    def __init__(self) -> None:
        self.skipped: dict[str, int] = {}
        self.details: dict[str, dict[str, int]] = {}
        self.problems: list[tuple[int, str]] = []

    def flush(self, report: ReadReport, errors: str, others: Sequence[tuple[int, str]] = ()) -> None:
        """Report the block's problems, its malformed values and ``others`` (lines of the
        wrong shape), in line order: with ``errors="raise"`` the first bad line raises."""
        for _, message in sorted([*self.problems, *others], key=lambda problem: problem[0]):
            report.problem(message, errors)
        self.problems = []

    def apply(self, report: ReadReport, errors: str) -> None:
        for reason, n in self.skipped.items():
            report.skipped[reason] = report.skipped.get(reason, 0) + n
        for reason in _DETAIL:
            if reason in self.details:
                bucket = report.details.setdefault(reason, {})
                for value, n in self.details[reason].items():
                    bucket[value] = bucket.get(value, 0) + n


def classify(columns: dict, lines: np.ndarray, path: str, tally: Tally, *, weight_by: str | None, root_only: bool):
    """Check one block's records (``columns`` of :func:`checked_columns`, each as
    :func:`encode` gives it, of the records at file ``lines``) into ``tally``.

    Returns
    -------
    keep : ndarray of int
        Positions of the records kept, in order.
    source, target : ndarray of object
        Their ISO codes.
    """
    n = len(lines)
    first_bad = np.full(n, -1, dtype=np.int8)
    checks = _checks(weight_by)
    seen = {}
    for k, (column, _, test) in enumerate(checks):
        codes, values = columns[column]
        seen[column] = codes, values
        bad = np.array(known(_series(test), values), dtype=bool)
        if bad.any():
            first_bad[bad[codes] & (first_bad < 0)] = k
    malformed = first_bad >= 0
    for i in np.flatnonzero(malformed).tolist():
        column, message, _ = checks[first_bad[i]]
        codes, values = seen[column]
        tally.problems.append((int(lines[i]), f"{path}:{lines[i]}: {message} ({values[codes[i]]!r})"))
    s_codes, s_values = columns["source_code"]
    t_codes, t_values = columns["target_code"]
    s_iso, s_why = _split(known(_countries, s_values))
    t_iso, t_why = _split(known(_countries, t_values))
    s_reason = np.array([_CODE[w] for w in s_why], dtype=np.int8)[s_codes]
    t_reason = np.array([_CODE[w] for w in t_why], dtype=np.int8)[t_codes]
    reason = np.where(s_reason != 0, s_reason, t_reason)
    reason[malformed] = _CODE["malformed"]
    vocabulary: dict[str, int] = {}
    s_id = np.array([vocabulary.setdefault(c, len(vocabulary)) for c in s_iso], dtype=np.intp)
    t_id = np.array([vocabulary.setdefault(c, len(vocabulary)) for c in t_iso], dtype=np.intp)
    reason[(reason == 0) & (s_id[s_codes] == t_id[t_codes])] = _CODE["same country"]
    if root_only:
        codes, values = columns["is_root"]
        not_root = np.array([v != "1" for v in values], dtype=bool)[codes]
        reason[(reason == 0) & not_root] = _CODE["not a root event"]
    counts = np.bincount(reason, minlength=len(REASONS))
    present = np.flatnonzero(counts)
    first = [int(np.argmax(reason == code)) for code in present]
    for code in present[np.argsort(first, kind="stable")].tolist():
        name = REASONS[code]
        if name:
            tally.skipped[name] = tally.skipped.get(name, 0) + int(counts[code])
        if name in _DETAIL:
            rows = np.flatnonzero(reason == code)
            by_source = s_reason[rows] != 0
            s_text, t_text = np.array(s_values, dtype=object), np.array(t_values, dtype=object)
            picked = np.where(by_source, s_text[s_codes[rows]], t_text[t_codes[rows]])
            bucket = tally.details.setdefault(name, {})
            for value, m in Counter(picked.tolist()).items():
                bucket[value] = bucket.get(value, 0) + m
    keep = np.flatnonzero(reason == 0)
    source = np.asarray(s_iso, dtype=object)[s_codes[keep]]
    target = np.asarray(t_iso, dtype=object)[t_codes[keep]]
    return keep, source, target
