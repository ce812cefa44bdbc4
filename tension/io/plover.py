"""PLOVER and POLECAT records (JSON or tabular) to the event schema."""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np
import pandas as pd

from ..countries import from_name
from ..events import MAX_COUNT
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
#: The report's details key of the unknown codes of kept records (in ``report.unmapped``).
_UNKNOWN_KEPT = "unknown country code in a kept compound actor"
#: PLOVER field -> the column names or JSON keys read as it (matched ignoring case,
#: spaces and underscores), by rank: when a record has names of several ranks, the
#: first rank present is read, whatever the order of the keys or columns, even where
#: its value is empty (POLECAT's ``Source`` is the news outlet, never read when an
#: ``Actor Country`` column is there). Names of one rank must agree (see ``read_plover``).
_ALIASES: dict[str, tuple[tuple[str, ...], ...]] = {
    "event": (("eventtype",), ("event",)),
    "mode": (("eventmode",), ("mode",)),
    "context": (("contexts", "context"),),
    "source": (("actorcountry",), ("actor",), ("source",)),
    "target": (("recipientcountry",), ("recipient",), ("target",)),
    "date": (("eventdate",), ("date",)),
    "dead": (("dead", "numberoffatalities", "fatalities"),),
    "injured": (("injured",),),
    "id": (("eventid",), ("id",)),
    "text": (("text",),),
}
_FIELD_OF = {alias: field for field, ranks in _ALIASES.items() for rank in ranks for alias in rank}


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
        return _from_frame(frame, path), bad
    out = []
    for i, (record, line) in enumerate(zip(data, lines, strict=True)):
        where = f"{path}:{line}" if line else f"{path}, record {i}"
        if not isinstance(record, dict):
            problems.append(f"{where}: not a JSON object but {type(record).__name__}")
            continue
        out.append(_canonical([(k, _name(k), v) for k, v in record.items()], where))
    return out, problems


def _name(key) -> str:
    """A column name or JSON key as it is matched: lower case, no spaces or underscores."""
    return re.sub(r"[\s_]", "", str(key)).lower()


def _missing(value) -> bool:
    """An empty value: None, NaN, ``pd.NA``, ``NaT`` or blank text (a count of 0)."""
    if isinstance(value, str):
        return not value.strip()
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _compared(value):
    """A value as two names of one field are compared: text stripped, numbers as floats."""
    if isinstance(value, str):
        value = value.strip()
        try:
            return float(value)
        except ValueError:
            return value
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool | np.bool_):
        return float(value)
    return value


def _canonical(items: list[tuple[str, str, object]], where: str) -> dict:
    """The PLOVER fields of one record from its ``(key, alias, value)`` items.

    Empty values are None. For each field the first rank of :data:`_ALIASES` with a key
    present is read; its non-empty values must agree, or it is a ReadError naming the
    record and the keys.
    """
    present: dict[str, list[tuple[str, object]]] = {}
    for key, alias, value in items:
        if alias in _FIELD_OF:
            present.setdefault(alias, []).append((key, None if _missing(value) else value))
    out: dict = {"where": where}
    for field, ranks in _ALIASES.items():
        for rank in ranks:
            found = [kv for alias in rank for kv in present.get(alias, ())]
            if not found:
                continue
            given = [(k, v) for k, v in found if v is not None]
            for key, value in given[1:]:
                if _compared(value) != _compared(given[0][1]):
                    raise ReadError(
                        f"{where}: {given[0][0]!r} and {key!r} both give the record's {field} and disagree "
                        f"({given[0][1]!r}, {value!r}); neither comes first: drop or rename one"
                    )
            out[field] = given[0][1] if given else None
            break
    return out


def _from_frame(frame: pd.DataFrame, name: str = "<DataFrame>") -> list[dict]:
    """The records of a table (a DataFrame, or a file read with ``file`` and ``line``)."""
    labels = [str(c) for c in frame.columns]
    aliases = [_name(c) for c in labels]
    for j, label in enumerate(labels):  # a repeated header name, renamed 'Date.1' as pandas does
        base = re.fullmatch(r"(.+)\.\d+", label)
        if aliases[j] not in _FIELD_OF and base and base[1] in labels and _name(base[1]) in _FIELD_OF:
            aliases[j] = _name(base[1])
    file_at = labels.index("file") if "file" in labels else None
    line_at = labels.index("line") if "line" in labels else None
    columns = [j for j in range(len(labels)) if j not in (file_at, line_at)]
    records = []
    for i, row in enumerate(frame.itertuples(index=False, name=None)):
        file = name if file_at is None else row[file_at]
        where = f"{file}:{i + 2 if line_at is None else row[line_at]}"
        records.append(_canonical([(labels[j], aliases[j], row[j]) for j in columns], where))
    return records


