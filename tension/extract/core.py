"""From a story to candidate events: the rules, sentence by sentence.

For each sentence the coder finds country mentions, triggers, dates and casualty counts,
then for each trigger outside a background phrase ("following ...", "amid ...") it
looks for the agent to the left of the trigger in its clause (not inside a prepositional
phrase; the "by" phrase of a passive) and the country acted upon to the right (the object,
a "with"/"against"/"on" phrase, or the place: "in Pakistan's Baluchistan province").
Every choice it makes is written into the event's ``description``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from .actors import NON_STATE, Mention, find_countries, learn_people
from .counts import find_counts
from .dates import find_dates
from .text import sentences
from .triggers import PLEDGE_TOPICS, Trigger, find_triggers

__all__ = ["code_story", "Candidate", "VIOLENT", "SPECIFIC_FORCE"]

#: Kinds that carry casualty counts.
VIOLENT = {"airstrike", "armed_clash", "armed_attack", "bombing", "assassination", "mass_violence"}
#: Kinds of force more specific than the generic ones, in order of precedence.
SPECIFIC_FORCE = ["mass_violence", "assassination", "bombing", "airstrike"]

_PREP = re.compile(
    r"\b(?:of|in|with|against|on|upon|to|from|at|into|near|towards?|for|over|between|by|across|inside|"
    r"along|among|including|than|about)\s+(?:the\s+|an?\s+|his\s+|her\s+|its\s+|their\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_SPEECH = r"said|says|stated|states|claimed|claims|told|announced|reported|added|assured|insisted|believes?|believed|according to|noted|argued|confirmed"
_LEFT = re.compile(
    rf"[;:()]|,\s*(?:which|who|where|while|but|whereas|and)\b|\b(?:when|while|whereas|because|but|after|before|as|that|in which|where|if|although)\b|\b(?P<speech>(?-i:{_SPEECH}))\b",
    re.IGNORECASE,
)
_CLAUSE_FOLLOWS = re.compile(r"\s+(?:(?:on\s+)?\w+day\s+|today\s+|yesterday\s+)?(?:that|it|they|he|she)\b")
_RIGHT = re.compile(
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
_BACKGROUND = re.compile(
    r"\b(?:following|after|amid|during|since|in response to|in retaliation for|due to|because of|despite|ahead of|in the wake of)\b[^,;.]*",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|never|no|n't|den(?:y|ied|ies|ying)|refus\w* to|fail\w* to|without|rul\w+ out)\s+(?:[\w-]+\s+){0,3}$|n't\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(?:plan(?:s|ned|ning)? to|intend\w* to|expected to|could|would|might|may|will|shall|hop(?:e|es|ed|ing) to|wants? to|wanted to|seek\w* to|sought to|propos\w+ to|consider\w*|possible|potential|threaten\w* to|warn\w*(?: that)?(?: it| they| he| she)?)\s+(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)
_LIGHT = re.compile(
    r"\b(?:launch\w*|carr(?:ied|y|ies|ying) out|conduct\w*|stag(?:ed|es|ing)|mount\w*|h[eo]ld\w*|sign\w*|impos\w+|slapp\w+|ma(?:de|ke|kes|king)|issu(?:ed|ing)|announc\w+|beg[au]n|resum\w+|gave|giv(?:e|es|en|ing)|provid\w+|sent|send\w*|extend\w*|offer\w*|grant\w*|reach\w*|conclud\w+|struck|lodg\w+|step\w* up|intensif\w+|escalat\w+|start\w*|pa(?:id|y|ys) an?|continu\w+|delivered)\b\s+(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
)
# "King Hassan of Morocco", "the President of France": the country is the subject.
_TITLE_OF = re.compile(
    r"^\s*(?:the\s+)?(?:King|Queen|President|Prime Minister|Emir|Sultan|Foreign Minister|Government|government|Crown Prince|Chancellor|Premier|Shah)(?:\s+[A-Z][\w-]*){0,3}\s+of\s+$"
)
_NON_STATE = re.compile(rf"(?<![\w-])(?:{NON_STATE})(?![\w-])", re.IGNORECASE)
_BOTH = re.compile(
    r"\b(?:[Bb]oth (?:countries|sides|nations|governments|neighbou?rs)|[Tt]he two (?:countries|sides|nations|governments|neighbou?rs))\b"
)
_INSTITUTION = re.compile(
    r"\b[Tt]he (?:Foreign Office|[Ff]oreign [Mm]inistry|[Mm]inistry of [Ff]oreign [Aa]ffairs|[Ff]oreign [Mm]inister|army|military|armed forces|government|[Pp]rime [Mm]inister|[Pp]resident)\b"
)
_ANAPHORIC_EVENT = re.compile(
    r"^\s*(?:the|this|that|these|those|such)\s+(?:[\w-]+\s+){0,2}?(?:attacks?|strikes?|airstrikes?|killings?|incident|bombings?|raids?|assault|shelling|massacre|murders?)\b",
    re.IGNORECASE,
)
_RETALIATION = re.compile(r"^\s*(?:In (?:retaliation|response|return)|Retaliating|Responding)\b", re.IGNORECASE)
_PRONOUN = re.compile(
    r"^\s*(?:(?:on\s+)?(?:\w+day|today|yesterday|tonight|that)\s+)*(?:it|they|he|she|its|their|the country|the government)\b",
    re.IGNORECASE,
)
_AIR = re.compile(
    r"\b(?:air|airstrikes?|air strikes?|missiles?|drones?|jets?|aircraft|warplanes?|helicopters?|gunships?|bombers?|aerial)\b",
    re.IGNORECASE,
)
_BOMB = re.compile(r"\b(?:bombs?|explosive|explosions?|suicide|blew)\b", re.IGNORECASE)
_REACTION = {"condemnation", "protest", "accusation", "disapprove", "demand", "threat", "military_threat", "appeal"}
_MEETING = {"talks", "negotiation", "agreement"}
# The pledge that an intent to act makes ("will visit", "is ready to help").
_PLEDGE_OF = {
    "talks": "pledge_meetings",
    "visit": "pledge_meetings",
    "negotiation": "pledge_meetings",
    "host_visit": "pledge_meetings",
    "economic_cooperation": "pledge_economic_cooperation",
    "security_cooperation": "pledge_security_cooperation",
    "intelligence_sharing": "pledge_security_cooperation",
}


def _sign(kind: str) -> str:
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


def _inside(pos: int, spans) -> bool:
    return any(s <= pos < e for s, e in spans)


def _left_bound(text: str, end: int) -> tuple[int, str | None]:
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


def _right_bound(text: str, start: int, verbal: bool = False) -> int:
    match = (_RIGHT_VERBAL if verbal else _RIGHT).search(text, start)
    end = match.start() if match else len(text)
    tail = _ATTRIBUTION.search(text, start)
    return min(end, tail.start()) if tail else end


def _subject(text: str, mentions: list[Mention], lo: int, hi: int) -> tuple[list[Mention], str]:
    """The agent group in ``text[lo:hi]``: the first mention not in a prepositional phrase
    and the mentions joined to it by "and" or a comma; plus a non-state word if the head
    noun of the subject names one ("Burundian militiamen", "unidentified gunmen")."""
    inside = [m for m in mentions if lo <= m.start and m.end <= hi]
    free = [m for m in inside if not _PREP.search(text[lo : m.start]) or _TITLE_OF.search(text[lo : m.start])]
    group: list[Mention] = []
    for m in free:
        if not group:
            group.append(m)
        elif m.start == group[-1].start or re.fullmatch(r"\s*(?:,|and|&|,\s*and)\s*", text[group[-1].end : m.start]):
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


def _first_verb(text: str) -> int:
    match = re.search(rf"\b(?:{_SPEECH}|has|have|had|is|are|was|were|will|would)\b", text)
    return match.start() if match else len(text)


def _codes(group: list[Mention]) -> list[str]:
    return list(dict.fromkeys(m.iso3 for m in group))


def _pledge_kinds(text: str, start: int, end: int) -> list[tuple[str, str]]:
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


def _force_kind(text: str, non_state: str, trigger: str = "") -> tuple[str, str]:
    if trigger.lower().startswith("shot down"):  # aircraft are the target, not the weapon
        return ("armed_attack", "") if non_state else ("armed_clash", "")
    air, bomb = _AIR.search(text), _BOMB.search(text)
    if bomb and (non_state or not air):
        return "bombing", bomb.group(0)
    if air and not non_state:
        return "airstrike", air.group(0)
    return ("armed_attack", "") if non_state else ("armed_clash", "")


def code_story(text: str, *, published: dt.date) -> list[Candidate]:
    """Candidate events of one story, in the order of the story (see :func:`events`).

    Examples
    --------
    >>> import datetime as dt
    >>> [(c.source, c.target, c.kind, c.killed) for c in code_story(
    ...     "Iran launched airstrikes on Pakistan, killing two children.", published=dt.date(2024, 1, 17))]
    [('IRN', 'PAK', 'airstrike', 2)]
    """
    people: dict[str, str] = {}
    context: list[str] = []
    out: list[Candidate] = []
    previous: list[Candidate] = []
    for number, sent in enumerate(sentences(text)):
        s = sent.text
        learn_people(s, find_countries(s, people), people)
        mentions = find_countries(s, people)
        for match in _BOTH.finditer(s):
            # "both countries": the two countries the story has named most so far (the
            # later named first among equals)
            counts = Counter(context)
            last = {code: i for i, code in enumerate(context)}
            pair = sorted(counts, key=lambda c: (-counts[c], -last[c]))[:2]
            for code in reversed(pair):
                mentions.append(Mention(match.start(), match.end(), code, match.group(0), "both"))
        for match in _INSTITUTION.finditer(s):
            if any(m.end >= match.start() - 2 and m.start < match.start() for m in mentions):
                continue  # "Pakistan's military": the country is named
            before = [m.iso3 for m in mentions if m.end <= match.start()]
            named = before[-1] if before else context[-1] if context else None
            if named:
                mentions.append(Mention(match.start(), match.end(), named, match.group(0), "anaphor"))
        mentions.sort()
        background = [m.span() for m in _BACKGROUND.finditer(s)]
        triggers = [t for t in find_triggers(s) if not _inside(t.start, background)]
        consumed: list[tuple[int, int]] = []
        made: list[Candidate] = _must(s, sent, number, mentions, background, consumed)
        last_group: list[Mention] = []
        last_non_state = ""
        for trig in triggers:
            if _inside(trig.start, consumed):
                continue
            made_here = _code_trigger(
                s,
                sent,
                number,
                trig,
                triggers,
                mentions,
                background,
                consumed,
                last_group,
                last_non_state,
                previous,
                out,
            )
            if made_here is None:
                continue
            group, non_state, events = made_here
            last_group, last_non_state = group, non_state
            made += events
        made = _merge(made)
        _attach_counts(s, made, background, [c for c in previous if c.sentence == number - 1])
        _attach_dates(s, made, background, published, previous, out)
        made = _drop_repeats(made, out)
        out += made
        if made:
            previous = made
        context += [m.iso3 for m in mentions if m.kind != "both"]
    return out


def _code_trigger(
    s,
    sent,
    number,
    trig: Trigger,
    triggers,
    mentions,
    background,
    consumed,
    last_group,
    last_non_state,
    previous,
    story,
):
    lo, speech = _left_bound(s, trig.start)
    region = s[lo : trig.start]
    hi = _right_bound(s, trig.end, verbal=trig.kind in _REACTION | {"reject", "pledge_cooperation"})
    if trig.kind == "pledge_cooperation":  # a pledge verb
        end = min([e for e in (b[0] for b in background) if e > trig.end] + [len(s)])
        consumed.append((trig.end, end))
    if _NEGATION.search(region):
        return None
    hedge = _HEDGE.search(region)
    hedged_to = None
    hedge_words = ""
    if hedge and trig.kind != "pledge_cooperation":
        hedge_words = hedge.group(0).strip()
        word = hedge.group(0).lower()
        hostile = _sign(trig.kind) == "hostile"
        if re.match(r"(?:will|would|could|threaten|warn)", word) and hostile and trig.kind not in _REACTION:
            hedged_to = "military_threat" if trig.kind in VIOLENT | {"ATTACK"} else "threat"
        elif re.match(r"(?:will|would|plan|intend)", word) and not hostile:
            hedged_to = "pledge"
        else:
            return None
    if trig.kind in _REACTION | {"reject"}:
        consumed.append((trig.end, hi))  # what is demanded, threatened, rejected: not an act
    earlier = [t for t in triggers if lo <= t.start < trig.start and t.pos == "v"]
    if trig.pos == "v" and earlier and re.search(r"\bto\s+(?:[\w-]+\s+)?$", region):
        return None  # "demanded a meeting to discuss": the purpose of another act
    if trig.pos == "n":
        agent_before = [
            m for m in mentions if m.end <= trig.start and re.fullmatch(r"\s+(?:[\w-]+\s+)?", s[m.end : trig.start])
        ]
        if earlier:  # "rejected North Korea's demand": a noun in another act's object
            agent_before = []
        by_after = re.match(r"\s+(?:of|by)\s+(?:the\s+)?", s[trig.end :])
        if not (
            _LIGHT.search(region)
            or agent_before
            or (by_after and any(m.start == trig.end + by_after.end() for m in mentions))
        ):
            return None
    passive = re.search(r"\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?$", region) and re.match(
        r"\w+(?:ed|en|struck|hit|shot|fought|held|met|freed|sent|seized|put)\b", trig.words
    )
    notes: list[str] = []
    subject_hi = earlier[0].start if earlier else trig.start
    group, non_state = _subject(s, mentions, lo, subject_hi)
    pronoun = _PRONOUN.match(region)
    if pronoun and not speech and lo > 0:
        # "... and that its forces had shot down": the pronoun is the sentence's subject
        main, _ = _subject(s, mentions, 0, min([t.start for t in triggers] + [_first_verb(s)]))
        if main:
            group, non_state = main, ""
            notes.append(f"'{pronoun.group(0).strip()}' read as '{main[0].words}', the subject of the sentence")
    # The object may sit inside the trigger's words ("trained Syrian troops").
    first_word = trig.start + len(trig.words.split()[0])
    target_pool = [m for m in mentions if first_word < m.start and m.end <= hi]
    if passive:
        by = re.search(r"\bby\s+", s[trig.end : hi])
        if not by:
            return None
        at = trig.end + by.end()
        agent, non_state = _subject(s, mentions, at, hi)
        object_side = [m for m in mentions if lo <= m.start and m.end <= trig.start]
        group, target_pool = agent, object_side + [m for m in target_pool if m.start < at]
    elif trig.pos == "n" and not group:
        by_after = re.match(r"\s+(?:of|by)\s+(?:the\s+)?", s[trig.end :])
        if by_after:
            group, non_state = _subject(s, mentions, trig.end + by_after.end(), hi)
            target_pool = [m for m in target_pool if m not in group]
    if speech and pronoun:
        speaker_lo, _ = _left_bound(s, lo - len(speech) - 1)
        speaker, _ = _subject(s, mentions, speaker_lo, lo)
        if speaker:
            group, non_state = speaker, ""
            notes.append(
                f"the speaker ('{speaker[0].words}') is the actor: the reported act's subject is '{pronoun.group(0).strip()}'"
            )
    if not group and not non_state:
        if speech and pronoun:
            speaker_lo, _ = _left_bound(s, lo - len(speech) - 1)
            group, non_state = _subject(s, mentions, speaker_lo, lo)
            if group:
                notes.append(
                    f"the speaker ('{group[0].words}') is the actor: the reported act's subject is '{pronoun.group(0).strip()}'"
                )
        elif re.match(r"^\s*(?:and|also|then)\b", region) or not region.strip():
            group, non_state = last_group, last_non_state
    elif speech and not group:
        return None
    kind, refine = trig.kind, ""
    if kind == "ATTACK":
        kind, refine = _force_kind(s, non_state, trig.words)
    if kind == "threat":
        force = [t for t in triggers if trig.end <= t.start < hi and (t.kind in VIOLENT or t.kind == "ATTACK")]
        if force:  # "warned it could strike": a threat of force
            kind, refine = "military_threat", force[0].words
    if hedged_to == "pledge":
        notes.append(f"'{hedge_words} {trig.words}': an intent, coded as a pledge")
        kind = _PLEDGE_OF.get(kind, "pledge_cooperation")
    elif hedged_to:
        notes.append(f"'{hedge_words} {trig.words}': a threat, not the act")
        kind, non_state = hedged_to, ("" if non_state and group else non_state)
    sources = _codes(group)
    if non_state and kind in VIOLENT:
        return _non_state(s, sent, number, trig, kind, group, non_state, mentions, target_pool, refine)
    if non_state and not group:
        return None
    if not sources:
        return None
    targets = [m for m in target_pool if m.iso3 not in sources]
    if not targets and _sign(kind) == "hostile" and kind not in _REACTION:
        # The place acted upon may come first: "In Pakistan's Baluchistan province, Iranian missiles struck".
        targets = [
            m
            for m in mentions
            if m.iso3 not in sources
            and not _inside(m.start, background)
            and re.search(r"(?i)\b(?:in|inside|into|on)\s+(?:[\w-]+\s+){0,2}$", s[max(0, m.start - 30) : m.start])
        ]
        if targets:
            notes.append(f"target: the place acted upon ('{targets[0].words}')")
    made = []

    def add(src, tgt, knd, src_words, tgt_words, conf=1.0, extra=()):
        made.append(
            Candidate(
                number,
                sent.start,
                sent.end,
                s,
                src,
                tgt,
                knd,
                trig.words + (f" (+ '{refine}')" if refine else ""),
                trig.start,
                src_words,
                tgt_words,
                conf,
                notes=list(notes) + list(extra),
            )
        )

    src_words = " + ".join(dict.fromkeys(m.words for m in group))
    conf = 0.8 if any(m.kind == "anaphor" for m in group) else 1.0
    if any(m.kind == "anaphor" for m in group):
        notes.append(f"'{group[0].words}' read as {group[0].iso3}, the country last named before it")
    kinds = [(kind, "")]
    if trig.kind == "pledge_cooperation":
        end = min([b[0] for b in background if b[0] > trig.end] + [len(s)])
        kinds = _pledge_kinds(s, trig.end, end)
        targets = [
            m for m in mentions if trig.end <= m.start and m.iso3 not in sources and not _inside(m.start, background)
        ]
    if targets:
        chosen = [targets[0]]
        for m in targets[1:]:  # "defended Iraq and Libya"
            joined = m.start == chosen[-1].start or re.fullmatch(
                r"\s*(?:,|and|,\s*and)\s*", s[chosen[-1].end : m.start]
            )
            if joined and m.iso3 not in {c.iso3 for c in chosen}:
                chosen.append(m)
        for src in sources:
            for target in chosen:
                for knd, topic in kinds:
                    add(src, target.iso3, knd, src_words, target.words, conf, [f"pledge on '{topic}'"] if topic else [])
    elif len(sources) >= 2:
        for src in sources:
            for tgt in sources:
                if src != tgt:
                    for knd, topic in kinds:
                        add(
                            src,
                            tgt,
                            knd,
                            src_words,
                            src_words,
                            conf,
                            ["a joint act, coded once for each side"] + ([f"pledge on '{topic}'"] if topic else []),
                        )
    elif kind in _REACTION and (anaphoric := _ANAPHORIC_EVENT.match(s[trig.end :])) and previous:
        violent_before = [c for c in previous if c.violent]
        if not violent_before:
            return None
        event = violent_before[-1]
        other = event.target if event.source == sources[0] else event.source
        if other == sources[0]:
            return None
        reason = f"aimed at '{anaphoric.group(0).strip()}', the {event.kind} of the sentence before"
        if event.confidence < 1:
            reason += ", an act not of a state: aimed at its authors rather than at the state, hence the same reduced confidence"
        add(sources[0], other, kind, src_words, f"(the {event.kind})", min(conf, event.confidence), [reason])
        made[-1].date, made[-1].date_words = event.date, event.date_words
        made[-1].date_basis = "that of the event reacted to (the sentence gives none)"
    else:
        return None
    if kind in _MEETING or trig.kind == "visit":
        places = [
            m
            for m in mentions
            if re.search(r"\b(?:in|to)\s+$", s[max(0, m.start - 4) : m.start]) and m.kind in ("capital", "name")
        ]
        for event in [e for e in made if e.kind in _MEETING | {"visit"}]:
            if len(sources) != 1:
                break
            for place in places:
                if trig.kind == "visit" and place.iso3 == event.target:
                    add(
                        event.target,
                        event.source,
                        "host_visit",
                        place.words,
                        src_words,
                        conf,
                        [f"hosts the visit ('{place.words}')"],
                    )
                elif place.iso3 == event.target:
                    add(
                        event.source,
                        event.target,
                        "visit",
                        src_words,
                        place.words,
                        conf,
                        [f"the meeting took place in '{place.words}'"],
                    )
                    add(
                        event.target,
                        event.source,
                        "host_visit",
                        place.words,
                        src_words,
                        conf,
                        [f"the meeting took place in '{place.words}'"],
                    )
                elif place.iso3 == event.source:
                    add(
                        event.target,
                        event.source,
                        "visit",
                        event.target_words,
                        place.words,
                        conf,
                        [f"the meeting took place in '{place.words}'"],
                    )
                    add(
                        event.source,
                        event.target,
                        "host_visit",
                        place.words,
                        event.target_words,
                        conf,
                        [f"the meeting took place in '{place.words}'"],
                    )
                break
            break
    return group, non_state, made


_MUST = re.compile(
    r"\b(?:said|says|declared|reiterated|insisted|stated|added|warned|told \w+)\b"
    r"(?:\s+(?:on\s+)?\w+day|\s+today|\s+yesterday)?\s+(?:that\s+)?(?P<obj>[^,;]{0,80}?)\bmust\b"
)


def _must(s, sent, number, mentions, background, consumed) -> list[Candidate]:
    """ "X said that Y must ...": a demand by X on Y (what Y must do is not coded)."""
    match = _MUST.search(s)
    if not match or _inside(match.start(), background):
        return []
    lo, _ = _left_bound(s, match.start())
    group, non_state = _subject(s, mentions, lo, match.start())
    targets = [m for m in mentions if match.start("obj") <= m.start < match.end("obj") and m.iso3 not in _codes(group)]
    if not group or non_state or not targets:
        return []
    end = _right_bound(s, match.end(), verbal=True)
    consumed.append((match.start("obj"), end))
    words = " + ".join(dict.fromkeys(m.words for m in group))
    return [
        Candidate(
            number,
            sent.start,
            sent.end,
            s,
            src,
            targets[0].iso3,
            "demand",
            "must",
            match.end() - 4,
            words,
            targets[0].words,
            notes=[f"'{targets[0].words} must ...' said by '{words}': a demand"],
        )
        for src in _codes(group)
    ]


def _non_state(s, sent, number, trig, kind, group, non_state, mentions, target_pool, refine):
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
    nationality = _codes(group)
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


def _merge(made: list[Candidate]) -> list[Candidate]:
    """One event per (source, target, kind) in a sentence; uses of force between the same
    pair merge into the most specific kind named."""
    out: list[Candidate] = []
    for cand in made:
        twin = next(
            (
                c
                for c in out
                if (c.source, c.target) == (cand.source, cand.target)
                and (c.kind == cand.kind or (c.violent and cand.violent))
            ),
            None,
        )
        if twin is None:
            out.append(cand)
            continue
        if cand.violent and cand.kind != twin.kind:
            rank = {k: i for i, k in enumerate(SPECIFIC_FORCE)}
            if rank.get(cand.kind, 99) < rank.get(twin.kind, 99):
                twin.kind = cand.kind
            twin.trigger += f"; {cand.trigger}"
        twin.confidence = min(twin.confidence, cand.confidence)
    return out


def _drop_repeats(made: list[Candidate], story: list[Candidate]) -> list[Candidate]:
    """An act of force mentioned again ("Iran's strikes on Pakistan drew criticism") is the
    same act, not a new one, unless the later sentence dates it differently: its counts go to
    the first mention, and the first mention's description says where it was repeated."""
    kept = []
    for cand in made:
        first = next(
            (
                e
                for e in story
                if e.violent
                and cand.violent
                and (e.source, e.target) == (cand.source, cand.target)
                and (e.date == cand.date or cand.date_basis.startswith("publication date"))
            ),
            None,
        )
        if first is None:
            kept.append(cand)
            continue
        first.killed, first.injured = max(first.killed, cand.killed), max(first.injured, cand.injured)
        first.notes.append(f"mentioned again in sentence {cand.sentence + 1} ('{cand.trigger}'), not coded twice")
    return kept


