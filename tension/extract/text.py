"""Sentences with their character spans, and small text helpers shared by the coder."""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["Sentence", "sentences"]

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "gen",
    "lt",
    "col",
    "sgt",
    "capt",
    "maj",
    "sen",
    "rep",
    "gov",
    "prof",
    "st",
    "jr",
    "sr",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "no",
    "vs",
    "etc",
    "adm",
    "brig",
    "cmdr",
    "pres",
    "rev",
}
_END = re.compile(r"[.!?][\"'’”)\]]*\s+(?=[\"'‘“(\[]?[A-Z0-9])")


class Sentence(NamedTuple):
    """One sentence: its text and its span ``[start, end)`` in the story."""

    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Split a story into sentences, keeping each one's exact character span.

    A full stop ends a sentence unless it closes a known abbreviation ("Lt.", "Jan.")
    or a single letter ("U.S."). Line breaks between paragraphs also end a sentence.

    Examples
    --------
    >>> [s.text for s in sentences("Lt. Gen. Avril resigned. The U.S. Army left.")]
    ['Lt. Gen. Avril resigned.', 'The U.S. Army left.']
    """
    out, start = [], 0
    cuts = []
    for match in _END.finditer(text):
        before = text[: match.start() + 1].split()[-1]  # the word ending in [.!?] (never empty)
        stem = before.rstrip(".").split(".")[-1].lower().strip("(\"'")
        if before.endswith(".") and (stem in _ABBREVIATIONS or len(stem) == 1):
            continue
        cuts.append(match.end())
    cuts += [m.end() for m in re.finditer(r"\n\s*", text)]
    for cut in sorted(set(cuts)) + [len(text)]:
        piece = text[start:cut]
        lead = len(piece) - len(piece.lstrip())
        body = piece.strip()
        if body:
            out.append(Sentence(start + lead, start + lead + len(body), body))
        start = cut
    return out
