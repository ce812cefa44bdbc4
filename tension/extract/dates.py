"""Dates in a sentence, resolved against the story's publication date.

Absolute dates ("January 17", "17 January 2024") and most relative ones ("on Saturday",
"yesterday", "last week", "two days ago") are parsed by :mod:`dateparser` with the
publication date as the base and past dates preferred (a story reports what happened).
Vague spans ("earlier this month") resolve to the middle of the span and are flagged as
approximate. The expressions are found here by pattern; ``dateparser`` only reads them.

A *period* of the past that is not a day ("in 2016", "in January 2016", "last year", "seven
years ago", "in the 1998-2000 war", "since 2015", "in the 1990s") has basis ``"period"``: an
act dated by one is background, told to explain the news, and the coder leaves it out rather
than put it on a day it cannot know (the publication day would be wrong by years). Only periods
that end before the publication month are returned ("since" periods: that begin before it); a
period of the publication month itself ("in January 2024" in a January 2024 story) is not a
date at all. An exact day in an earlier year ("on January 3, 2016") is an ordinary absolute
date and the act is coded on that day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

__all__ = ["DateMention", "dateline_end", "find_dates"]

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)"
)
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_NUMBER = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)"
_YEAR = r"(?:1[89]|20)\d{2}"
# A year or a range of years ("1998-2000", "2014-15"), or a decade ("the 1990s").
_YEARS = rf"{_YEAR}(?:s|\s*[-–]\s*(?:{_YEAR}|\d{{2}}))?(?![\w-])"
_PATTERNS = [
    (
        "period",
        rf"(?:(?:[Ii]n|[Ss]ince|[Dd]uring|[Uu]ntil|[Tt]ill|[Ff]rom|[Bb]y|[Bb]efore|[Oo]f)\s+(?:the\s+)?"
        rf"(?:(?:early|late|mid)[- ])?(?:{_MONTH},?\s+)?{_YEARS}"
        rf"|{_MONTH},?\s+{_YEAR}(?![\w-])|the\s+{_YEAR}(?:s|\s*[-–]\s*(?:{_YEAR}|\d{{2}}))(?![\w-])"
        rf"|(?:{_NUMBER}|a|several|many|a few)\s+(?:years?|decades?)\s+ago|decades ago|years ago"
        rf"|(?:[2-9]|two|three|four|five|six|seven|eight|nine|ten|\d\d+|several|many)\s+months\s+ago"
        rf"|[Ll]ast year)",
    ),
    ("absolute", rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?![\d])"),
    ("absolute", rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+\d{{4}})?"),
    ("relative", rf"(?:(?:on|last|this|late|early)\s+)?{_DAY}(?:\s+(?:night|morning|evening))?"),
    ("relative", r"yesterday|today|tonight|last night|this morning"),
    ("relative", rf"{_NUMBER}\s+(?:days?|weeks?)\s+ago|(?:last|this) week|a week ago"),
    ("approximate", r"earlier this (?:week|month|year)|last month|this (?:month|year)|last weekend"),
]
_REGEX = re.compile("|".join(f"(?P<g{i}>{p})" for i, (_, p) in enumerate(_PATTERNS)))
# A wire dateline opening a story ("ANKARA, Nov 24 -", "CUCUTA, Colombia, Feb. 24 (Reuters) -"):
# the place and day of the report, not of any act in the sentence.
_DATELINE = re.compile(
    rf"^[A-Z][A-Z'.\- ]+(?:,\s*[A-Z][\w.'\- ]*?)*,\s*{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?\s*(?:\([^)]*\)\s*)?[-–—]+\s"
)
_NUMBERS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten".split())}


class DateMention(NamedTuple):
    """A date found in a sentence: span in the sentence, words, resolved date, basis."""

    start: int
    end: int
    words: str
    date: dt.date
    basis: str  # absolute, relative, approximate, period


def _period(words: str, published: dt.date) -> dt.date | None:
    """The first day of a period of the past, or None when the period is not over before
    the publication month begins (then it dates nothing)."""
    lower = words.lower()
    month_start = published.replace(day=1)
    if lower in ("last year",):
        return dt.date(published.year - 1, 1, 1)
    ago = re.search(rf"({_NUMBER}|a|several|many|a few|decades|years)\s*(years?|decades?|months)?\s+ago", lower)
    if ago:
        n = ago.group(1)
        count = int(n) if n.isdigit() else _NUMBERS.get(n, 1 if n == "a" else 2)
        unit = ago.group(2) or n
        days = 30 if unit.startswith("month") else 3652 if unit.startswith("decade") else 365
        return published - dt.timedelta(days=count * days)
    years = [int(y) for y in re.findall(_YEAR, words)]
    short = re.search(rf"{_YEAR}\s*[-–]\s*(\d{{2}})(?!\d)", words)
    first = years[0]
    last = years[-1] if len(years) > 1 else (first // 100 * 100 + int(short.group(1))) if short else first
    if re.search(rf"{_YEAR}s", words):
        last = first + 9
    month = re.search(_MONTH, words)
    if month and len(years) == 1 and not lower.startswith("since"):
        import dateparser

        parsed = dateparser.parse(f"1 {month.group(0)} {first}", languages=["en"])
        if parsed is None:
            return None
        start = parsed.date()
        end = (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    else:
        start, end = dt.date(first, 1, 1), dt.date(last + 1, 1, 1)
    if lower.startswith("since"):
        end = start  # an ongoing state since then: not a dated act
    return start if end <= month_start else None


def _resolve(words: str, kind: str, published: dt.date) -> dt.date | None:
    lower = words.lower()
    if kind == "period":
        return _period(words, published)
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


def dateline_end(sentence: str) -> int:
    """Where a wire dateline opening the sentence ends ("CUCUTA, Colombia, Feb 24 -"), else 0:
    its place and day are the report's, neither an actor nor a date of an act.

    Examples
    --------
    >>> dateline_end("CUCUTA, Colombia, Feb 24 - Talks ended.")
    27
    """
    match = _DATELINE.match(sentence)
    return match.end() if match else 0


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

    A story's dateline is the report's day, not an act's, and is not a date of the sentence:

    >>> [d.words for d in find_dates("ANKARA, Nov 24 - Jets shot down a plane on Tuesday.", published=dt.date(2015, 11, 24))]
    ['on Tuesday']
    """
    out = []
    for match in _REGEX.finditer(sentence, dateline_end(sentence)):
        kind = next(k for i, (k, _) in enumerate(_PATTERNS) if match.group(f"g{i}") is not None)
        date = _resolve(match.group(0), kind, published)
        if date is not None:
            out.append(DateMention(match.start(), match.end(), match.group(0), date, kind))
    return out
