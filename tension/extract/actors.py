"""Countries named in a text: names, adjectives, capitals and metonyms to ISO 3166-1 alpha-3.

Names come from :mod:`pycountry` (its ``name``, ``official_name`` and ``common_name``, and
the part of a name before a comma, so "Iran, Islamic Republic of" gives "Iran").
Adjectives and demonyms ("Iranian"), capitals ("Islamabad") and metonyms ("the Kremlin")
come from ``tension/extract/data/actors.csv``, a documented table. Matching is case
sensitive (a country is a proper noun), longest phrase first, with a possessive "'s" allowed.
People are bound to a country when a story introduces them with one ("Iranian Foreign
Minister Hossein Amirabdollahian"), so that a later "Amirabdollahian met ..." is Iran.
"""

from __future__ import annotations

import csv
import functools
import re
from importlib import resources
from typing import NamedTuple

__all__ = ["Mention", "country_table", "find_countries", "learn_people", "NON_STATE", "TITLES"]

#: Words naming actors that are not states; an act whose agent is one of these is never
#: attributed to a state with full confidence.
NON_STATE = (
    r"gunm[ae]n|militants?|militiam[ae]n|militias?|insurgents?|rebels?|attackers?|assailants?|"
    r"terrorists?|separatists?|extremists?|guerrillas?|jihadists?|(?:suicide )?bombers?|"
    r"fighters?(?! (?:jets?|planes?|aircraft))|hijackers?|pirates?|kidnappers?|mob|protesters|demonstrators|group|"
    r"Jaish al-Adl|Taliban|Hamas|Hezbollah|Hizbollah|al-Qaeda|al-Qaida|Islamic State|ISIS|ISIL|"
    r"Boko Haram|al-Shabaab|Houthis?|IRA|PKK|FARC|Tamil Tigers|LTTE"
)

#: Title words that may stand between a country adjective and a person's name.
TITLES = {
    "foreign",
    "minister",
    "prime",
    "president",
    "vice",
    "deputy",
    "defence",
    "defense",
    "interior",
    "caretaker",
    "secretary",
    "state",
    "general",
    "gen.",
    "lt.",
    "col.",
    "chief",
    "army",
    "ambassador",
    "envoy",
    "counterpart",
    "his",
    "her",
    "their",
    "king",
    "queen",
    "crown",
    "prince",
    "supreme",
    "leader",
    "chancellor",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "premier",
    "finance",
    "trade",
    "commander",
    "admiral",
    "senior",
    "top",
    "former",
    "acting",
    "new",
    "opposition",
    "official",
    "diplomat",
    "lt",
    "gen",
    "col",
    "sheikh",
    "emir",
    "sultan",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "the",
    "an",
    "a",
    "national",
    "security",
    "adviser",
    "advisor",
    "of",
    "affairs",
    "external",
    "economy",
    "ministry",
}


class Mention(NamedTuple):
    """A country found in a sentence: span within the sentence, code, matched words, kind."""

    start: int
    end: int
    iso3: str
    words: str
    kind: str  # name, demonym, capital, metonym, person, both, anaphor


@functools.cache
def country_table() -> dict[str, tuple[str, str]]:
    """Phrase -> (ISO3, kind) for every phrase the coder recognises as a country.

    Examples
    --------
    >>> table = country_table()
    >>> table["Tehran"], table["Pakistani"], table["Iran"]
    (('IRN', 'capital'), ('PAK', 'demonym'), ('IRN', 'name'))
    """
    import pycountry

    table: dict[str, tuple[str, str]] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            for phrase in {value, value.split(",")[0].strip()}:
                if len(phrase) > 2:
                    table.setdefault(phrase, (country.alpha_3, "name"))
                    if phrase.startswith("the "):
                        table.setdefault(phrase[4:], (country.alpha_3, "name"))
    # Demonyms of names in -a follow the rule ("Gambia" -> "Gambian"); the table lists
    # the others and overrides these.
    for phrase, (code, kind) in list(table.items()):
        if kind == "name" and phrase.endswith("ia") and " " not in phrase:
            table.setdefault(phrase + "n", (code, "demonym"))
    # Names too ambiguous in English news to read as the country when the table lists
    # a more specific reading.
    for generic in ("Korea", "Congo", "Micronesia", "Virgin Islands", "Guinea"):
        table.pop(generic, None)
    text = resources.files("tension.extract").joinpath("data", "actors.csv").read_text("utf-8")
    for row in csv.DictReader(text.splitlines()):
        table[row["phrase"]] = (row["iso3"], row["kind"])
        # Plural demonyms name a country's people ("Palestinians", "Iraqis").
        if row["kind"] == "demonym" and not row["phrase"].endswith(("s", "sh", "ch", "ese", "'s")):
            table.setdefault(row["phrase"] + "s", (row["iso3"], "demonym"))
    return table


