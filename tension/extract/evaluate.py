"""Per-field precision and recall of the event coder against gold codes.

The unit of comparison is a sentence (a PLOVER gold record, or one sentence of a story
coded by hand). In each unit the coder's events and the gold events are reduced, per
field, to a set of values, and the counts are summed over all units (micro average):

=============  ==========================================================================
field          values compared in one unit
=============  ==========================================================================
actors         the countries that are source or target of some event
direction      the (source, target) pairs, as a multiset (a joint act counts once per side)
sign           hostile or cooperative (the sign of the kind's default weight)
kind           the kind (the seed story); the PLOVER category of the kind (PLOVER records)
date           the dates (the seed story only: PLOVER's gold dates are placeholders)
casualties     the non-zero ("killed", n) and ("injured", n) values
=============  ==========================================================================

precision = matched / coded values, recall = matched / gold values. A unit the coder
leaves empty adds to the gold count only, so recall also measures events missed; values
coded in units without gold events (invented) add to the coded count only.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["FIELDS", "KIND_CATEGORY", "plover_gold", "code_plover", "score_units", "seed_units", "evaluate_plover"]

FIELDS = ["actors", "direction", "sign", "kind", "date", "casualties"]

#: The PLOVER category each kind of :func:`tension.kinds` falls in, by its CAMEO root
#: (PLOVER's own crosswalk), for comparing kinds with PLOVER records. PLOVER 0.5, the
#: version of the gold records, puts accusations under DISAPPROVE and appeals under DEMAND.
_ROOT_CATEGORY = {
    "02": "DEMAND",
    "03": "AGREE",
    "04": "CONSULT",
    "05": "SUPPORT",
    "06": "COOPERATE",
    "07": "AID",
    "08": "CONCEDE",
    "09": "INVESTIGATE",
    "10": "DEMAND",
    "11": "DISAPPROVE",
    "12": "REJECT",
    "13": "THREATEN",
    "14": "PROTEST",
    "15": "MOBILIZE",
    "16": "SANCTION",
    "17": "COERCE",
    "18": "ASSAULT",
    "19": "FIGHT",
    "20": "ASSAULT",
}
_SAME_CATEGORY = {"RETREAT": "CONCEDE", "ACCUSE": "DISAPPROVE"}


def _kind_category() -> dict[str, str]:
    from ..taxonomy import kinds

    table = kinds()
    out = {}
    for kind, cameo in zip(table["kind"], table["cameo"], strict=True):
        if kind == "agreement":
            out[kind] = "AGREE"
        elif cameo[:2] in _ROOT_CATEGORY:
            out[kind] = _ROOT_CATEGORY[cameo[:2]]
    return out


KIND_CATEGORY = _kind_category()


def _sign(kind: str) -> str:
    from ..taxonomy import kinds

    weights = dict(zip(kinds()["kind"], kinds()["weight"], strict=True))
    weight = weights[kind]
    return "hostile" if weight > 0 else "cooperative" if weight < 0 else "neutral"


def _actor_codes(value, fixes, valid) -> tuple:
    """ISO3 codes of a PLOVER actor field (a list of {"code": ...}); others left out."""
    value = value if isinstance(value, list) else []
    out = [fixes.get(a.get("code"), a.get("code")) for a in value if isinstance(a, dict)]
    return tuple(dict.fromkeys(c for c in out if c in valid))


def plover_gold(path) -> pd.DataFrame:
    """PLOVER gold-standard records as one row per record with its gold codes.

    Parameters
    ----------
    path : str or Path
        The PLOVER gold-standard JSON file (``PLOVER_GSR_CAMEO.txt``).

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``text``, ``category`` (PLOVER event), ``sign`` (of the category's
        default kind in :data:`tension.io.PLOVER_KINDS`), ``sources``, ``targets`` (tuples
        of ISO3 country codes; IGO, NGO and the like left out; JAP and ITL read as JPN and
        ITA), ``killed``, ``injured``. The DOCUMENT record is left out.
    """
    from ..countries import country_codes
    from ..io.plover import PLOVER_CODE_FIXES, PLOVER_KINDS

    valid = country_codes()
    rows = []
    for record in json.loads(Path(path).read_text(encoding="utf-8")):
        if record.get("event") == "DOCUMENT" or not record.get("text"):
            continue

        category = record["event"]
        sources, targets = (_actor_codes(record.get(f), PLOVER_CODE_FIXES, valid) for f in ("source", "target"))
        rows.append(
            {
                "id": record["id"],
                "text": record["text"],
                "category": category,
                "sign": _sign(PLOVER_KINDS[category][0]),
                "sources": sources,
                "targets": targets,
                "killed": int(record.get("dead") or 0),
                "injured": int(record.get("injured") or 0),
            }
        )
    return pd.DataFrame(rows)


def _gold_unit(row) -> dict[str, Counter]:
    sources, targets = list(row.sources), [t for t in row.targets]
    if targets:
        pairs = [(s, t) for s in sources for t in targets if s != t]
    else:  # a compound actor (SRC/TAR): each side to the other
        pairs = [(s, t) for s in sources for t in sources if s != t]
    casualties = {("killed", row.killed)} - {("killed", 0)} | {("injured", row.injured)} - {("injured", 0)}
    return {
        "actors": Counter(set(sources) | set(targets)),
        "direction": Counter(pairs),
        "sign": Counter({row.sign}),
        "kind": Counter({row.category}),
        "date": Counter(),
        "casualties": Counter(casualties),
    }


def _coded_unit(frame: pd.DataFrame, *, category: bool, dates: bool) -> dict[str, Counter]:
    kinds = [KIND_CATEGORY.get(k, k) for k in frame["kind"]] if category else list(frame["kind"])
    if category:
        kinds = [_SAME_CATEGORY.get(k, k) for k in kinds]
    casualties = set()
    if len(frame):
        casualties = {("killed", int(frame["killed"].max())), ("injured", int(frame["injured"].max()))}
        casualties -= {("killed", 0), ("injured", 0)}
    return {
        "actors": Counter(set(frame["source"]) | set(frame["target"])),
        "direction": Counter(zip(frame["source"], frame["target"], strict=True)),
        "sign": Counter({_sign(k) for k in frame["kind"]}),
        "kind": Counter(set(kinds)),
        "date": Counter({pd.Timestamp(d).date() for d in frame["date"]}) if dates else Counter(),
        "casualties": Counter(casualties),
    }


def score_units(pairs) -> pd.DataFrame:
    """Precision and recall per field from (coded, gold) unit pairs (see the module doc).

    Parameters
    ----------
    pairs : iterable of (dict field -> Counter, dict field -> Counter)

    Returns
    -------
    pandas.DataFrame
        Index :data:`FIELDS`; columns ``coded``, ``gold``, ``matched``, ``precision``,
        ``recall`` (NaN where nothing was coded or nothing is gold).

    Examples
    --------
    >>> from collections import Counter
    >>> coded = {f: Counter() for f in FIELDS} | {"sign": Counter({"hostile"})}
    >>> gold = {f: Counter() for f in FIELDS} | {"sign": Counter({"hostile"}), "kind": Counter({"FIGHT"})}
    >>> score_units([(coded, gold)]).loc[["sign", "kind"], ["precision", "recall"]]
           precision  recall
    sign         1.0     1.0
    kind         NaN     0.0
    """
    totals = {f: [0, 0, 0] for f in FIELDS}
    for coded, gold in pairs:
        for f in FIELDS:
            totals[f][0] += sum(coded[f].values())
            totals[f][1] += sum(gold[f].values())
            totals[f][2] += sum((coded[f] & gold[f]).values())
    table = pd.DataFrame(totals, index=["coded", "gold", "matched"]).T
    with np.errstate(invalid="ignore", divide="ignore"):
        table["precision"] = np.where(
            table["coded"] > 0, table["matched"] / table["coded"].where(table["coded"] > 0), np.nan
        )
        table["recall"] = np.where(table["gold"] > 0, table["matched"] / table["gold"].where(table["gold"] > 0), np.nan)
    return table


def code_plover(gold: pd.DataFrame) -> list[pd.DataFrame]:
    """The coder's events for each PLOVER record, in the order of ``gold`` (placeholder
    publication date 2000-01-01: PLOVER records carry none). Records are not keyed by
    ``id``: the gold file uses one id (COERCE-0004) for two records."""
    from . import events

    return [events(text, published="2000-01-01") for text in gold["text"]]


def evaluate_plover(gold: pd.DataFrame, coded: list[pd.DataFrame] | None = None) -> pd.DataFrame:
    """Per-field precision and recall on PLOVER gold records (see the module doc).

    Only records whose gold event is between two countries count as gold: that is the
    coder's scope. Events coded on the other records count as coded (invented).
    The ``date`` row is empty: PLOVER's gold dates are placeholders.
    """
    coded = code_plover(gold) if coded is None else coded
    pairs = []
    for row, frame in zip(gold.itertuples(), coded, strict=True):
        mine = _coded_unit(frame, category=True, dates=False)
        theirs = _gold_unit(row)
        if not theirs["direction"]:
            theirs = {f: Counter() for f in FIELDS}
        pairs.append((mine, theirs))
    return score_units(pairs)


def seed_units(coded: pd.DataFrame, gold: pd.DataFrame, story: str):
    """(coded, gold) unit pairs for one story coded by hand, one per sentence.

    ``coded`` is :func:`tension.extract.events` of ``story``; ``gold`` the hand-coded
    events with an ``evidence`` column. A gold row belongs to the sentence that contains
    the opening of its evidence (the text before any "[...]"). Pass the result to
    :func:`score_units`.
    """
    from .text import sentences

    units = []
    for sent in sentences(story):
        mine = coded[(coded["start"] == sent.start)]
        head = [e.split("[...]")[0].strip()[:60] for e in gold["evidence"]]
        theirs = gold[[bool(h) and h in sent.text for h in head]]
        gold_unit = _coded_unit(theirs, category=False, dates=True)
        coded_unit = _coded_unit(mine, category=False, dates=True)
        units.append((coded_unit, gold_unit))
    return units
