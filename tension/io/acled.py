"""ACLED CSV exports to the event schema."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..countries import from_name
from ._report import ReadReport, check_errors, finish
from ._tables import add_problems, load_tables, parse_dates

__all__ = ["read_acled", "ACLED_KINDS", "ACLED_TYPE_KINDS", "ACLED_OLD_KINDS", "ACLED_OPERATIONS", "UNORDERED_TYPES"]

#: ACLED (event_type, sub_event_type) -> kind. ACLED has no conflict-cooperation score:
#: each sub-event type is mapped to the kind whose CAMEO definition it matches.
ACLED_KINDS = {
    ("Battles", "Armed clash"): "armed_clash",
    ("Battles", "Government regains territory"): "armed_clash",
    ("Battles", "Non-state actor overtakes territory"): "armed_clash",
    ("Explosions/Remote violence", "Air/drone strike"): "airstrike",
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"): "armed_clash",
    ("Explosions/Remote violence", "Chemical weapon"): "mass_violence",
    ("Explosions/Remote violence", "Suicide bomb"): "bombing",
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"): "bombing",
    ("Explosions/Remote violence", "Grenade"): "bombing",
    ("Violence against civilians", "Attack"): "armed_attack",
    ("Violence against civilians", "Sexual violence"): "armed_attack",
    ("Violence against civilians", "Abduction/forced disappearance"): "armed_attack",
    ("Protests", "Peaceful protest"): "protest",
    ("Protests", "Protest with intervention"): "protest",
    ("Protests", "Excessive force against protesters"): "coerce",
    ("Riots", "Violent demonstration"): "protest",
    ("Riots", "Mob violence"): "armed_attack",
    ("Strategic developments", "Agreement"): "agreement",
    ("Strategic developments", "Arrests"): "coerce",
    ("Strategic developments", "Looting/property destruction"): "coerce",
    ("Strategic developments", "Disrupted weapons use"): "military_posture",
    ("Strategic developments", "Headquarters or base established"): "military_posture",
    ("Strategic developments", "Non-violent transfer of territory"): "yield",
    ("Strategic developments", "Change to group/activity"): "public_statement",
    ("Strategic developments", "Other"): "public_statement",
}
#: Fallback by event_type alone, for sub-event types not in :data:`ACLED_KINDS`.
ACLED_TYPE_KINDS = {
    "Battles": "armed_clash",
    "Explosions/Remote violence": "bombing",
    "Violence against civilians": "armed_attack",
    "Protests": "protest",
    "Riots": "protest",
    "Strategic developments": "public_statement",
}
#: Event types of ACLED's layout before 2019 (no ``sub_event_type``), each mapped to
#: the kind of the 2019 type that replaced it: the three "Battle-…" types became
#: Battles; "Remote violence" became Explosions/Remote violence (bombing, the
#: fallback of that type; its air strikes and shelling weigh the same, -10 on the
#: Goldstein scale); "Riots/Protests" became Protests and Riots; "Headquarters or
#: base established" and "Non-violent transfer of territory" became sub-event types
#: of Strategic developments.
ACLED_OLD_KINDS = {
    "Battle-No change of territory": "armed_clash",
    "Battle-Government regains territory": "armed_clash",
    "Battle-Non-state actor overtakes territory": "armed_clash",
    "Battle-Non-state actors overtake territory": "armed_clash",
    "Remote violence": "bombing",
    "Riots/Protests": "protest",
    "Violence against civilians": "armed_attack",
    "Strategic development": "public_statement",
    "Headquarters or base established": "military_posture",
    "Non-violent transfer of territory": "yield",
}
#: Event types whose actor order says nothing about who acted on whom: ACLED lists the
#: two sides of a battle in no particular order. Their events get ``ordered=False``.
UNORDERED_TYPES = {
    "battles",
    "battle-no change of territory",
    "battle-government regains territory",
    "battle-non-state actor overtakes territory",
    "battle-non-state actors overtake territory",
}
#: Named military operations that ACLED codes as actors instead of the state forces
#: that run them, with the state that leads each: "Operation Restoring Hope" is ACLED's
#: actor for the Saudi-led coalition in Yemen (attributed to Saudi Arabia, which leads
#: it), "Operation Peace Spring", "Operation Olive Branch" and "Operation Euphrates
#: Shield" are Turkey's operations in northern Syria. Their events get
#: ``source_from="operation"`` (or ``target_from``).
ACLED_OPERATIONS = {
    "Operation Restoring Hope": "SAU",
    "Operation Peace Spring": "TUR",
    "Operation Olive Branch": "TUR",
    "Operation Euphrates Shield": "TUR",
}
_REQUIRED = ("event_date", "event_type", "actor1", "actor2", "country", "fatalities")
#: Old column names -> current ones.
_RENAMED = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}
_STATE = r"^\s*(?:(?:Military|Police) Forces of|Government of)\s+(?P<country>.+?)\s*(?:\(\d{4}-(?:\d{4})?\).*)?$"
_CIVILIANS = r"^\s*Civilians \((?P<country>[^)]+)\)\s*$"


def _key(text: str) -> str:
    """An event type as a lookup key: lower case, single spaces, no spaces around "-"."""
    return " ".join(str(text).split()).replace(" - ", "-").replace("- ", "-").replace(" -", "-").casefold()


_KINDS = {(_key(a), _key(b)): kind for (a, b), kind in ACLED_KINDS.items()}
_TYPE_KINDS = {_key(a): kind for a, kind in ACLED_TYPE_KINDS.items()} | {_key(a): k for a, k in ACLED_OLD_KINDS.items()}


def _canonical(name: str) -> str:
    key = "_".join(name.strip().lower().split())
    return _RENAMED.get(key, key)


def _country(actors: pd.Series, pattern: str) -> tuple[np.ndarray, np.ndarray]:
    """The country named in each actor label ("" if the label has none, "?" if the
    name is not a known country) and the name as written (each label read once)."""
    codes, labels = _distinct(actors)
    names = pd.Series(labels, dtype=object).str.extract(pattern)["country"]
    iso = from_name(names.fillna(""))
    return np.where(names.isna().to_numpy(), "", iso)[codes], names.fillna("").to_numpy(dtype=object)[codes]


def _distinct(values: pd.Series) -> tuple[np.ndarray, list]:
    """``(codes, uniques)`` of a text column: ``uniques[codes]`` are the values."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes, list(uniques)


