"""From a story to candidate events: the rules, sentence by sentence.

For each sentence the coder finds country mentions, triggers, dates and casualty counts,
then for each trigger outside a background phrase ("following ...", "amid ...") it
looks for the agent to the left of the trigger in its clause (not inside a prepositional
phrase; the "by" phrase of a passive) and the country acted upon to the right (the object,
a "with"/"against"/"on" phrase, or the place: "in Pakistan's Baluchistan province").
Every choice it makes is written into the event's ``description``.

This module holds the loop over sentences (country mentions, "both countries", "the
Foreign Office"; background phrases; "X said that Y must ..."), then the merging of a
sentence's events and the attachment of counts and dates. One trigger is coded in
:mod:`tension.extract._act`; clause bounds, the agent and the candidate record are in
:mod:`tension.extract._clause`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from ._act import code_trigger
from ._clause import (
    RIGHT,
    SPECIFIC_FORCE,
    VIOLENT,
    Candidate,
    codes,
    inside,
    left_bound,
    right_bound,
    subject,
)
from .actors import Mention, find_countries, learn_people
from .counts import find_counts
from .dates import dateline_end, find_dates
from .text import sentences
from .triggers import find_triggers

__all__ = ["code_story", "Candidate", "VIOLENT", "SPECIFIC_FORCE"]

_BACKGROUND = re.compile(
    r"\b(?:following|after|amid|during|since|in response to|in retaliation for|due to|because of|despite|ahead of|in the wake of)\b(?:[^,;.]|\.(?!\s*$))*",
    re.IGNORECASE,
)
_BOTH = re.compile(
    r"\b(?:[Bb]oth (?:countries|sides|nations|governments|neighbou?rs)|[Tt]he two (?:countries|sides|nations|governments|neighbou?rs))\b"
)
_INSTITUTION = re.compile(
    r"\b[Tt]he (?:Foreign Office|[Ff]oreign [Mm]inistry|[Mm]inistry of [Ff]oreign [Aa]ffairs|[Ff]oreign [Mm]inister|army|military|armed forces|government|[Pp]rime [Mm]inister|[Pp]resident)\b"
)
# A participle (present or past: "ties severed in 2016") or a relative pronoun: the start
# of another act's clause.
_OTHER_VERB = re.compile(
    r"\b(?!(?:during|including|following|according|regarding|concerning|excluding|morning|evening|"
    r"building|meeting|ceiling|thing|something|nothing|anything|everything|king|spring|ring|wing|"
    r"united|hundred|need|speed|seed|feed|shed|sacred|naked|wicked|embed|armed|based|related|limited|"
    r"advanced|detailed|alleged|so-called|red|bed)\b)"
    r"(?:\w{3,}ing|\w{3,}ed|held|made|built|sent|taken|given|fought|begun|who|whom|whose|which|that)\b",
    re.IGNORECASE,
)
_MEDIATOR = re.compile(
    r"\b(?:brokered|mediated|hosted|facilitated|sponsored|arranged|organi[sz]ed|convened|chaired)\s+by\s+(?:the\s+)?"
    r"|\b(?:through|under|with)\s+the\s+mediation\s+of\s+(?:the\s+)?",
    re.IGNORECASE,
)
_RETALIATION = re.compile(r"^\s*(?:In (?:retaliation|response|return)|Retaliating|Responding)\b", re.IGNORECASE)


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
        mentions = [m for m in find_countries(s, people) if m.start >= dateline_end(s)]  # not "CUCUTA, Colombia, ..."
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
        # "in a deal brokered by China", "U.S.-brokered": a mediator, not a party to the act
        mediators = [m.end() for m in _MEDIATOR.finditer(s)]
        mentions = [m for m in mentions if m.start not in mediators and not m.words.endswith("-brokered")]
        background = [m.span() for m in _BACKGROUND.finditer(s)]
        triggers = [t for t in find_triggers(s) if not inside(t.start, background)]
        consumed: list[tuple[int, int]] = []
        made: list[Candidate] = _must(s, sent, number, mentions, background, consumed)
        last_group: list[Mention] = []
        last_non_state = ""
        for trig in triggers:
            if inside(trig.start, consumed):
                continue
            made_here = code_trigger(
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
        made = _attach_dates(s, made, background, published, previous, out)
        made = _drop_repeats(made, out)
        out += made
        if made:
            previous = made
        context += [m.iso3 for m in mentions if m.kind != "both"]
    return out


_MUST = re.compile(
    r"\b(?:said|says|declared|reiterated|insisted|stated|added|warned|told \w+)\b"
    r"(?:\s+(?:on\s+)?\w+day|\s+today|\s+yesterday)?\s+(?:that\s+)?(?P<obj>[^,;]{0,80}?)\bmust\b"
)


def _must(s, sent, number, mentions, background, consumed) -> list[Candidate]:
    """ "X said that Y must ...": a demand by X on Y (what Y must do is not coded)."""
    match = _MUST.search(s)
    if not match or inside(match.start(), background):
        return []
    lo, _ = left_bound(s, match.start())
    group, non_state = subject(s, mentions, lo, match.start())
    targets = [m for m in mentions if match.start("obj") <= m.start < match.end("obj") and m.iso3 not in codes(group)]
    if not group or non_state or not targets:
        return []
    end = right_bound(s, match.end(), verbal=True)
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
        for src in codes(group)
    ]


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
    counts = [c for c in find_counts(s) if not inside(c.start, background)]
    violent = [c for c in made if c.violent]
    prior = [c for c in previous if c.violent and not (c.killed or c.injured)]
    for count in counts:
        # Only an act of force in the same clause owns the count (nothing between them
        # that starts another clause); else the act of the sentence before, if any.
        same = [
            c for c in violent if not RIGHT.search(s, min(c.trigger_at, count.start), max(c.trigger_at, count.start))
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


def _attach_dates(s, made, background, published, previous, story) -> list[Candidate]:
    """Date each event of a sentence; return the events kept.

    An event takes the date expression nearest its trigger within the trigger's own clause
    (so that "fired missiles on Wednesday, ... the strike that killed a general last Friday"
    is Wednesday's), else the nearest in the sentence outside background phrases. An exact
    day is the event's date, whatever its year. An act dated only by a period of the past
    ("in 2016", "in January 2016", "seven years ago", "in the 1998-2000 war", in its own clause;
    see :mod:`tension.extract.dates`) is background and is left out: no day can be given to it,
    and the publication day would put it years late."""
    dates = [
        d
        for d in find_dates(s, published=published)
        # "during the 1998-2000 war", "since 2015": the period is the phrase, not in it
        if not inside(d.start, background) or (d.basis == "period" and any(d.start == b[0] for b in background))
    ]
    kept = []
    for event in made:
        if event.date is not None:
            kept.append(event)
            continue
        lo, _ = left_bound(s, event.trigger_at)
        if re.search(r"\b(?:which|who|that)\s*$", s[:lo]) and "," in s[lo : event.trigger_at]:
            lo += s[lo : event.trigger_at].rindex(",")  # "Iran, which ... in 2016, condemned": a closed relative
        at_end = event.trigger_at + len(re.split(r" \(\+|; ", event.trigger)[0])
        hi = right_bound(s, at_end)
        # a date of the act's clause, with no other verb between them ("offered to hand
        # over the suspects of blowing up a plane in 1988": 1988 dates the bombing)
        own = [
            d
            for d in dates
            if lo <= d.start < hi
            and event.trigger != "must"  # "X said ... that Y must ...": the act is the saying
            and not _OTHER_VERB.search(
                s, *sorted((at_end, d.start) if d.start >= at_end else (d.end, event.trigger_at))
            )
        ]
        # a period outside the act's clause dates another act ("..., which cut ties in 2016")
        pool = own or [d for d in dates if d.basis != "period"]
        if pool:
            best = min(pool, key=lambda d: abs(d.start - event.trigger_at))
            if best.basis == "period":
                continue  # background: an act of an earlier period, not news of this day
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
        kept.append(event)
    return kept
