"""Does a measure tell real crises? A crisis calendar, a placebo and naive peers.

A *crisis calendar* lists key dates of bilateral crises, each with what a measure of
tension should do then: ``rise`` after a hostile act, ``peak`` in a named week, ``fall``
after a de-escalation. :func:`evaluate` tests every row of the calendar on daily series
of any number of measures (the tension index, its raw parts, naive peers), and tests the
same expectation on random *placebo* dates of the same dyad far from any key date: a
measure tells crises when it meets the expectations on the key dates much more often
than on the placebo dates. :func:`summary` gives, per expectation type, the hit rate, the
placebo rate and their difference; :func:`saturation` the share of crisis-window days a
bounded index spends at its bounds.

The definitions (one rule for every measure, so the comparison is fair):

- **margin**: :data:`MARGIN` (0.5) times the standard deviation of the measure's daily
  values on the dyad over the whole evaluated span (a flat series has margin 0);
- **rise** at date ``d`` with window ``w``: ``max(x[d .. d+w]) - x[d-1] > margin``;
- **peak**: the named period is ``[d, d+w]``, its context ``[d-21, d+w+21]``
  (:data:`PEAK_CONTEXT` days either side); met if ``max(x[d .. d+w])`` is strictly
  above the maximum over the rest of the context;
- **fall**: ``mean(x[d+w+1 .. d+2w]) < x[d] - margin`` (the ``w`` days after the window
  sit below the level on the date of the de-escalation); with ``fall_from="eve"``,
  below ``x[d-1] - margin``, the level on the eve (a robustness check: a measure that
  already reads the de-escalation's own day as warm is not penalised for it);
- a test whose days are not all inside the series is *not evaluable* (counted apart);
- **placebo**: for every calendar row, :data:`PLACEBOS` dates of the same dyad drawn
  without replacement (``numpy.random.default_rng([seed, crc32(row key)])``, the key
  being episode, dyad, expectation, date and window: a row's draw depends neither on
  the calendar's row order nor on the other rows tested) among the dates whose whole test is
  evaluable and that lie at least :data:`PLACEBO_DISTANCE` (14) days from every key date
  of that dyad in the calendar (all splits); every measure is tested on the same dates;
- **saturated day**: a day inside a row's window ``[d, d+w]`` on which a bounded
  measure is within 1 point of its bounds (0 or 100).

The calendar and its checks are in ``_calendar``, the tests and their summaries in
``_evaluate``, the naive peers, the daily series and the report in ``_peers``.

Examples
--------
>>> import numpy as np, pandas as pd
>>> from tension import validate
>>> days = pd.date_range("2018-01-01", "2018-06-30")
>>> step = np.where(days >= "2018-03-04", 10.0, 0.0)
>>> series = pd.DataFrame({"dyad": "GBR-RUS", "date": days, "step": step})
>>> cal = pd.DataFrame({"episode": ["Skripal"], "dyad": ["GBR-RUS"], "expectation": ["rise"],
...     "date": ["2018-03-04"], "window_days": [7], "reason": ["nerve agent attack"],
...     "source": ["public record"], "split": ["calibration"]})
>>> res = validate.evaluate(series, cal, placebos=5)
>>> res.groupby("placebo")["met"].mean().tolist()
[1.0, 0.0]
"""

from __future__ import annotations

from ._calendar import CALENDAR_COLUMNS, EXPECTATIONS, CalendarError, crises_2018, read_calendar
from ._evaluate import MARGIN, PEAK_CONTEXT, PLACEBO_DISTANCE, PLACEBOS, evaluate, saturation, summary, table
from ._peers import BOUNDED, MODEL_0_1, REPORT_MEASURES, peers, report, series

__all__ = [
    "CALENDAR_COLUMNS",
    "EXPECTATIONS",
    "MARGIN",
    "PEAK_CONTEXT",
    "PLACEBO_DISTANCE",
    "PLACEBOS",
    "MODEL_0_1",
    "CalendarError",
    "crises_2018",
    "read_calendar",
    "peers",
    "evaluate",
    "summary",
    "saturation",
    "table",
    "series",
    "report",
    "REPORT_MEASURES",
    "BOUNDED",
]
