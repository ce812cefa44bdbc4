"""ACLED CSV exports to the event schema."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..countries import from_name
from ._report import ReadReport, check_errors, finish
from ._tables import load_tables

__all__ = ["read_acled", "ACLED_KINDS", "ACLED_TYPE_KINDS"]

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
_REQUIRED = ("event_date", "event_type", "sub_event_type", "actor1", "actor2", "country", "fatalities")
_STATE = r"^(?:(?:Military|Police) Forces of|Government of) (?P<country>.+?) \(\d{4}-(?:\d{4})?\)"
_CIVILIANS = r"^Civilians \((?P<country>[^)]+)\)"


def _state_country(actors: pd.Series, pattern: str) -> np.ndarray:
    names = actors.str.extract(pattern)["country"]
    iso = from_name(names.fillna(""))
    return np.where(names.isna().to_numpy(), "", iso)


def read_acled(path_or_paths, *, errors: str = "report") -> pd.DataFrame:
    """Read ACLED CSV exports into the event schema.

    Parameters
    ----------
    path_or_paths : str, path, glob pattern, list of them, or DataFrame
        ACLED exports with columns ``event_date``, ``event_type``, ``sub_event_type``,
        ``actor1``, ``actor2``, ``country``, ``fatalities`` (and ``event_id_cnty``,
        ``notes``, … which are kept).
    errors : {"report", "raise"}, default "report"

    Returns
    -------
    pandas.DataFrame
        The event schema, one row per kept record: ``kind`` from :data:`ACLED_KINDS`,
        ``killed`` from ``fatalities``, ``confidence`` (see Notes), ``description``
        (``notes``), plus ``acled_id``, ``actor1``, ``actor2``, ``event_type``,
        ``sub_event_type``, ``location_country``, ``target_from``, ``file``, ``line``.
        ``attrs["report"]`` is a :class:`tension.io.ReadReport`.

    Notes
    -----
    ACLED codes actors, not countries. Actors are mapped to a country only where the
    data says which state they belong to:

    - ``source`` is the state of ``actor1`` ("Military Forces of Iran (1989-)",
      "Police Forces of …", "Government of …"); records whose actor1 is not a state
      force are skipped and counted ("actor1 not a state").
    - ``target`` is the state of ``actor2`` (confidence 1); else the nationality of
      civilians ("Civilians (Pakistan)", confidence 1); else the country where the event
      happened, if it differs from the source (an act on the other's soil, confidence
      0.5; ``target_from`` says which rule applied). Otherwise the record is domestic
      and skipped ("no second country").

    Examples
    --------
    >>> import pandas as pd
    >>> from tension.io import read_acled
    >>> raw = pd.DataFrame({"event_date": ["2024-01-16"], "event_type": ["Explosions/Remote violence"],
    ...     "sub_event_type": ["Air/drone strike"], "actor1": ["Military Forces of Iran (1989-)"],
    ...     "actor2": ["Civilians (Pakistan)"], "country": ["Pakistan"], "fatalities": ["2"]})
    >>> read_acled(raw)[["source", "target", "kind", "killed", "target_from"]]
      source target       kind  killed target_from
    0    IRN    PAK  airstrike       2   civilians
    """
    check_errors(errors)
    files, frame = load_tables(path_or_paths, sep=",", required=_REQUIRED, what="an ACLED export")
    report = ReadReport("read_acled", files, rows=len(frame))
    date = pd.to_datetime(frame["event_date"], errors="coerce", format="mixed")
    fatalities = pd.to_numeric(frame["fatalities"].replace("", "0"), errors="coerce")
    pairs = list(zip(frame["event_type"].str.strip(), frame["sub_event_type"].str.strip(), strict=True))
    kind = pd.Series([ACLED_KINDS.get(p, ACLED_TYPE_KINDS.get(p[0], "")) for p in pairs], index=frame.index)
    why = np.full(len(frame), "", dtype=object)
    bad_date = date.isna().to_numpy()
    bad_fatal = ~((fatalities >= 0) & (fatalities == fatalities.round())).to_numpy()
    why[bad_fatal] = [f"fatalities is not a whole number >= 0 ({v!r})" for v in frame.loc[bad_fatal, "fatalities"]]
    why[bad_date] = [f"event_date is not a date ({v!r})" for v in frame.loc[bad_date, "event_date"]]
    for i in np.flatnonzero(why != ""):
        report.problem(f"{frame['file'].iat[i]}, row {frame['line'].iat[i] - 1}: {why[i]}", errors)
    source = _state_country(frame["actor1"], _STATE)
    state2 = _state_country(frame["actor2"], _STATE)
    civilians = _state_country(frame["actor2"], _CIVILIANS)
    location = from_name(frame["country"])
    target = np.where(state2 != "", state2, np.where(civilians != "", civilians, location))
    target_from = np.where(state2 != "", "actor2", np.where(civilians != "", "civilians", "location"))
    reason = np.where(why != "", "malformed", "")
    reason = np.where((reason == "") & (kind == "").to_numpy(), "unmapped event type", reason)
    reason = np.where((reason == "") & (source == ""), "actor1 not a state", reason)
    unknown = (reason == "") & ((source == "?") | (target == "?"))
    reason = np.where(unknown, "unknown country name", reason)
    reason = np.where((reason == "") & ((target == "") | (target == source)), "no second country", reason)
    detail = np.where(reason == "unmapped event type", [f"{a} / {b}" for a, b in pairs], frame["actor1"])
    report.skip(reason.astype(object), detail.astype(object), detail={"unmapped event type", "actor1 not a state"})
    keep = reason == ""
    kept = frame.loc[keep]
    out = pd.DataFrame(
        {
            "date": date[keep],
            "source": source[keep],
            "target": target[keep],
            "kind": kind[keep],
            "killed": fatalities[keep].astype(int),
            "confidence": np.where(target_from[keep] == "location", 0.5, 1.0),
            "description": kept["notes"] if "notes" in kept else pd.NA,
            "acled_id": kept["event_id_cnty"] if "event_id_cnty" in kept else pd.NA,
            "actor1": kept["actor1"],
            "actor2": kept["actor2"],
            "event_type": kept["event_type"],
            "sub_event_type": kept["sub_event_type"],
            "location_country": kept["country"],
            "target_from": target_from[keep],
            "file": kept["file"],
            "line": kept["line"],
        }
    )
    return finish(out, report, errors=errors)
