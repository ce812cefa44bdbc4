"""Which reader a file is for, from its first line: :func:`guess_format`."""

from __future__ import annotations

import re

from ._files import open_binary
from ._report import ReadError

__all__ = ["guess_format"]


def guess_format(path: str) -> str | None:
    """The ``--from`` format a file looks like, from its first line, or None.

    ``"icews"`` (tab-separated with "Event Date" and "Source Country"), ``"acled"``
    (``event_date`` and ``actor1`` in any case), ``"gdelt"`` (57, 58 or 61
    tab-separated fields starting with a numeric id), ``"plover"`` (JSON, or a
    POLECAT table with "Event Type" and "Actor Country"), ``"events"`` (the tension
    schema: ``date``, ``source``, ``target``, ``kind``).

    Examples
    --------
    >>> import tension as tn
    >>> guess_format(tn.datasets.path("gdelt2_20170101073000.export.CSV"))
    'gdelt'
    >>> guess_format(tn.datasets.path("pakistan_iran_2024.csv"))
    'events'
    """
    try:
        with open_binary(str(path)) as handle:
            head = handle.readline(1 << 16)
    except (OSError, ReadError, EOFError):
        return None
    line = head.decode("utf-8", "replace").lstrip("\ufeff").strip("\r\n")
    if line.lstrip().startswith(("[", "{")):
        return "plover"
    fields = line.split("\t")
    names = {re.sub(r"[\s_]", "", f).strip('"').lower() for f in re.split(r"[\t,;]", line)}
    if {"eventdate", "sourcecountry", "targetcountry"} <= names:
        return "icews"
    if {"eventdate", "actor1", "actor2"} <= names:
        return "acled"
    if {"eventtype", "actorcountry"} <= names or {"eventtype", "recipientcountry"} <= names:
        return "plover"
    if {"date", "source", "target", "kind"} <= names:
        return "events"
    if len(fields) in (57, 58, 61) and fields[0].strip().isdigit():
        return "gdelt"
    return None