def _state(actors: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The state of each actor label (state forces, or a named operation of
    :data:`ACLED_OPERATIONS`), the name as written, and whether it was an operation."""
    iso, names = _country(actors, _STATE)
    operation = actors.str.strip().map(ACLED_OPERATIONS).fillna("").to_numpy(dtype=object)
    is_operation = (iso == "") & (operation != "")
    return np.where(is_operation, operation, iso), np.where(is_operation, actors, names), is_operation


def read_acled(
    path_or_paths, *, errors: str = "report", encoding: str = "utf-8", dayfirst: bool | None = None
) -> pd.DataFrame:
    """Read ACLED CSV exports into the event schema.

    Parameters
    ----------
    path_or_paths : str, path, glob pattern, list of them, or DataFrame
        ACLED exports with columns ``event_date``, ``event_type``, ``actor1``,
        ``actor2``, ``country``, ``fatalities`` and, since 2019, ``sub_event_type``
        (``event_id_cnty``, ``notes``, … are kept). Column names are matched ignoring
        case, so the upper-case files of ACLED's early years (``EVENT_DATE``,
        ``ACTOR1``, ``ALLY_ACTOR_1``) read too. Plain, ``.gz`` or a one-file ``.zip``.
    errors : {"report", "raise"}, default "report"
        Malformed records (a wrong number of fields, a record cut off, a bad date or
        fatality count, an empty country) are skipped and reported with file and line,
        or raise :class:`tension.io.ReadError` at the first.
    encoding : str, default "utf-8"
        The files' text encoding; a byte that is not valid in it is a
        :class:`tension.io.ReadError` naming file and line.
    dayfirst : bool, optional
        For numeric dates such as ``01/02/2020`` (a spreadsheet re-save): the order of
        day and month, for the whole column. By default the values decide (a part over
        12 is the day, unless it may be a two-digit year first: ``24/01/17``); a column
        they do not decide is an error asking for this. A reader has no year-first rule:
        write such dates as YYYY-MM-DD. Dates
        with month names ("9-May-20", "21 March 2020") and ISO dates need nothing. An
        ``event_date`` whose year differs from the record's ``year`` is malformed.

    Returns
    -------
    pandas.DataFrame
        The event schema, one row per kept record: ``kind`` from :data:`ACLED_KINDS`
        (or :data:`ACLED_OLD_KINDS` for the pre-2019 event types), ``killed`` from
        ``fatalities``, ``confidence`` (see Notes), ``description`` (``notes``), plus
        ``acled_id``, ``actor1``, ``actor2``, ``event_type``, ``sub_event_type``,
        ``location_country``, ``source_from`` (actor1, actor2 or operation),
        ``target_from`` (actor2, operation, civilians or location), ``ordered``, ``file``,
        ``line``. ``attrs["report"]`` is a :class:`tension.io.ReadReport`; its
        ``unmapped`` lists the country names found in actor labels that are not
        countries (e.g. "Artsakh"), with counts.

    Notes
    -----
    ACLED codes actors, not countries. Actors are mapped to a country only where the
    data says which state they belong to ("Military Forces of Iran (1989-)", "Police
    Forces of the Philippines (2016-)", "Government of …", with or without the years,
    or a named operation of :data:`ACLED_OPERATIONS` such as "Operation Restoring Hope"):

    - ``source`` is the state of ``actor1``. In a battle, whose two sides ACLED lists
      in no particular order, a state ``actor2`` facing a non-state ``actor1`` is the
      source instead (``source_from="actor2"``). Records with no state actor are
      skipped and counted ("no state actor").
    - ``target`` is the state of the other actor (confidence 1); else the nationality
      of civilians ("Civilians (Pakistan)", confidence 1; "Civilians (International)"
      names none); else the country where the
      event happened, if it differs from the source (an act on the other's soil,
      confidence 0.5). ``target_from`` says which rule applied. Otherwise the record is
      domestic and skipped ("no second country").

    **ACLED's actor order is not attacker -> target.** For battles the order is
    arbitrary, so their events carry ``ordered=False`` and scoring them with
    ``directed=True`` is refused (:func:`tension.io.check_direction`); score them
    undirected, or drop them (``events[events["ordered"]]``) first. For one-sided
    violence (remote violence, violence against civilians) actor1 is the perpetrator,
    and ``ordered`` is True.

    Examples
    --------
    >>> import pandas as pd
    >>> from tension.io import read_acled
    >>> raw = pd.DataFrame({"event_date": ["2024-01-16"], "event_type": ["Explosions/Remote violence"],
    ...     "sub_event_type": ["Air/drone strike"], "actor1": ["Military Forces of Iran (1989-)"],
    ...     "actor2": ["Civilians (Pakistan)"], "country": ["Pakistan"], "fatalities": ["2"]})
    >>> read_acled(raw)[["source", "target", "kind", "killed", "target_from", "ordered"]]
      source target       kind  killed target_from  ordered
    0    IRN    PAK  airstrike       2   civilians     True
    """
    check_errors(errors)
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise TypeError(f"dayfirst must be True, False or None, not {dayfirst!r}")
    files, frame, problems = load_tables(
        path_or_paths, sep=",", required=_REQUIRED, what="an ACLED export", encoding=encoding, canonical=_canonical
    )
    report = ReadReport("read_acled", files, rows=len(frame))
    add_problems(report, problems, errors)
    if "sub_event_type" not in frame:
        frame["sub_event_type"] = ""
    for column in ("event_type", "sub_event_type", "actor1", "actor2", "country", "fatalities", "event_date"):
        frame[column] = frame[column].astype(str).str.strip()
    date = parse_dates(frame["event_date"], column="event_date", dayfirst=dayfirst, by=frame["file"])
    year = pd.to_numeric(frame["year"], errors="coerce") if "year" in frame else pd.Series(np.nan, index=frame.index)
    fatalities = pd.to_numeric(frame["fatalities"], errors="coerce")
    # event types and their pairs with sub-event types: each distinct one read once
    type_codes, type_names = _distinct(frame["event_type"])
    sub_codes, sub_names = _distinct(frame["sub_event_type"])
    type_keys, sub_keys = [_key(t) for t in type_names], [_key(t) for t in sub_names]
    pair_codes, pairs = pd.factorize(type_codes.astype(np.int64) * len(sub_names) + sub_codes)
    pairs = [divmod(p, len(sub_names)) for p in pairs.tolist()]  # (type, sub-event type) of each pair
    kinds = [_KINDS.get((type_keys[t], sub_keys[u]), _TYPE_KINDS.get(type_keys[t], "")) for t, u in pairs]
    kind = pd.Series(np.asarray(kinds, dtype=object)[pair_codes], index=frame.index)
    why = np.full(len(frame), "", dtype=object)
    checks = [
        (date.isna().to_numpy(), "event_date is not a date", "event_date"),
        (
            (date.dt.year != year).to_numpy() & year.notna().to_numpy() & date.notna().to_numpy(),
            "event_date is not in the year of the record's year column",
            "event_date",
        ),
        ((frame["fatalities"] == "").to_numpy(), "fatalities is empty (a record cut off?)", "fatalities"),
        (
            ~((fatalities >= 0) & (fatalities == fatalities.round()) & (fatalities < 2**53)).to_numpy(),
            "fatalities is not a whole number >= 0",
            "fatalities",
        ),
        ((frame["country"] == "").to_numpy(), "country is empty (a record cut off?)", "country"),
        (
            frame["actor2"].str.count(r"\(").to_numpy() != frame["actor2"].str.count(r"\)").to_numpy(),
            "actor2 has an unclosed bracket (a record cut off?)",
            "actor2",
        ),
    ]
    for bad, message, column in reversed(checks):
        why[bad] = [f"{message} ({v!r})" for v in frame.loc[bad, column]]
    for i in np.flatnonzero(why != ""):
        report.problem(f"{frame['file'].iat[i]}:{frame['line'].iat[i]}: {why[i]}", errors)
    state1, name1, operation1 = _state(frame["actor1"])
    state2, name2, operation2 = _state(frame["actor2"])
    civilians, civilian_names = _country(frame["actor2"], _CIVILIANS)
    civilians = np.where(civilians == "?", "", civilians)  # "Civilians (International)": no nationality
    location = from_name(frame["country"])
    unordered = np.array([k in UNORDERED_TYPES for k in type_keys], dtype=bool)[type_codes]
    swap = unordered & (state1 == "") & (state2 != "")
    source = np.where(swap, state2, state1)
    other = np.where(swap, "", state2)
    target = np.where(other != "", other, np.where(civilians != "", civilians, location))
    target_from = np.where(
        other != "",
        np.where(operation2 & ~swap, "operation", "actor2"),
        np.where(civilians != "", "civilians", "location"),
    )
    reason = np.where(why != "", "malformed", "")
    reason = np.where((reason == "") & (kind == "").to_numpy(), "unmapped event type", reason)
    reason = np.where((reason == "") & (source == ""), "no state actor", reason)
    unknown = (reason == "") & ((source == "?") | (target == "?"))
    reason = np.where(unknown, "unknown country name", reason)
    reason = np.where((reason == "") & ((target == "") | (target == source)), "no second country", reason)
    event_types = np.array(
        [f"{type_names[t]} / {sub_names[u]}" if sub_names[u] else type_names[t] for t, u in pairs], dtype=object
    )[pair_codes]
    detail = np.where(reason == "unmapped event type", event_types, frame["actor1"].to_numpy(dtype=object))
    report.skip(reason.astype(object), detail.astype(object), detail={"unmapped event type", "no state actor"})
    source_name = np.where(swap, name2, name1)
    target_name = np.where(
        np.isin(target_from, ["actor2", "operation"]),
        name2,
        np.where(target_from == "civilians", civilian_names, frame["country"].to_numpy(dtype=object)),
    )
    for side, names in ((source, source_name), (target, target_name)):
        picked = names[unknown & (side == "?")]
        if len(picked):
            bucket = report.details.setdefault("unknown country name", {})
            for name, n in pd.Series(picked).value_counts(sort=False).items():
                bucket[name] = bucket.get(name, 0) + int(n)
    keep = reason == ""
    report.note("battles with a state only in actor2, read with actor2 as source", int((swap & keep).sum()))
    kept = frame.loc[keep]
    out = pd.DataFrame(
        {
            "date": date[keep],
            "source": source[keep],
            "target": target[keep],
            "kind": kind[keep],
            "killed": fatalities[keep].astype("int64"),
            "confidence": np.where(target_from[keep] == "location", 0.5, 1.0),
            "description": kept["notes"] if "notes" in kept else pd.NA,
            "acled_id": kept["event_id_cnty"] if "event_id_cnty" in kept else pd.NA,
            "actor1": kept["actor1"],
            "actor2": kept["actor2"],
            "event_type": kept["event_type"],
            "sub_event_type": kept["sub_event_type"],
            "location_country": kept["country"],
            "source_from": np.where(
                np.where(swap, operation2, operation1)[keep], "operation", np.where(swap[keep], "actor2", "actor1")
            ),
            "target_from": target_from[keep],
            "ordered": ~unordered[keep],
            "file": kept["file"],
            "line": kept["line"],
        }
    )
    return finish(out, report, errors=errors)
