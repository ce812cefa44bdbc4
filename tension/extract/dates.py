"""Dates in a sentence, resolved against the story's publication date.

Absolute dates ("January 17", "17 January 2024") and most relative ones ("on Saturday",
"yesterday", "last week", "two days ago") are parsed by :mod:`dateparser` with the
publication date as the base and past dates preferred (a story reports what happened).
Vague spans ("earlier this month") resolve to the middle of the span and are flagged as
approximate. The expressions are found here by pattern; ``dateparser`` only reads them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

__all__ = ["DateMention", "find_dates"]

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
_PATTERNS = [
    ("absolute", rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?![\d])"),
    ("absolute", rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"),
    ("relative", rf"(?:(?:on|last|this|late|early)\s+)?{_DAY}(?:\s+(?:night|morning|evening))?"),
    ("relative", r"yesterday|today|tonight|last night|this morning"),
    ("relative", rf"{_NUMBER}\s+(?:days?|weeks?)\s+ago|(?:last|this) week|a week ago"),
    ("approximate", r"earlier this (?:week|month|year)|(?:last|this) (?:month|year)|last weekend"),
]
_REGEX = re.compile("|".join(f"(?P<g{i}>{p})" for i, (_, p) in enumerate(_PATTERNS)))
_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}


class DateMention(NamedTuple):
    """A date found in a sentence: span in the sentence, words, resolved date, basis."""

    start: int
    end: int
    words: str
    date: dt.date
    basis: str  # absolute, relative, approximate


def _resolve(words: str, kind: str, published: dt.date) -> dt.date | None:
    lower = words.lower()
    if kind == "approximate":
        if "week" in lower and "earlier" in lower:
            monday = published - dt.timedelta(days=published.weekday())
            return monday + (published - monday) // 2
        if lower == "last weekend":
            return published - dt.timedelta(days=published.weekday() + 2)
        if "month" in lower:
            first = published.replace(day=1)
            if lower.startswith("last"):
                last = first - dt.timedelta(days=1)
                return last.replace(day=15)
            return first + (published - first) // 2
        if "year" in lower:
            if lower.startswith("last"):
                return dt.date(published.year - 1, 7, 1)
            first = dt.date(published.year, 1, 1)
            return first + (published - first) // 2
    day = re.search(_DAY, words)
    if day and not re.search(r"\d", words):
        # A weekday names the most recent such day, the publication day itself included
        # ("on Monday" in a Monday story is that Monday); "last Monday" is the one before.
        target = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"].index(day.group(0))
        back = (published.weekday() - target) % 7
        if lower.startswith("last") and back == 0:
            back = 7
        return published - dt.timedelta(days=back)
    ago = re.fullmatch(rf"({_NUMBER})\s+(days?|weeks?)\s+ago", lower)
    if ago:
        n = int(ago.group(1)) if ago.group(1).isdigit() else _NUMBERS[ago.group(1)]
        return published - dt.timedelta(days=n * (7 if ago.group(2).startswith("week") else 1))
    import dateparser

    base = dt.datetime.combine(published, dt.time(12))
    parsed = dateparser.parse(
        re.sub(r"\b(?:of|on|late|early)\b\s*", "", words),
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return None if parsed is None else parsed.date()


def find_dates(sentence: str, *, published: dt.date) -> list[DateMention]:
    """Date expressions in a sentence with the dates they name.

    Parameters
    ----------
    sentence : str
    published : datetime.date
        The story's publication date, the base for relative expressions.

    Examples
    --------
    >>> import datetime as dt
    >>> [(d.words, str(d.date), d.basis) for d in find_dates(
    ...     "The strikes on January 17 and the attack on Saturday", published=dt.date(2024, 1, 29))]
    [('January 17', '2024-01-17', 'absolute'), ('on Saturday', '2024-01-27', 'relative')]
    """
    out = []
    for match in _REGEX.finditer(sentence):
        kind = next(k for i, (k, _) in enumerate(_PATTERNS) if match.group(f"g{i}") is not None)
        date = _resolve(match.group(0), kind, published)
        if date is not None:
            out.append(DateMention(match.start(), match.end(), match.group(0), date, kind))
    return out