def _count(value) -> tuple[int, str]:
    """A casualty count (empty: 0), or why it is not one."""
    if value is None:
        return 0, ""
    if isinstance(value, bool | np.bool_):
        return 0, f"a boolean ({value!r}), not a count; write a whole number"
    number = value
    if isinstance(value, str):
        number = pd.to_numeric(pd.Series([value.strip()]), errors="coerce").iat[0]
        if isinstance(number, np.integer):
            number = int(number)
    if isinstance(number, int | np.integer):
        number = int(number)
    elif isinstance(number, float | np.floating) and np.isfinite(number) and number == np.floor(number):
        number = int(number)
    else:
        return 0, "not a whole number"
    if number < 0:
        return 0, "not a whole number"
    if number > MAX_COUNT:
        return 0, f"too large to be a count ({value!r}; counts above {MAX_COUNT:,} are refused)"
    return number, ""


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
        names are matched ignoring case, spaces and underscores; see Notes for a
        record with several names of one field).
    errors : {"report", "raise"}, default "report"
        Malformed records (a line of a JSON-lines file that is not a JSON object, a
        table row with the wrong number of fields, a bad date or casualty count: not a
        whole number >= 0, a boolean, or over 2**53) are skipped and reported with file
        and line, or raise :class:`tension.io.ReadError` at the first. A JSON array
        that does not parse is one ReadError naming file, line and column.
    encoding : str, default "utf-8"
        The files' text encoding; a byte that is not valid in it is a ReadError.

    dayfirst : bool, optional
        For numeric dates such as ``01/02/2018`` (a spreadsheet re-save): the order of
        day and month, for each file's whole column. By default the values decide (a
        part over 12 is the day, unless it may be a two-digit year first: ``24/01/17``);
        a column they do not decide is an error asking for this. A reader has no
        year-first rule: write such dates as YYYY-MM-DD. ISO dates need nothing.
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
    In a compound actor, the pairs of the known countries are kept and the unknown and
    non-country codes left out are counted in the report's notes; the unknown ones are
    listed in ``report.unmapped`` (as the unknown codes of skipped records are).

    An empty value (None, NaN, ``pd.NA``, blank text) is missing, in JSON and in tables
    alike: a casualty count of 0, no mode, no id.

    Where a record has several names of one field, the most specific is read, whatever
    the order of its keys or columns, even where its value is empty: ``Event Type``
    before ``event``; ``Event Mode`` before ``mode``; ``Actor Country`` before
    ``actor`` before ``source`` (a POLECAT table's ``Source`` column is the news
    outlet); ``Recipient Country`` before ``recipient`` before ``target``; ``Event
    Date`` before ``date``; ``Event ID`` before ``id``. Names of one rank (``date`` and
    ``Date`` in one JSON record, a repeated column, ``context`` and ``contexts``, or
    ``dead``, ``Number of Fatalities`` and ``fatalities``) must agree where both have a
    value: if they do not, the read stops with a :class:`tension.io.ReadError` naming
    the record and the two names, whatever ``errors`` is.

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
    rows, reasons, details, fixed, left_out = [], [], [], 0, 0
    unknown_codes: dict[str, Counter] = {"unknown country code": Counter(), _UNKNOWN_KEPT: Counter()}
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
        category = str(record.get("event") or "").strip().upper()
        if category == "DOCUMENT":
            reasons.append("document header")
            details.append("")
            continue
        (dead, dead_why), (injured, injured_why) = _count(record.get("dead")), _count(record.get("injured"))
        problem = ""
        if pd.isna(date):
            problem = f"date is not a date ({record.get('date')!r})"
        elif dead_why.startswith(("a boolean", "too large")) or injured_why.startswith(("a boolean", "too large")):
            problem = "; ".join(
                f"{field} is {why}" for field, why in (("dead", dead_why), ("injured", injured_why)) if why
            )
        elif dead_why or injured_why:
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
        named_s = [c for c in sources if c.upper() not in _NOT_COUNTRIES]
        named_t = [c for c in targets if c.upper() not in _NOT_COUNTRIES]
        iso = from_name(named_s + named_t).tolist()
        unknown = [c for c, code in zip(named_s + named_t, iso, strict=True) if code == "?"]
        iso_s = list(dict.fromkeys(c for c in iso[: len(named_s)] if c not in ("", "?")))
        iso_t = list(dict.fromkeys(c for c in iso[len(named_s) :] if c not in ("", "?")))
        # no recipient: none given, or only missing values such as POLECAT's "None"
        no_target = len(named_t) == len(targets) and all(code == "" for code in iso[len(named_s) :])
        if no_target and len(iso_s) >= 2:
            pairs = [(a, b) for a in iso_s for b in iso_s if a != b]
        else:
            pairs = [(a, b) for a in iso_s for b in iso_t if a != b]
        if not pairs:
            if unknown:
                reasons.append("unknown country code")
                details.append(unknown[0])
                unknown_codes["unknown country code"].update(unknown)
            elif non_country:
                reasons.append("not a country")
                details.append(non_country[0])
            elif not iso_t:  # (no target, or only missing values such as POLECAT's "None")
                reasons.append("no target")
                details.append("")
            elif not iso_s:
                reasons.append("no source")
                details.append("")
            else:
                reasons.append("same country")
                details.append("")
            continue
        unknown_codes[_UNKNOWN_KEPT].update(unknown)  # the pairs of the known countries kept
        left_out += len(non_country)
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
        detail={"not a country", "unmapped category"},
    )
    for reason, counts in unknown_codes.items():  # every unknown code, as report.unmapped lists them
        if counts:
            bucket = report.details.setdefault(reason, {})
            for code, n in counts.items():
                bucket[code] = bucket.get(code, 0) + n
    kept_records = sum(1 for r in reasons if r == "")
    report.note("extra events from compound or reciprocal actors", len(rows) - kept_records)
    report.note("non-ISO actor code fixed (JAP -> JPN, ITL -> ITA)", fixed)
    report.note("unknown country codes left out of kept compound actors", sum(unknown_codes[_UNKNOWN_KEPT].values()))
    report.note("non-country actor codes left out of kept compound actors", left_out)
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
