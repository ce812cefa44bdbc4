"""The sentence's structure for the story coder (:mod:`tension.extract.core`).

The candidate-event record; the bounds of a trigger's clause (to the left up to a clause
break or reported speech, to the right up to the next clause or a closing attribution);
the agent group of a trigger (the first country mention outside a prepositional phrase
and those joined to it, plus a non-state head noun); the kind an act of force or a pledge
takes from its words; and the dyad of an act whose agent is not a state.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .actors import NON_STATE, Mention
from .triggers import PLEDGE_TOPICS

__all__ = [
    "VIOLENT",
    "SPECIFIC_FORCE",
    "RIGHT",
    "Candidate",
    "sign",
    "inside",
    "left_bound",
    "right_bound",
    "subject",
    "first_verb",
    "codes",
    "pledge_kinds",
    "force_kind",
    "non_state_act",
]

#: Kinds that carry casualty counts.
VIOLENT = {"airstrike", "armed_clash", "armed_attack", "bombing", "assassination", "mass_violence"}
#: Kinds of force more specific than the generic ones, in order of precedence.
SPECIFIC_FORCE = ["mass_violence", "assassination", "bombing", "airstrike"]

#: Words that begin a time phrase ("On Monday", "on June 3", "in 2019"): a preposition
#: before one opens no phrase that holds the next mention ("On Monday Iran condemned ...").
_TIME_WORD = (
    r"(?:(?:early|late)\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|jan(?:uary)?|feb(?:ruary)?|"
    r"march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|\d)\b"
)
_PREP = re.compile(
    r"\b(?:of|in|with|against|on|upon|to|from|at|into|near|towards?|for|over|between|by|across|inside|"
    r"along|among|including|than|about)\s+(?!" + _TIME_WORD + r")"
    r"(?:the\s+|an?\s+|his\s+|her\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_SPEECH = r"said|says|stated|states|claimed|claims|told|announced|reported|added|assured|insisted|believes?|believed|according to|noted|argued|confirmed"
_LEFT = re.compile(
    rf"[;:()]|,\s*(?:which|who|where|while|but|whereas|and)\b|\b(?:when|while|whereas|because|but|after|before|as|that|in which|where|if|although)\b|\b(?P<speech>(?-i:{_SPEECH}))\b",
    re.IGNORECASE,
)
_CLAUSE_FOLLOWS = re.compile(r"\s+(?:(?:on\s+)?\w+day\s+|today\s+|yesterday\s+)?(?:that|it|they|he|she)\b")
RIGHT = re.compile(
    r"[;()]|,\s*(?:which|who|while|but|whereas|and|as|after|before)\b|\b(?:when|while|whereas|because|but|after|before|that|although|if)\b",
    re.IGNORECASE,
)
# Verbal acts aim at the subject of their complement: "demanded that the United States",
# "threatened to stop talks if the United States ...".
_RIGHT_VERBAL = re.compile(
    r"[;()]|,\s*(?:which|who|while|but|whereas|and|as|after|before)\b|\b(?:when|while|whereas|because|but|after|before|although)\b",
    re.IGNORECASE,
)
# A closing attribution: ", a State Department spokesman said on Wednesday."
_ATTRIBUTION = re.compile(
    rf"[,;]\s+[^,;]*?\b(?-i:{_SPEECH}|say|reports|quoted|charged|has said)\b[^,;]*$|\s+according to\b[^,;]*$",
    re.IGNORECASE,
)
# "King Hassan of Morocco", "the President of France": the country is the subject.
_TITLE_OF = re.compile(
    r"^\s*(?:the\s+)?(?:King|Queen|President|Prime Minister|Emir|Sultan|Foreign Minister|Government|government|Crown Prince|Chancellor|Premier|Shah)(?:\s+[A-Z][\w-]*){0,3}\s+of\s+$"
)
_NON_STATE = re.compile(rf"(?<![\w-])(?:{NON_STATE})(?![\w-])", re.IGNORECASE)
_AIR = re.compile(
    r"\b(?:air|airstrikes?|air strikes?|missiles?|drones?|jets?|aircraft|warplanes?|helicopters?|gunships?|bombers?|aerial)\b",
    re.IGNORECASE,
)
_BOMB = re.compile(r"\b(?:bombs?|explosive|explosions?|suicide|blew)\b", re.IGNORECASE)


def sign(kind: str) -> str:
    from ..taxonomy import kinds

    if kind == "ATTACK":
        return "hostile"
    weight = dict(zip(kinds()["kind"], kinds()["weight"], strict=True))[kind]
    return "hostile" if weight > 0 else "cooperative" if weight < 0 else "neutral"


@dataclass
class Candidate:
    """One candidate event with the words it was coded from (internal)."""

    sentence: int
    start: int
    end: int
    evidence: str
    source: str
    target: str
    kind: str
    trigger: str
    trigger_at: int
    source_words: str
    target_words: str
    confidence: float = 1.0
    killed: int = 0
    injured: int = 0
    date: dt.date | None = None
    date_words: str = ""
    date_basis: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def violent(self) -> bool:
        return self.kind in VIOLENT


def inside(pos: int, spans) -> bool:
    return any(s <= pos < e for s, e in spans)


def left_bound(text: str, end: int) -> tuple[int, str | None]:
    start, speech = 0, None
    for match in _LEFT.finditer(text, 0, end):
        verb = match.group("speech")
        if (
            verb
            and not re.match(r"(?:said|says|stated|claimed|told|believe)", verb)
            and not _CLAUSE_FOLLOWS.match(text, match.end())
        ):
            continue  # "announced a suspension": the object of the verb, not reported speech
        start, speech = match.end(), verb
    return start, speech


def right_bound(text: str, start: int, verbal: bool = False) -> int:
    match = (_RIGHT_VERBAL if verbal else RIGHT).search(text, start)
    end = match.start() if match else len(text)
    tail = _ATTRIBUTION.search(text, start)
    return min(end, tail.start()) if tail else end


def subject(text: str, mentions: list[Mention], lo: int, hi: int) -> tuple[list[Mention], str]:
    """The agent group in ``text[lo:hi]``: the first mention not in a prepositional phrase
    and the mentions joined to it by "and" or a comma; plus a non-state word if the head
    noun of the subject names one ("Burundian militiamen", "unidentified gunmen")."""
    inside = [m for m in mentions if lo <= m.start and m.end <= hi]
    free = [m for m in inside if not _PREP.search(text[lo : m.start]) or _TITLE_OF.search(text[lo : m.start])]
    group: list[Mention] = []
    for m in free:
        if not group:
            group.append(m)
        elif m.start == group[-1].start or re.fullmatch(
            r"\s*(?:,|and|&|,\s*and)\s*(?:the\s+)?", text[group[-1].end : m.start], re.IGNORECASE
        ):  # ("Saudi Arabia, the United Arab Emirates and Egypt")
            group.append(m)
        elif m.iso3 == group[-1].iso3 and not _PREP.search(text[lo : m.start]):
            group.append(m)  # "Iranian Foreign Minister Hossein Amirabdollahian"
    after = group[-1].end if group else lo
    non_state = ""
    for match in _NON_STATE.finditer(text, after, hi):
        if not _PREP.search(text[lo : match.start()]):
            non_state = match.group(0)
            break
    return group, non_state


def first_verb(text: str) -> int:
    match = re.search(rf"\b(?:{_SPEECH}|has|have|had|is|are|was|were|will|would)\b", text)
    return match.start() if match else len(text)


def codes(group: list[Mention]) -> list[str]:
    return list(dict.fromkeys(m.iso3 for m in group))


def pledge_kinds(text: str, start: int, end: int) -> list[tuple[str, str]]:
    """Kinds of a pledge from its complement, one per conjunct ("to hold meetings and
    facilitate communication between liaison officers" gives two)."""
    out = []
    for part in re.split(r"\band\b(?=\s+(?:to\s+)?[a-z]+(?:e|ed|en|ate|ish|ve|ld|old|ow|ep)\b)", text[start:end]):
        for kind, pattern in PLEDGE_TOPICS:
            match = re.search(rf"\b(?:{pattern})\b", part, re.IGNORECASE)
            if match:
                out.append((kind, match.group(0)))
                break
    if not out:
        out.append(("pledge_cooperation", ""))
    return list(dict.fromkeys(out))


def force_kind(text: str, non_state: str, trigger: str = "") -> tuple[str, str]:
    if trigger.lower().startswith("shot down"):  # aircraft are the target, not the weapon
        return ("armed_attack", "") if non_state else ("armed_clash", "")
    air, bomb = _AIR.search(text), _BOMB.search(text)
    if bomb and (non_state or not air):
        return "bombing", bomb.group(0)
    if air and not non_state:
        return "airstrike", air.group(0)
    return ("armed_attack", "") if non_state else ("armed_clash", "")


def non_state_act(s, sent, number, trig, kind, group, non_state, mentions, target_pool, refine):
    """An act of force whose agent is not a state: on the dyad with confidence 0.5 only
    when it happened in one country (or by a group of one nationality) and struck another
    country's nationals; otherwise left out."""
    victims = [
        m
        for m in target_pool
        if m.kind in ("demonym", "name", "person")
        and not re.search(r"\b(?:in|near|at|inside)\s+(?:[\w-]+\s+){0,2}$", s[max(0, m.start - 30) : m.start])
    ]
    places = [
        m
        for m in mentions
        if re.search(r"\b(?:in|near|at|inside)\s+(?:[\w-]+\s+){0,2}$", s[max(0, m.start - 30) : m.start])
    ]
    nationality = codes(group)
    source = (nationality or [p.iso3 for p in places] or [None])[0]
    basis = (
        f"a group of {source} nationality ('{group[0].words} {non_state}')"
        if nationality
        else (f"it happened in {source} ('{places[0].words}')" if source else "")
    )
    targets = [v for v in victims if v.iso3 != source] or [p for p in places if p.iso3 != source]
    if not source or not targets:
        return None
    target = targets[0]
    note = (
        f"act of a non-state actor ('{non_state}'), not of the state of {source}: on the dyad because {basis} "
        f"and it struck {target.iso3} ('{target.words}'); confidence 0.5"
    )
    cand = Candidate(
        number,
        sent.start,
        sent.end,
        s,
        source,
        target.iso3,
        kind,
        trig.words + (f" (+ '{refine}')" if refine else ""),
        trig.start,
        non_state,
        target.words,
        0.5,
        notes=[note],
    )
    return group, non_state, [cand]
