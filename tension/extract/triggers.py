"""Event triggers: the words that say what happened, from ``data/triggers.csv``.

Each row of the table gives a kind of :func:`tension.kinds` (or ``ATTACK``, a use of force
whose kind follows its agent and the sentence, or the pledge verbs), whether the words
are a verb or a noun (a noun needs a light verb such as "launched" or an agent such as
"Iranian" to count), and a regular expression over lower-case words.
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources
from typing import NamedTuple

__all__ = ["Trigger", "find_triggers", "trigger_table", "PLEDGE", "PLEDGE_TOPICS"]

#: Verbs that commit the actor to a future act: the act is coded as a pledge (CAMEO 03x),
#: never as the act itself.
PLEDGE = (
    r"agreed to|agreed that|agree to|agrees to|pledged to|pledges to|pledged|decided to|"
    r"decides to|vowed to|vows to|promised to|promises to|committed to|undertook to|"
    r"offered to|offered|offers|expressed (?:their |its )?(?:willingness|readiness) to|"
    r"(?:is|are|was|were|be|been) (?:\w+ )?(?:ready|willing|prepared) to"
)
#: Words of a pledge's complement and the kind they make, most specific first.
PLEDGE_TOPICS = [
    ("ceasefire", r"cease-?fire|truce"),
    (
        "pledge_security_cooperation",
        r"security|military|defen[cs]e|terroris\w+|counter-?terror\w*|intelligence|border control",
    ),
    ("pledge_economic_cooperation", r"trade|economic|econom\w+|investment|business|energy|commerce|tariffs?"),
    ("pledge_meetings", r"meetings?|meet|talks|summits?|visits?|negotiat\w+|consultations?"),
    ("pledge_cooperation", r"cooperat\w+|communication|liaison|work together|ties|relations|peace"),
]


class Trigger(NamedTuple):
    """A trigger found in a sentence: span, kind, part of speech and the words matched."""

    start: int
    end: int
    kind: str
    pos: str
    words: str


@functools.cache
def trigger_table() -> list[tuple[str, str, re.Pattern, str]]:
    """Rows of ``data/triggers.csv`` as (kind, pos, compiled pattern, note), in order.

    Examples
    --------
    >>> rows = trigger_table()
    >>> sorted({kind for kind, *_ in rows}) [:3]
    ['ATTACK', 'accusation', 'agreement']
    """
    text = resources.files("tension.extract").joinpath("data", "triggers.csv").read_text("utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        body = PLEDGE if row["pattern"] == "PLEDGE" else row["pattern"]
        if row["pos"] == "v":  # the bare form too, as after "will" or "to": "will support";
            # not for short stems that are also common nouns or adverbs ("back", "help", "host")
            body = re.sub(r"(?<![\w\[\]])(\w{5,})\(\?:ed\|s\|ing\)", r"\1(?:ed|s|ing)?", body)
            body = re.sub(r"(?<![\w\[\]])([\w\[\]]{5,})\(\?:ed\|es\|ing\)", r"\1(?:ed|es|ing|e)?", body)
        pattern = re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", re.IGNORECASE)
        rows.append((row["kind"], row["pos"], pattern, row["note"]))
    return rows


def find_triggers(sentence: str) -> list[Trigger]:
    """Triggers in a sentence, longest first where two overlap, in order of position.

    Examples
    --------
    >>> [(t.words, t.kind) for t in find_triggers("Pakistan launched airstrikes and condemned Iran.")]
    [('airstrikes', 'airstrike'), ('condemned', 'condemnation')]
    """
    found = []
    for order, (kind, pos, pattern, _) in enumerate(trigger_table()):
        for match in pattern.finditer(sentence):
            found.append((-(match.end() - match.start()), order, match.start(), match.end(), kind, pos))
    chosen: list[Trigger] = []
    for _, _, start, end, kind, pos in sorted(found):
        if any(t.start < end and start < t.end for t in chosen):
            continue
        chosen.append(Trigger(start, end, kind, pos, sentence[start:end]))
    return sorted(chosen)
