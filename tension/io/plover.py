"""PLOVER and POLECAT records (JSON or tabular) to the event schema."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd

from ..countries import from_name
from ._files import check_encoding, open_binary, read_records, reading
from ._report import ReadError, ReadReport, check_errors, expand_paths, finish
from ._tables import add_problems, parse_dates

__all__ = ["read_plover", "PLOVER_KINDS", "PLOVER_CODE_FIXES"]

_ASSAULT_MODES = {
    "aerial": "airstrike",
    "air": "airstrike",
    "airstrike": "airstrike",
    "drone": "airstrike",
    "heavy-weapons": "armed_clash",
    "firearms": "armed_clash",
    "suicide-attack": "bombing",
    "explosives": "bombing",
    "bombing": "bombing",
    "assassinate": "assassination",
    "unconventional": "mass_violence",
    "cleansing": "mass_violence",
    "cbrn": "mass_violence",
}

#: PLOVER category -> (default kind, {mode or context word: kind}). Modes follow the
#: PLOVER manual and its CAMEO crosswalk (``CAMEO2PLOVER``); the first word of the
#: record's ``mode`` that is listed wins, then its ``context`` words, then the default.
#: PLOVER 0.5's FIGHT (CAMEO 19-20) reads as ASSAULT with conventional force by default.
PLOVER_KINDS = {
    "AGREE": (
        "pledge_cooperation",
        {
            "economic": "pledge_economic_cooperation",
            "military": "pledge_security_cooperation",
            "intelligence": "pledge_security_cooperation",
            "meet": "pledge_meetings",
        },
    ),
    "CONSULT": ("talks", {"visit": "visit", "host": "host_visit"}),
    "SUPPORT": ("diplomatic_cooperation", {}),
    "COOPERATE": (
        "material_cooperation",
        {
            "economic": "economic_cooperation",
            "military": "security_cooperation",
            "intelligence": "intelligence_sharing",
        },
    ),
    "AID": ("aid", {"humanitarian": "humanitarian_aid"}),
    "CONCEDE": ("yield", {}),
    "RETREAT": ("yield", {"ceasefire": "ceasefire", "release": "release", "return": "release"}),
    "INVESTIGATE": ("investigate", {}),
    "ACCUSE": ("accusation", {"investigate": "investigate", "disapprove": "disapprove"}),
    "DEMAND": ("demand", {}),
    "DISAPPROVE": ("disapprove", {}),
    "REJECT": ("reject", {}),
    "THREATEN": ("threat", {"violence": "military_threat", "military": "military_threat"}),
    "PROTEST": ("protest", {}),
    "MOBILIZE": ("military_posture", {}),
    "SANCTION": ("reduce_relations", {"expel": "expel", "discontinue": "sanctions", "economic": "sanctions"}),
    "COERCE": ("coerce", {}),
    "ASSAULT": ("armed_attack", _ASSAULT_MODES),
    "FIGHT": ("armed_clash", _ASSAULT_MODES),
}
#: Actor codes in PLOVER's gold-standard file that are not ISO: fixed, and counted.
PLOVER_CODE_FIXES = {"JAP": "JPN", "ITL": "ITA"}
_NOT_COUNTRIES = {"IGO", "NGO", "IMG", "MNC", "UNO", "INT"}
_ALIASES = {  # tabular column names -> canonical
    "eventtype": "event",
    "event": "event",
    "eventmode": "mode",
    "mode": "mode",
    "contexts": "context",
    "context": "context",
    "actorcountry": "source",
    "actor": "source",
    "source": "source",
    "recipientcountry": "target",
    "recipient": "target",
    "target": "target",
    "eventdate": "date",
    "date": "date",
    "dead": "dead",
    "numberoffatalities": "dead",
    "fatalities": "dead",
    "injured": "injured",
    "eventid": "id",
    "id": "id",
    "text": "text",
}


def _codes(value) -> list[str]:
    """Country codes or names of a PLOVER actor field (list of dicts, list or string)."""
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return []
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, list):
        out = []
        for actor in value:
            code = actor.get("code") or actor.get("country") if isinstance(actor, dict) else actor
            if code:
                out.append(str(code).strip())
        return out
    return [part.strip() for part in re.split(r"[;|]", str(value)) if part.strip()]


def _records(path: str, encoding: str) -> tuple[list[dict], list[str]]:
    """The records of one file, and the problems of the lines that are not records."""
    with open_binary(path) as handle, reading(path):
        raw = handle.read()
    try:
        text = raw.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise ReadError(
            f"{path}:{line}: byte {raw[err.start : err.start + 1]!r} at column {column} is not {encoding}; "
            "pass the file's encoding, e.g. encoding='cp1252' or encoding='latin-1'"
        ) from None
    stripped = text.lstrip()
    problems: list[str] = []
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ReadError(
                f"{path}:{err.lineno}: not valid JSON at column {err.colno} ({err.msg}); "
                "a JSON array must be complete (or write one record per line)"
            ) from None
        lines: list[int | None] = [None] * len(data)
    elif stripped.startswith("{"):
        data, lines = [], []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data.append(json.loads(line))
            except json.JSONDecodeError as err:
                problems.append(f"{path}:{number}: not a JSON record ({err.msg} at column {err.colno})")
                continue
            lines.append(number)
    else:
        plain = re.sub(r"\.(gz|zip)$", "", path.lower())
        frame, bad = read_records(
            path, sep="\t" if plain.endswith((".tsv", ".tab", ".txt")) else ",", encoding=encoding
        )
        return _from_frame(frame), bad
    out = []
    for i, (record, line) in enumerate(zip(data, lines, strict=True)):
        where = f"{path}:{line}" if line else f"{path}, record {i}"
        if not isinstance(record, dict):
            problems.append(f"{where}: not a JSON object but {type(record).__name__}")
            continue
        out.append(_canonical(record, where))
    return out, problems


def _canonical(record: dict, where: str) -> dict:
    keys = {re.sub(r"[\s_]", "", str(k)).lower(): k for k in record}
    get = {canon: record[keys[alias]] for alias, canon in _ALIASES.items() if alias in keys}
    get["where"] = where
    return get


def _from_frame(frame: pd.DataFrame) -> list[dict]:
    records = []
    for i, row in enumerate(frame.to_dict("records")):
        where = f"{row.get('file', '<DataFrame>')}:{row.get('line', i + 2)}"
        records.append(_canonical({k: v for k, v in row.items() if k not in ("file", "line")}, where))
    return records


def _kind(category: str, mode, context) -> str:
    default, refine = PLOVER_KINDS[category]
    words = []
    for value in (mode, context):
        if isinstance(value, list):
            value = " ".join(map(str, value))
        words += [w for w in re.split(r"[\s,;]+", str(value or "").lower()) if w]
    for word in words:
        if word in refine:
            return refine[word]
    return default


def read_plover(
    path_or_paths, *, errors: str = "report", encoding: str = "utf-8", dayfirst: bool | None = None
) -> pd.DataFrame:
    """Read PLOVER or POLECAT records into the event schema.

    Parameters
    ----------
    path_or_paths : str, path, glob pattern, list of them, or DataFrame
        JSON (an array of records, or one record per line) with PLOVER fields
        (``event``, ``mode``, ``context``, ``source`` and ``target`` as lists of actors
        with a ``code``, ``dead``, ``injured``, ``date``, ``id``, ``text``), or a table
        (CSV/TSV or DataFrame) with POLECAT-style columns (``Event Type``,
        ``Event Mode``, ``Actor Country``, ``Recipient Country``, ``Event Date``, …;
        names are matched ignoring case, spaces and underscores).
    errors : {"report", "raise"}, default "report"
        Malformed records (a line of a JSON-lines file that is not a JSON object, a
        table row with the wrong number of fields, a bad date or casualty count) are
        skipped and reported with file and line, or raise
        :class:`tension.io.ReadError` at the first. A JSON array that does not parse
        is one ReadError naming file, line and column.
    encoding : str, default "utf-8"
        The files' text encoding; a byte that is not valid in it is a ReadError.

    dayfirst : bool, optional
        For numeric dates such as ``01/02/2018`` (a spreadsheet re-save): the order of
        day and month, for each file's whole column. By default the values decide (a
        part over 12 is the day); a column they do not decide is an error asking for
        this. ISO dates need nothing.
    Returns
    -------
    pandas.DataFrame
        The event schema: ``kind`` from :data:`PLOVER_KINDS` (category, refined by mode
        and context), ``killed``/``injured`` from ``dead``/``injured``, ``evidence``
        (the record's text), ``description`` (category and mode), plus ``plover_id``,
        ``category``, ``mode``, ``record`` (where it was read). ``attrs["report"]`` is a
        :class:`tension.io.ReadReport`.

    Notes
    -----
    A record may name several source or target countries (compound actors): it yields
    one event per (source, target) pair of different countries. A reciprocal record
    ("Pakistan and Iran agreed …": several sources, no target) yields one event per
    ordered pair of its sources, both directions, as in the bundled seed episode. The
    report counts these extra events. Non-country actor codes (``IGO``, ``NGO``, …),
    unknown codes and CRIME records (no state-level kind) are skipped and counted;
    ``JAP`` and ``ITL`` in PLOVER's gold-standard file are read as ``JPN`` and ``ITA``.

    Examples
    --------
    >>> from tension.io import read_plover
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"Event Type": ["ASSAULT"], "Event Mode": ["aerial"], "Actor Country": ["IRN"],
    ...                     "Recipient Country": ["PAK"], "Event Date": ["2024-01-16"]})
    >>> read_plover(raw)[["source", "target", "kind"]]
      source target       kind
    0    IRN    PAK  airstrike
    """
    check_errors(errors)
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise TypeError(f"dayfirst must be True, False or None, not {dayfirst!r}")
    check_encoding(encoding)
    problems: list[str] = []
    if isinstance(path_or_paths, pd.DataFrame):
        files, records = ["<DataFrame>"], _from_frame(path_or_paths)
        origin = ["<DataFrame>"] * len(records)
    else:
        files = expand_paths(path_or_paths)
        records, origin = [], []  # the records, and the file of each (dates follow one rule per file)
        for f in files:
            got, bad = _records(f, encoding)
            records.extend(got)
            origin.extend([f] * len(got))
            problems.extend(bad)
    report = ReadReport("read_plover", files, rows=len(records))
    add_problems(report, problems, errors)
    rows, reasons, details, fixed = [], [], [], 0
    dates = parse_dates(
        [
            r.get("date") if isinstance(r.get("date"), str) else "" if r.get("date") is None else str(r.get("date"))
            for r in records
        ],
        column="date",
        dayfirst=dayfirst,
        by=origin,
    )
    for record, date in zip(records, dates, strict=True):
        category = str(record.get("event", "")).strip().upper()
        if category == "DOCUMENT":
            reasons.append("document header")
            details.append("")
            continue
        dead = pd.to_numeric(pd.Series([record.get("dead") or 0]), errors="coerce").iat[0]
        injured = pd.to_numeric(pd.Series([record.get("injured") or 0]), errors="coerce").iat[0]
        problem = ""
        if pd.isna(date):
            problem = f"date is not a date ({record.get('date')!r})"
        elif not all(np.isfinite(v) and v >= 0 and v == np.floor(v) for v in (dead, injured)):
            problem = f"dead/injured not whole numbers ({record.get('dead')!r}, {record.get('injured')!r})"
        if problem:
            report.problem(f"{record['where']}: {problem}", errors)
            reasons.append("malformed")
            details.append("")
            continue
        if category not in PLOVER_KINDS:
            reasons.append("no state-level kind" if category == "CRIME" else "unmapped category")
            details.append(category)
            continue
        raw_sources, raw_targets = _codes(record.get("source")), _codes(record.get("target"))
        fixed += sum(c in PLOVER_CODE_FIXES for c in raw_sources + raw_targets)
        sources = [PLOVER_CODE_FIXES.get(c, c) for c in raw_sources]
        targets = [PLOVER_CODE_FIXES.get(c, c) for c in raw_targets]
        non_country = [c for c in sources + targets if c.upper() in _NOT_COUNTRIES]
        iso_s = [c for c in from_name([c for c in sources if c.upper() not in _NOT_COUNTRIES]) if c not in ("", "?")]
        iso_t = [c for c in from_name([c for c in targets if c.upper() not in _NOT_COUNTRIES]) if c not in ("", "?")]
        iso_s, iso_t = list(dict.fromkeys(iso_s)), list(dict.fromkeys(iso_t))
        if not targets and len(iso_s) >= 2:
            pairs = [(a, b) for a in iso_s for b in iso_s if a != b]
        else:
            pairs = [(a, b) for a in iso_s for b in iso_t if a != b]
        if not pairs:
            unknown = [c for c in sources + targets if c.upper() not in _NOT_COUNTRIES and from_name([c])[0] == "?"]
            if unknown:
                reasons.append("unknown country code")
                details.append(unknown[0])
            elif non_country:
                reasons.append("not a country")
                details.append(non_country[0])
            elif not targets:
                reasons.append("no target")
                details.append("")
            else:
                reasons.append("same country")
                details.append("")
            continue
        reasons.append("")
        details.append("")
        kind = _kind(category, record.get("mode"), record.get("context"))
        for source, target in pairs:
            rows.append(
                {
                    "date": date,
                    "source": source,
                    "target": target,
                    "kind": kind,
                    "killed": int(dead),
                    "injured": int(injured),
                    "description": f"{category} ({record.get('mode') or 'no mode'})",
                    "evidence": record.get("text"),
                    "plover_id": None if record.get("id") is None else str(record["id"]),  # (text, as ids are)
                    "category": category,
                    "mode": record.get("mode"),
                    "record": record["where"],
                }
            )
    report.skip(
        np.array(reasons, dtype=object),
        np.array(details, dtype=object),
        detail={"unknown country code", "not a country", "unmapped category"},
    )
    kept_records = sum(1 for r in reasons if r == "")
    report.note("extra events from compound or reciprocal actors", len(rows) - kept_records)
    report.note("non-ISO actor code fixed (JAP -> JPN, ITL -> ITA)", fixed)
    columns = [
        "date",
        "source",
        "target",
        "kind",
        "killed",
        "injured",
        "description",
        "evidence",
        "plover_id",
        "category",
        "mode",
        "record",
    ]
    out = pd.DataFrame(rows, columns=columns)
    return finish(out, report, errors=errors, kept=kept_records)
