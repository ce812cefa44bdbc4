"""Bundled example data, loaded through ``importlib.resources``.

Files (sources and licences in ``tension/datasets/PROVENANCE.md``):

- ``pakistan_iran_2024.csv``: the seed episode, see :func:`pakistan_iran_2024`.
- ``gdelt2_20170101073000.export.CSV``: one GDELT 2.0 15-minute export (720 records),
  read with ``tension.io.read_gdelt(tension.datasets.path("gdelt2_20170101073000.export.CSV"))``.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

__all__ = ["pakistan_iran_2024", "path"]


def path(name: str):
    """Path-like handle of a bundled data file, e.g. ``path("pakistan_iran_2024.csv")``."""
    return resources.files(__name__).joinpath(name)


def pakistan_iran_2024() -> pd.DataFrame:
    """The January 2024 Pakistan-Iran crisis, coded by hand from a wire story.

    Iran's strikes in Baluchistan (17 January), Pakistan's retaliation in Sistan and
    Baluchestan (18 January), the gunmen's attack on Pakistani labourers in Iran and
    Pakistan's condemnation (27 January), and the foreign ministers' talks in Islamabad
    with their pledges (29 January).

    Returns
    -------
    pandas.DataFrame
        16 events, validated by :func:`tension.read_events`: columns ``date``,
        ``source``, ``target``, ``kind``, ``killed``, ``injured``, ``confidence``,
        ``weight`` (empty), ``cameo``, ``description`` (what happened, where dates and
        counts come from), ``evidence`` (the sentence of the story it was coded from)
        and ``url`` (empty).

    Notes
    -----
    Source: a wire story published on or just after 29 January 2024 (``seeds/`` in the
    repository holds the story and a README that lists, sentence by sentence, what was
    coded and what was left out and why). Where the story gives no date, the public
    record does; the ``description`` says so. Size: 16 rows, 2 kB. Licence: the coded
    events are released with the library (BSD-3-Clause); the quoted sentences are short
    excerpts of the story for reference.

    Examples
    --------
    >>> import tension as tn
    >>> ev = tn.datasets.pakistan_iran_2024()
    >>> ev.groupby("kind").size().loc[["airstrike", "armed_attack", "talks"]].tolist()
    [2, 1, 2]
    """
    from ..events import read_events

    with resources.as_file(path("pakistan_iran_2024.csv")) as csv:
        return read_events(csv)
