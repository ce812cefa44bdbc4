"""One trigger of a sentence into candidate events (:mod:`tension.extract.core`).

A trigger is dropped when negated ("did not", "denied carrying out"), hedged ("plans to",
"could"; a hedged hostile act becomes a threat, a hedged cooperative one a pledge), the
purpose of another act, or a noun without a light verb or an agent. Its source is the
agent of its clause (the "by" phrase of a passive; the speaker of reported speech when the
reported act's subject is "it" or "they"); its target the country acted upon to the right
(or the place acted upon); a joint act is coded once for each side, a reaction to "the
attacks" is aimed at the other side of the act of force before it, and a meeting's place
makes a visit and its hosting. A joint subject without an object is coded once for each side
only for mutual acts (talks, agreements, pledges, restored or cut ties, clashes); "Germany
and Britain condemned the attack" is aimed at a third party and is not coded.

A verb that describes a noun is not an event of the sentence: a participle after a noun
("bases hosting U.S. troops") or a relative clause in the present ("the base, which hosts
U.S. troops") tells what a place or thing is, not what happened. A relative clause in the
past ("the strike that killed a general") is the act of its antecedent: of the country that
is the antecedent ("Qatar, which ...") or names it ("the U.S. drone strike that ..."); of the
act before it when the antecedent is that act ("strikes, which killed nine"); otherwise it
is not coded (it never borrows the subject of the sentence's other act).
"""

from __future__ import annotations

import re

from ._clause import (
    VIOLENT,
    Candidate,
    codes,
    first_verb,
    force_kind,
    inside,
    left_bound,
    non_state_act,
    pledge_kinds,
    right_bound,
    sign,
    subject,
)
from .triggers import Trigger

__all__ = ["code_trigger"]

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
_ANAPHORIC_EVENT = re.compile(
    r"^\s*(?:the|this|that|these|those|such)\s+(?:[\w-]+\s+){0,2}?(?:attacks?|strikes?|airstrikes?|killings?|incident|bombings?|raids?|assault|shelling|massacre|murders?)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"^\s*(?:(?:on\s+)?(?:\w+day|today|yesterday|tonight|that)\s+)*(?:it|they|he|she|its|their|the country|the government)\b",
    re.IGNORECASE,
)
_NOT_NOUN = (
    r"is|are|was|were|be|been|being|am|has|have|had|and|or|but|also|then|not|still|now|"
    r"it|they|he|she|we|who|which|that|to|of|in|on|at|by|with|from|for|the|a|an|"
    r"\w+ly|\w+day|today|yesterday|tonight|ago|after|before|about|without|while|when|since|into|against|"
    # verbs that take a gerund: "resume shelling" is an act, not a description
    r"\w+ed|resumes?|continues?|starts?|begins?|began|begun|stops?|keeps?|kept|avoids?|risks?|considers?|"
    r"denies|deny|admits?|ends?|halts?|finish(?:es)?|go|goes|went"
)
# "bases hosting U.S. troops": a participle right after a noun (not after a comma, which
# makes it a consequence: "fired rockets, killing two").
_PARTICIPLE = re.compile(rf"(?<![,;:])\s(?!(?:{_NOT_NOUN})\s+$)[A-Za-z][\w.'’-]*\s+$", re.IGNORECASE)
_RELATIVE = re.compile(r"\b(?P<pronoun>which|who|that)\s*$", re.IGNORECASE)
_AUX_ONLY = re.compile(r"\s*(?:(?:has|have|had|is|are|was|were|also|then|later|reportedly|allegedly|\w+ly)\s+)*")
_EVENT_NOUN = re.compile(
    r"\b(?:attacks?|strikes?|airstrikes?|raids?|assault|shelling|offensive|operations?|bombings?|"
    r"explosions?|blasts?|clash(?:es)?|fighting|incursion|invasion)(?:\s+[\w.'’-]+){0,3}\W*$",
    re.IGNORECASE,
)
_PREPOSITION = re.compile(
    r"\b(?:on|in|at|of|to|into|against|with|from|near|by|for|over|inside|across|towards?)\s+(?:the\s+)?$|"
    r"\b(?:on|in|at|of|to|into|against|with|from|near|by|for|over|inside|across|towards?)\b(?=.*\S)",
    re.IGNORECASE,
)
# Acts that two parties do together, to each other: "X and Y held talks / agreed / restored
# ties / clashed" is one act for each side. Other acts of a joint subject with no object
# ("Germany and Britain condemned the attack", "Russia and China vetoed the resolution") are
# aimed at a third party and are not coded between the subjects.
_MUTUAL_KINDS = {
    "talks",
    "negotiation",
    "agreement",
    "ceasefire",
    "intelligence_sharing",
    "security_cooperation",
    "material_cooperation",
    "economic_cooperation",
}
_MUTUAL_WORDS = re.compile(
    r"\b(?:ties|relations|embass\w*|clash\w*|fought|gunbattle|exchang\w*|joint|jointly|together|bilateral|mutual)\b",
    re.IGNORECASE,
)


def _mutual(kind: str, words: str) -> bool:
    return kind in _MUTUAL_KINDS or kind.startswith("pledge") or bool(_MUTUAL_WORDS.search(words))


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