def _attach_counts(s, made, background, previous) -> None:
    counts = [c for c in find_counts(s) if not _inside(c.start, background)]
    violent = [c for c in made if c.violent]
    prior = [c for c in previous if c.violent and not (c.killed or c.injured)]
    for count in counts:
        # Only an act of force in the same clause owns the count (nothing between them
        # that starts another clause); else the act of the sentence before, if any.
        same = [
            c for c in violent if not _RIGHT.search(s, min(c.trigger_at, count.start), max(c.trigger_at, count.start))
        ]
        if same:
            event = min(same, key=lambda c: (count.start < c.trigger_at, abs(count.start - c.trigger_at)))
            note = ""
        else:
            if not prior or any(c.trigger_at < count.start for c in violent):
                continue
            event = prior[-1]
            note = "counts from the next sentence"
        value = max(getattr(event, count.field), count.value)
        setattr(event, count.field, value)
        event.notes.append(
            f"{count.field} {count.value} ('{count.words.strip()}')"
            + (" as a lower bound" if count.lower_bound else "")
            + (f", {note}" if note else "")
        )


def _attach_dates(s, made, background, published, previous, story) -> None:
    dates = [d for d in find_dates(s, published=published) if not _inside(d.start, background)]
    for event in made:
        if event.date is not None:
            continue
        if dates:
            best = min(dates, key=lambda d: abs(d.start - event.trigger_at))
            event.date, event.date_words, event.date_basis = best.date, best.words, best.basis
            if best.basis != "absolute":
                event.date_basis += " to the publication date"
            if best.date > published:
                event.notes.append("date after the publication date")
        elif _RETALIATION.match(s) and [c for c in story if c.violent]:
            answered = [c for c in story if c.violent][-1]
            event.date, event.date_words = answered.date, answered.date_words
            event.date_basis = "the sentence gives none: that of the act it answers, the earliest it can be"
        else:
            event.date, event.date_basis = published, "publication date (the sentence gives none)"
