"""From a news story to candidate events: a transparent, rule-based event coder.

``tension.extract.events(text, published=...)`` reads an English news story and returns
candidate events in the event schema (:func:`tension.read_events` accepts them), each with
the sentence it came from, the trigger and actor words matched, a confidence and a
description of every choice the rules made, for a person to review before scoring.

The coder is small and explainable: country names from :mod:`pycountry` plus a table of
adjectives, capitals and metonyms; trigger words per kind from a table; dates read by
:mod:`dateparser`; number words by :mod:`text_to_num`. It downloads nothing and uses no
statistical model. Its accuracy on held-out gold sentences is measured, not assumed: see
:mod:`tension.extract.evaluate` and the README section "From a story to events".

Needs the optional extra: ``pip install 'tension[extract]'``.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .. import _params
from ..exceptions import ExtractError, ParameterError

__all__ = ["events", "COLUMNS", "ExtractError"]

#: Columns of :func:`events`, in order: the event schema, then the coder's own.
COLUMNS = [
    "date",
    "source",
    "target",
    "kind",
    "killed",
    "injured",
    "confidence",
    "cameo",
    "description",
    "evidence",
    "trigger",
    "source_words",
    "target_words",
    "date_words",
    "date_basis",
    "story",
    "start",
    "end",
]


def _require() -> None:
    missing = []
    for module in ("dateparser", "text_to_num"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise ImportError(
            f"tension.extract needs {', '.join(missing)}: install the extra with pip install 'tension[extract]'"
        )


def _date(value, where: str) -> dt.date:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        raise ExtractError(
            f"{where}: no publication date; pass published='YYYY-MM-DD' (relative "
            "dates such as 'on Saturday' are read against it)"
        )
    try:
        stamp = _params.timestamp("published", value, required=True)
    except ParameterError as exc:
        raise ExtractError(f"{where}: publication date {value!r} is not a date; use 'YYYY-MM-DD' ({exc})") from None
    return stamp.date()


def _stories(text, published) -> list[tuple[str, dt.date]]:
    if isinstance(text, pd.DataFrame):
        if published is not None:
            raise ExtractError("published=: give the dates in the frame's 'published' column, not both")
        missing = {"text", "published"} - set(text.columns)
        if missing:
            raise ExtractError(f"the frame needs columns 'text' and 'published'; missing {sorted(missing)}")
        rows = []
        for i, (body, when) in enumerate(zip(text["text"], text["published"], strict=True)):
            if not isinstance(body, str):
                raise ExtractError(f"row {text.index[i]!r}, column 'text': {body!r} is not a string")
            rows.append((body, _date(when, f"row {text.index[i]!r}, column 'published'")))
        return rows
    if isinstance(text, str):
        return [(text, _date(published, "published="))]
    if isinstance(text, (list, tuple)):
        dates = published if isinstance(published, (list, tuple, pd.Series)) else [published] * len(text)
        if len(dates) != len(text):
            raise ExtractError(f"published=: {len(dates)} dates for {len(text)} texts; give one date or one per text")
        out = []
        for i, (body, when) in enumerate(zip(text, dates, strict=True)):
            if not isinstance(body, str):
                raise ExtractError(f"text {i}: {body!r} is not a string")
            out.append((body, _date(when, f"published= (text {i})")))
        return out
    raise ExtractError(
        f"text: expected a string, a list of strings or a DataFrame with 'text' and "
        f"'published' columns, got {type(text).__name__}"
    )


def events(text, *, published=None) -> pd.DataFrame:
    """Candidate events coded from English news text, each with its evidence.

    Parameters
    ----------
    text : str, list of str or pandas.DataFrame
        One story, several stories, or a frame with columns ``text`` and ``published``
        (one story per row).
    published : date-like, or a list of them
        The publication date of the story (one for all texts, or one per text). Relative
        dates ("on Saturday", "yesterday", "last week") are read against it, and it is
        the date of an event whose sentence gives none (flagged in ``date_basis``).
        Required unless ``text`` is a frame.

    Returns
    -------
    pandas.DataFrame
        One row per candidate event, in story and sentence order, with columns
        ``date``, ``source``, ``target`` (ISO3), ``kind`` (a key of :func:`tension.kinds`),
        ``killed``, ``injured`` (lower bounds where the story says "at least"),
        ``confidence`` (1, 0.8 when an actor was resolved from "the Foreign Office" and the
        like, 0.5 for acts of non-state actors), ``cameo``, ``description`` (every choice
        the rules made), ``evidence`` (the sentence, exactly as in the text), ``trigger``,
        ``source_words``, ``target_words``, ``date_words``, ``date_basis`` (absolute,
        relative, approximate, or the publication date as a fallback), ``story`` (position
        of the text in the input) and ``start``, ``end`` (the sentence's character span in
        its story). :func:`tension.read_events` accepts it as it is.

    Notes
    -----
    Rules, in order: sentences are split keeping their spans; countries are found from
    names, adjectives, capitals, metonyms and people introduced with a country; a trigger
    in a background phrase ("following ...", "amid ...", "during ...") is not coded; a
    negated ("did not", "denied carrying out") or hedged ("plans to", "could") act is not
    coded; a noun trigger counts only with a light verb ("launched airstrikes") or an
    agent ("Iranian airstrikes", "airstrikes by Iran"); the source is the agent of the
    trigger (left of it in its clause, outside prepositional phrases; the "by" phrase of a
    passive; the speaker of reported speech only when the reported act's subject is "it"
    or "they"); the target is the country acted upon to the right (object, "with",
    "against", "in Iran's ... province"). Acts of non-state actors are coded only with
    confidence 0.5 and a description that says why. See the README for the measured
    accuracy and its failure cases.

    Examples
    --------
    >>> import tension as tn
    >>> story = ("Iran launched airstrikes on Pakistan on Tuesday, killing two children. "
    ...          "Pakistan strongly condemned the strikes.")
    >>> found = tn.extract.events(story, published="2024-01-18")
    >>> found[["date", "source", "target", "kind", "killed"]]
            date source target          kind  killed
    0 2024-01-16    IRN    PAK     airstrike       2
    1 2024-01-16    PAK    IRN  condemnation       0
    >>> len(tn.read_events(found))
    2
    """
    _require()
    from ..taxonomy import kinds
    from .core import code_story

    cameo = dict(zip(kinds()["kind"], kinds()["cameo"], strict=True))
    rows = []
    for number, (body, when) in enumerate(_stories(text, published)):
        for c in code_story(body, published=when):
            rows.append(
                {
                    "date": pd.Timestamp(c.date),
                    "source": c.source,
                    "target": c.target,
                    "kind": c.kind,
                    "killed": c.killed,
                    "injured": c.injured,
                    "confidence": c.confidence,
                    "cameo": cameo[c.kind],
                    "description": _describe(c),
                    "evidence": c.evidence,
                    "trigger": c.trigger,
                    "source_words": c.source_words,
                    "target_words": c.target_words,
                    "date_words": c.date_words,
                    "date_basis": c.date_basis,
                    "story": number,
                    "start": c.start,
                    "end": c.end,
                }
            )
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    for col in ("killed", "injured", "story", "start", "end"):
        frame[col] = frame[col].astype("int64")
    frame["confidence"] = frame["confidence"].astype(float)
    frame.attrs["extract"] = {"published": [str(w) for _, w in _stories(text, published)]}
    return frame


def _describe(c) -> str:
    parts = [
        f"{c.kind} {c.source}->{c.target} from '{c.trigger}' (source '{c.source_words}', target '{c.target_words}')"
    ]
    parts += c.notes
    parts.append(f"date: {c.date_basis}" + (f" ('{c.date_words}')" if c.date_words else ""))
    return "; ".join(parts)