@functools.cache
def _pattern() -> re.Pattern:
    phrases = sorted(country_table(), key=len, reverse=True)
    alternation = "|".join(re.escape(p) for p in phrases)
    # "US-led" and "Iran-backed" name the country; "US $50 million" does not.
    return re.compile(
        rf"(?<![\w.-])(?:{alternation})(?:['’]s)?(?:-(?:led|backed|brokered|sponsored|based)\b|(?![\w-]|\s?\$))"
    )


def find_countries(sentence: str, people: dict[str, str] | None = None) -> list[Mention]:
    """Country mentions in one sentence, in order, including people bound to a country.

    Parameters
    ----------
    sentence : str
    people : dict or None
        Surname or full name -> ISO3 learnt from earlier sentences (see
        :func:`learn_people`).

    Examples
    --------
    >>> [(m.words, m.iso3) for m in find_countries("Tehran struck Pakistan's Baluchistan.")]
    [('Tehran', 'IRN'), ("Pakistan's", 'PAK')]
    """
    table = country_table()
    out = []
    for match in _pattern().finditer(sentence):
        phrase = re.sub(r"(?:['’]s)?(?:-\w+)?$", "", match.group(0))
        if phrase not in table:  # e.g. "Myanmar's" listed as such
            phrase = re.sub(r"-\w+$", "", match.group(0))
        iso3, kind = table[phrase]
        out.append(Mention(match.start(), match.end(), iso3, match.group(0), kind))
    if people:
        taken = [(m.start, m.end) for m in out]
        names = sorted(people, key=len, reverse=True)
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in names) + r")(?:['’]s)?(?![\w-])")
        for match in pattern.finditer(sentence):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            name = re.sub(r"['’]s$", "", match.group(0))
            if name in people:
                out.append(Mention(match.start(), match.end(), people[name], match.group(0), "person"))
    return sorted(out)


_NAME = re.compile(r"[A-Z][\w'’.-]*")


def learn_people(sentence: str, mentions: list[Mention], people: dict[str, str]) -> None:
    """Bind names introduced with a country ("Pakistani counterpart, Jalil Abbas Jilani").

    Updates ``people`` in place with the full name and the surname of each person whose
    name follows a country adjective or possessive and at least one title word.

    Examples
    --------
    >>> people = {}
    >>> text = "Iranian Foreign Minister Hossein Amirabdollahian arrived."
    >>> learn_people(text, find_countries(text), people)
    >>> people
    {'Hossein Amirabdollahian': 'IRN', 'Amirabdollahian': 'IRN'}
    """
    for mention in mentions:
        if mention.kind not in ("demonym", "name") and not mention.words.endswith(("'s", "’s")):
            continue
        rest = sentence[mention.end :]
        words = re.findall(r"[\w'’.-]+|,", rest)
        titles = 0
        name: list[str] = []
        for word in words:
            if not name and (word.lower() in TITLES or word == ","):
                titles += word != ","
                continue
            if _NAME.fullmatch(word) and word.lower() not in TITLES and word not in country_table():
                name.append(re.sub(r"['’]s?$", "", word.rstrip(".")))
                continue
            break
        if titles and name and len(name) <= 4 and any(len(w) > 3 for w in name):
            full = " ".join(name)
            people.setdefault(full, mention.iso3)
            if len(name[-1]) > 3:
                people.setdefault(name[-1], mention.iso3)
