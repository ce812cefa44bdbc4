"""The stocks of ``score_events`` as decayed sums of a few basis channels.

Every output of ``score_events`` is a linear combination of decayed sums of parts of two
signed columns, the effective score (after the same-occasion discount) and the raw score
(before it):

- ``hostile`` and ``cooperative``: the positive part and the negative part's magnitude of
  the score, half-life ``H``;
- ``heat``: the positive part of the raw score with ``heat_half_life`` minus
  ``heat_half_life / cooling_half_life`` times its negative part with
  ``cooling_half_life``;
- ``flow``: the magnitudes of the raw score with ``flow_half_life``.

:func:`plan` lists the distinct (column, part, half-life) channels these need, so that
channels that coincide are computed once: with no repeated occasion the score is the raw
score, and then, with the default half-lives (30 days for ``H``, the cooling and the flow),
the five stocks need three channels (``flow`` is then ``hostile + cooperative``; with a
discounted occasion ``flow`` is the raw scores' and needs channels of its own).
:func:`fill` combines the channels' states into the output columns, in place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._scan import in_slices
from .model import Model, index_into

__all__ = ["Plan", "plan", "homes", "targets", "fill", "COLUMNS"]

#: The float columns of ``score_events``, in order.
COLUMNS = ("score", "tension", "hostile", "cooperative", "index", "heat", "flow")

#: source column numbers: the effective score and the raw score
SCORE, RAW = 0, 1


@dataclass(frozen=True)
class Plan:
    """The channels to decay (``parts`` and ``half_lives`` for
    :func:`tension.core.decayed_parts`, the sources numbered as :func:`sources` returns
    them) and each stock as ``[(channel, coefficient), ...]``."""

    parts: list
    half_lives: np.ndarray
    stocks: dict


def plan(model: Model, half_life: float, *, same: bool) -> Plan:
    """The channels of the stocks under ``model`` with one half-life ``H`` for every kind.

    ``same``: the effective score equals the raw score on every event (no occasion
    discounted), so that both are one column.

    Examples
    --------
    >>> p = plan(Model(), 30.0, same=True)
    >>> p.parts, p.half_lives.tolist()
    ([(0, 'positive'), (0, 'negative'), (0, 'positive')], [30.0, 30.0, 5.0])
    >>> p.stocks["flow"]
    [(0, 1.0), (1, 1.0)]
    """
    channels: list[tuple[int, str, float]] = []

    def channel(source: int, part: str, life: float) -> int:
        key = (RAW if same else source, part, float(life))
        if key not in channels:
            channels.append(key)
        return channels.index(key)

    stocks = {
        "hostile": [(channel(SCORE, "positive", half_life), 1.0)],
        "cooperative": [(channel(SCORE, "negative", half_life), 1.0)],
        "heat": [
            (channel(RAW, "positive", model.heat_half_life), 1.0),
            (channel(RAW, "negative", model.cooling_half_life), -model.heat_half_life / model.cooling_half_life),
        ],
    }
    life = float(model.flow_half_life)
    raw_channels = {(part, lv) for src, part, lv in channels if src == RAW}
    if ("positive", life) in raw_channels and ("negative", life) in raw_channels:
        stocks["flow"] = [(channel(RAW, "positive", life), 1.0), (channel(RAW, "negative", life), 1.0)]
    else:
        stocks["flow"] = [(channel(RAW, "size", life), 1.0)]
    number = {SCORE: 0, RAW: 0 if same else 1}
    parts = [(number[src], part) for src, part, _ in channels]
    return Plan(parts, np.array([lv for *_, lv in channels]), stocks)


def homes(p: Plan) -> list:
    """For each channel, the stock whose output column can hold its states (the stock's
    first term with coefficient 1, in no other stock), else None."""
    used: dict[int, int] = {}
    for terms in p.stocks.values():
        for channel, _ in terms:
            used[channel] = used.get(channel, 0) + 1
    home: list = [None] * len(p.parts)
    for name, terms in p.stocks.items():
        channel, coef = terms[0]
        if coef == 1.0 and home[channel] is None and (used[channel] == 1 or len(terms) == 1):
            home[channel] = name
    return home


def targets(block: np.ndarray, p: Plan) -> list:
    """Where :func:`tension.core.decayed_parts` writes each channel: its home row of
    ``block`` (:data:`COLUMNS`) or a new array."""
    rows = dict(zip(COLUMNS, block, strict=True))
    return [rows[name] if name is not None else np.empty(block.shape[1]) for name in homes(p)]


#: Events per slice of :func:`fill` (the slice's rows stay in cache while it is filled).
SLICE = 1 << 15


def fill(block: np.ndarray, states, score: np.ndarray, p: Plan, model: Model, threads: int | None = None) -> None:
    """Complete the columns :data:`COLUMNS` (rows of ``block``, shape (7, n)) from the
    channels' ``states`` (written by :func:`targets`) and the effective ``score``.

    The events are filled slice by slice (:data:`SLICE`), the slices in threads.
    ``index`` is :func:`tension.flow_index` of ``heat`` and ``flow``, by the same
    function (:func:`tension.model.index_into`), so that it is the same to the last bit.
    """
    n = block.shape[1]

    def holds(name: str) -> bool:  # the stock's row is its first channel's states
        state, row = states[p.stocks[name][0][0]], block[COLUMNS.index(name)]
        return state.ctypes.data == row.ctypes.data and state.strides == row.strides

    # stocks whose first channel is held elsewhere first, then those that hold theirs
    # (a held channel read by another stock is never changed: see homes)
    home = {name: holds(name) for name in p.stocks}
    order = sorted(p.stocks.items(), key=lambda item: home[item[0]])

    def part(lo: int, hi: int) -> None:
        rows = dict(zip(COLUMNS, block[:, lo:hi], strict=True))
        held = [state[lo:hi] for state in states]
        rows["score"][:] = score[lo:hi]
        for name, terms in order:
            row, (first, coef), rest = rows[name], terms[0], terms[1:]
            if not home[name]:
                np.multiply(held[first], coef, out=row) if coef != 1.0 else np.copyto(row, held[first])
            for channel, coef in rest:
                if coef == 1.0:
                    row += held[channel]
                else:
                    row += coef * held[channel]
        np.subtract(rows["hostile"], rows["cooperative"], out=rows["tension"])
        index_into(rows["heat"], rows["flow"], model, out=rows["index"])

    in_slices(part, n, SLICE, threads)
