"""Casualty counts in a sentence: killed and injured, with "at least" kept as a lower bound.

Number words are read by :mod:`text_to_num` ("nine", "twenty-one"); the phrases around
them ("killed four ...", "the deaths of two children", "three others were wounded") are
found here by pattern.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Count", "find_counts"]

_WORDS = (
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety "
    "hundred thousand dozen"
).split()
_WORD = "(?:" + "|".join(_WORDS) + ")"
_NUM = rf"(?:\d[\d,]*|{_WORD}(?:[\s-]+(?:and\s+)?{_WORD})*)"
_QUAL = r"(?:(?P<q>at least|more than|over|nearly|almost|about|around|some|up to|as many as|roughly)\s+)?"
# Up to three words between a number and its verb ("four Pakistani labourers were killed"),
# none of which may be a verb or a conjunction that starts another clause.
_GAP = r"(?:(?!and\b|but\b|killed|killing|injur|wound|died|dead|were\b|was\b)[\w'’-]+\s+){0,3}?"
_KILLED = [
    rf"(?:killed|killing|kills|kill|slew|slaying|left|leaving|claimed the lives of)\s+{_QUAL}(?P<n>{_NUM})(?![\w-])",
    rf"{_QUAL}(?P<n>{_NUM})\s+{_GAP}(?:(?:were|was|have been|has been|had been|are)\s+(?:killed|slain)|died|dead)",
    rf"deaths?\s+of\s+{_QUAL}(?P<n>{_NUM})",
    rf"death toll\s+(?:\w+\s+){{0,3}}?(?:to|of|at)\s+{_QUAL}(?P<n>{_NUM})",
    rf"{_QUAL}(?P<n>{_NUM})\s+(?:deaths|fatalities|dead)",
]
_INJURED = [
    rf"(?:injured|injuring|injures|wounded|wounding|wounds)\s+{_QUAL}(?P<n>{_NUM})(?![\w-])",
    rf"{_QUAL}(?P<n>{_NUM})\s+{_GAP}(?:(?:were|was|have been|has been|had been|are)\s+(?:injured|wounded|hurt)|(?:others\s+)?(?:injured|wounded|hurt)\b(?!\s+\w+\s+(?:by|in)\b))",
    rf"injuries\s+to\s+{_QUAL}(?P<n>{_NUM})",
    rf"{_QUAL}(?P<n>{_NUM})\s+(?:injuries)",
]


class Count(NamedTuple):
    """A casualty count: span of the number in the sentence, field, value, words."""

    start: int
    end: int
    field: str  # killed or injured
    value: int
    words: str
    lower_bound: bool


def _value(words: str) -> int | None:
    words = words.strip().rstrip("-").strip()
    if re.fullmatch(r"\d[\d,]*", words):
        return int(words.replace(",", ""))
    if words in ("dozen", "a dozen"):
        return 12
    from text_to_num import text2num

    try:
        return int(text2num(words.replace("-", " ").replace(" and ", " "), "en"))
    except ValueError:
        return None


def find_counts(sentence: str) -> list[Count]:
    """Killed and injured counts in a sentence, each number read once.

    Examples
    --------
    >>> [(c.field, c.value) for c in find_counts(
    ...     "Gunmen killed four Pakistani labourers and injured three others.")]
    [('killed', 4), ('injured', 3)]
    >>> [(c.field, c.value, c.lower_bound) for c in find_counts("the deaths of at least nine individuals")]
    [('killed', 9, True)]
    """
    found: dict[tuple[int, int], Count] = {}
    for field, patterns in (("killed", _KILLED), ("injured", _INJURED)):
        for pattern in patterns:
            for match in re.finditer(pattern, sentence, flags=re.IGNORECASE):
                span = match.span("n")
                words = match.group("n")
                value = _value(words.lower())
                if value is None or span in found:
                    continue
                qualifier = (match.group("q") or "").lower()
                found[span] = Count(
                    span[0], span[1], field, value, match.group(0), qualifier in ("at least", "more than", "over")
                )
    return sorted(found.values())