def code_trigger(
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
    lo, speech = left_bound(s, trig.start)
    region = s[lo : trig.start]
    hi = right_bound(s, trig.end, verbal=trig.kind in _REACTION | {"reject", "pledge_cooperation"})
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
        hostile = sign(trig.kind) == "hostile"
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
    if trig.pos == "v" and trig.words.split()[0].lower().endswith("ing") and _PARTICIPLE.search(s[: trig.start]):
        if earlier or re.search(r"\b\w+ed\b", region):
            return None  # "two Iraqi bases hosting U.S. troops": describes the bases
    relative = _RELATIVE.search(s[:lo]) if lo else None
    relative_agent: list = []
    if relative and _AUX_ONLY.fullmatch(region):
        head = trig.words.split()[0].lower()
        if head.endswith("ing") or (head.endswith("s") and not re.search(r"\b(?:has|have|had|was|were)\s", region)):
            return None  # "the base, which hosts U.S. troops": what it is, not what happened
        before = s[: relative.start()].rstrip(" ,")
        # the antecedent names a country: "Qatar, which", "the U.S. drone strike that"
        named = [
            m
            for m in mentions
            if m.end <= len(before)
            and re.fullmatch(r"[\s\w.'’-]{0,40}", s[m.end : len(before)])
            and len(s[m.end : len(before)].split()) <= 3
            and not _PREPOSITION.search(s[m.end : len(before)])
            and not _PREPOSITION.search(s[max(0, m.start - 12) : m.start])
        ]
        if named:
            relative_agent = [named[-1]]
        elif not (_EVENT_NOUN.search(before) and trig.kind in VIOLENT | {"ATTACK"}):
            return None  # the antecedent is a thing, not a country nor the act before
    participle = re.match(r"\w+(?:ed|en|struck|hit|shot|fought|held|met|freed|sent|seized|put)\b", trig.words)
    passive = bool(re.search(r"\b(?:was|were|been|being|is|are)\s+(?:\w+ly\s+)?$", region) and participle)
    if not passive and participle and trig.pos != "n":
        # a participle after a noun with its agent in a "by" phrase ("an officer killed by Serb
        # gunmen"): a passive without its auxiliary; "by" and a doing ("retaliated by striking
        # Iran") or a means ("by mistake") is not an agent
        agent_follows = re.match(r"\s+by\s+(?!\w+ing\b|mistake\b|accident\b|air\b|sea\b|land\b|\d)", s[trig.end :])
        noun_before = re.search(r"\b[a-z]\w*\s+$", s[: trig.start])  # "officer killed", not "Iran killed"
        named_before = any(m.end <= trig.start and not s[m.end : trig.start].strip() for m in mentions)
        passive = bool(agent_follows and noun_before and not named_before)
    notes: list[str] = []
    subject_hi = earlier[0].start if earlier else trig.start
    group, non_state = subject(s, mentions, lo, subject_hi)
    if relative and re.search(r"\S\s*,\s*(?:(?:on\s+)?\w+day\s+)?$", region):
        # "Syria, which borders Turkey, condemned Israel": the relative clause is closed,
        # the act is its antecedent's
        antecedent_lo, _ = left_bound(s, relative.start())
        group, non_state = subject(s, mentions, antecedent_lo, relative.start())
    pronoun = _PRONOUN.match(region)
    if pronoun and not speech and lo > 0:
        # "... and that its forces had shot down": the pronoun is the sentence's subject
        main, _ = subject(s, mentions, 0, min([t.start for t in triggers] + [first_verb(s)]))
        if main:
            group, non_state = main, ""
            notes.append(f"'{pronoun.group(0).strip()}' read as '{main[0].words}', the subject of the sentence")
    # The object may sit inside the trigger's words ("trained Syrian troops").
    first_word = trig.start + len(trig.words.split()[0])
    # a country named in a background phrase ("in retaliation for the strike that killed a
    # general in Baghdad") is not what this act acts upon
    target_pool = [m for m in mentions if first_word < m.start and m.end <= hi and not inside(m.start, background)]
    if passive:
        by = re.search(r"\bby\s+", s[trig.end : hi])
        if not by:
            return None
        at = trig.end + by.end()
        agent, non_state = subject(s, mentions, at, hi)
        object_side = [m for m in mentions if lo <= m.start and m.end <= trig.start]
        group, target_pool = agent, object_side + [m for m in target_pool if m.start < at]
    elif trig.pos == "n" and not group:
        by_after = re.match(r"\s+(?:of|by)\s+(?:the\s+)?", s[trig.end :])
        if by_after:
            group, non_state = subject(s, mentions, trig.end + by_after.end(), hi)
            target_pool = [m for m in target_pool if m not in group]
    if speech and pronoun:
        speaker_lo, _ = left_bound(s, lo - len(speech) - 1)
        speaker, _ = subject(s, mentions, speaker_lo, lo)
        if speaker:
            group, non_state = speaker, ""
            notes.append(
                f"the speaker ('{speaker[0].words}') is the actor: the reported act's subject is '{pronoun.group(0).strip()}'"
            )
    if relative_agent and not group:
        group, non_state = relative_agent, ""
        notes.append(f"relative clause: the act of its antecedent ('{relative_agent[0].words}')")
    if not group and not non_state:
        if speech and pronoun:
            speaker_lo, _ = left_bound(s, lo - len(speech) - 1)
            group, non_state = subject(s, mentions, speaker_lo, lo)
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
        kind, refine = force_kind(s, non_state, trig.words)
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
    sources = codes(group)
    if non_state and kind in VIOLENT:
        return non_state_act(s, sent, number, trig, kind, group, non_state, mentions, target_pool, refine)
    if non_state and not group:
        return None
    if not sources:
        return None
    targets = [m for m in target_pool if m.iso3 not in sources]
    if not targets and sign(kind) == "hostile" and kind not in _REACTION:
        # The place acted upon may come first: "In Pakistan's Baluchistan province, Iranian missiles struck".
        targets = [
            m
            for m in mentions
            if m.iso3 not in sources
            and not inside(m.start, background)
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
        kinds = pledge_kinds(s, trig.end, end)
        targets = [
            m for m in mentions if trig.end <= m.start and m.iso3 not in sources and not inside(m.start, background)
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
    elif len(sources) >= 2 and _mutual(kind, trig.words):
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
