"""Event preparation shared by :mod:`tension.score`, :mod:`tension.state` and the Dask path.

:func:`prepare` reads and validates events once and turns them into the arrays the
kernel needs (:class:`Prepared`): dyad codes, times in int64 microseconds (see
:mod:`tension._time`: no difference of two can overflow), each event's signed score
under the model (:func:`tension.model.magnitude`, :func:`tension.model.repeat_factor`)
and half-life. :func:`channels` lays the scores out as the kernel's channel matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _time, core
from ._version import __version__
from .events import read_events
from .io._direction import check_direction
from .model import Model, index_channels, magnitude, repeat_factor
from .taxonomy import TAXONOMY_VERSION, kind_quad_classes, resolve_weights

__all__ = [
    "PARTS",
    "Prepared",
    "attrs",
    "channels",
    "with_index_channels",
    "check_dyads",
    "dyad_codes",
    "dyad_labels",
    "kernel_order",
    "part_labels",
    "prepare",
    "resolve_model",
    "select_dyads",
]

def resolve_model(model, **given) -> Model:
    """One Model from either ``model=`` or loose keyword parameters, never both."""
    loose = {k: v for k, v in given.items() if v is not None}
    if model is None:
        return Model(**loose)
    if not isinstance(model, Model):
        raise TypeError(f"model must be a tension.Model, not {type(model).__name__}")
    if loose:
        raise ValueError(
            f"give the parameters either as model= or as keywords, not both (got model and {sorted(loose)})"
        )
    return model


def dyad_labels(source, target, *, directed: bool = False) -> np.ndarray:
    """Dyad label of each event: ``"IRN-PAK"`` (codes sorted) or ``"PAK->IRN"``.

    Examples
    --------
    >>> dyad_labels(["PAK", "IRN"], ["IRN", "PAK"]).tolist()
    ['IRN-PAK', 'IRN-PAK']
    >>> dyad_labels(["PAK"], ["IRN"], directed=True).tolist()
    ['PAK->IRN']
    """
    names, codes = dyad_codes(np.asarray(source, dtype=object), np.asarray(target, dtype=object), directed)
    return names[codes]


def dyad_codes(source: np.ndarray, target: np.ndarray, directed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Sorted dyad labels and each event's integer code into them.

    Countries are factorised once; labels are built per distinct dyad, not per event.
    """
    n = len(source)
    country_codes, countries = pd.factorize(np.concatenate([source, target]), sort=True)
    src, tgt = country_codes[:n].astype(np.int64), country_codes[n:].astype(np.int64)
    if not directed:
        src, tgt = np.minimum(src, tgt), np.maximum(src, tgt)
    pair_codes, pairs = pd.factorize(src * len(countries) + tgt, sort=True)
    countries = np.asarray(countries, dtype=object)
    sep = "->" if directed else "-"
    first = countries[pairs // max(len(countries), 1)].astype(str)
    second = countries[pairs % max(len(countries), 1)].astype(str)
    names = np.char.add(np.char.add(first, sep), second).astype(object)
    return names, pair_codes.astype(np.int64)


@dataclass(frozen=True)
class Prepared:
    """Validated events and the per-event arrays the kernel and the API need."""

    events: pd.DataFrame
    dyads: np.ndarray  # label per event
    codes: np.ndarray  # int code per event
    names: np.ndarray  # label per code
    ticks: np.ndarray  # event time, int64 µs since epoch (UTC): see tension._time
    base: np.ndarray  # w(kind) per event
    magnitude: np.ndarray  # casualty magnitude m per event (1 for cooperative kinds)
    raw: np.ndarray  # signed score before the repeat discount
    score: np.ndarray  # signed effective score
    half_life: np.ndarray  # days, per event
    tz: object
    grouped: np.ndarray  # core.group_order(codes, ticks): by dyad, then time


def prepare(events, model: Model) -> Prepared:
    """Read and validate ``events`` and score each one under ``model`` (before decay)."""
    ev = read_events(events, weights=model.weights, duplicates="keep")
    check_direction(ev, directed=model.directed)  # readers' hook: no direction invented (ACLED battles)
    weights = resolve_weights(model.weights)
    kind_codes, kinds = pd.factorize(ev["kind"].to_numpy(dtype=object))
    base = np.asarray([weights[k] for k in kinds], dtype=float)[kind_codes]
    half_life = np.asarray(model.half_life_of(list(kinds)), dtype=float)[kind_codes]
    m = magnitude(
        ev["killed"].to_numpy(dtype=float),
        ev["injured"].to_numpy(dtype=float),
        hostile=base > 0,
        killed_coef=model.killed_coef,
        injured_coef=model.injured_coef,
    )
    explicit = ev["weight"].to_numpy(dtype=float)
    raw = ev["confidence"].to_numpy(dtype=float) * np.where(np.isnan(explicit), base * m, explicit)
    names, codes = dyad_codes(ev["source"].to_numpy(), ev["target"].to_numpy(), model.directed)
    dyads = names[codes]
    dates = pd.DatetimeIndex(ev["date"])
    ticks = _time.ticks(dates)
    codes = codes.astype(np.int64)
    grouped = core.group_order(codes, ticks)  # once: for the discount and for the kernel
    factor = repeat_factor(codes, ticks, raw, model.repeat_discount, order=grouped)
    return Prepared(ev, dyads, codes, names, ticks, base, m, raw, raw * factor, half_life, dates.tz, grouped)


def kernel_order(p: Prepared) -> np.ndarray:
    """Sort by (dyad, time); ties broken by half-life and score so that events that
    could trade places are numerically identical: results do not depend on row order."""
    order = p.grouped.copy()
    g, t = p.codes[order], p.ticks[order]
    tied = np.zeros(len(order), dtype=bool)
    same = (g[1:] == g[:-1]) & (t[1:] == t[:-1])
    tied[1:] |= same
    tied[:-1] |= same
    if tied.any():
        run = np.cumsum(np.r_[True, ~same])  # run id of every sorted position
        where = np.flatnonzero(tied)
        members = order[where]
        order[where] = members[np.lexsort((p.score[members], p.half_life[members], run[where]))]
    return order


def channels(p: Prepared, groups: np.ndarray | None = None):
    """Score matrix (n, C), each channel's half-life (C,) and group (C,).

    One channel per (half-life, group) pair present. By default the group is the sign
    (+1 hostile, -1 cooperative) and the matrix holds ``|score|``; with ``groups`` (one
    integer per event) it holds the signed score.
    """
    signed = groups is not None
    if groups is None:
        groups = np.where(p.score < 0, -1, 1)
    n = len(p.score)
    if n == 0:
        return np.zeros((0, 0)), np.zeros(0), np.zeros(0, dtype=int)
    life_codes, lives = pd.factorize(p.half_life, sort=True)
    group_codes, group_values = pd.factorize(groups, sort=True)
    channel, keys = pd.factorize(life_codes.astype(np.int64) * len(group_values) + group_codes, sort=True)
    matrix = np.zeros((n, len(keys)))
    matrix[np.arange(n), channel] = p.score if signed else np.abs(p.score)
    keys = np.asarray(keys)
    return matrix, np.asarray(lives)[keys // len(group_values)], np.asarray(group_values)[keys % len(group_values)].astype(int)


def with_index_channels(p: Prepared, model: Model, matrix, half_lives):
    """``matrix`` and ``half_lives`` with the index's three channels appended
    (:func:`tension.model.index_channels`: hostile heat, cooperative heat, flow), from the
    signed scores before the same-occasion discount."""
    extra, lives = index_channels(p.raw, model=model)
    matrix = np.hstack([matrix, extra]) if len(p.raw) else extra
    return matrix, np.r_[half_lives, lives]


def check_dyads(p: Prepared, wanted) -> list:
    """``wanted`` (a label or a list) as a list, each present in ``p``; else a ValueError."""
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    missing = sorted(set(wanted) - set(p.names))
    if missing:
        raise ValueError(f"no events for dyad(s) {missing}; dyads present: {list(p.names)[:10]}")
    return wanted


def select_dyads(p: Prepared, dyads) -> Prepared:
    """The prepared events of some dyads only (scores already combined, unchanged)."""
    mask = np.isin(p.dyads, check_dyads(p, dyads))
    names, codes = np.unique(p.dyads[mask], return_inverse=True)
    codes, ticks = codes.astype(np.int64), p.ticks[mask]
    return Prepared(
        p.events[mask], p.dyads[mask], codes, names.astype(object), ticks, p.base[mask], p.magnitude[mask],
        p.raw[mask], p.score[mask], p.half_life[mask], p.tz, core.group_order(codes, ticks),
    )  # fmt: skip


#: What :func:`tension.decompose` can split tension into.
PARTS = ("kind", "quad_class", "sign", "event")


def part_labels(p: Prepared, by: str) -> np.ndarray:
    """The part of each event when splitting by ``by`` (one of :data:`PARTS`)."""
    if by == "kind":
        return p.events["kind"].to_numpy(dtype=object)
    elif by == "quad_class":
        quads = kind_quad_classes()
        return p.events["kind"].map(lambda k: quads.get(k, "unclassified")).to_numpy(dtype=object)
    elif by == "sign":
        return np.where(p.score < 0, "cooperative", np.where(p.score > 0, "hostile", "neutral")).astype(object)
    else:
        if len(p.score) > 5_000:
            raise ValueError(
                f"by='event' makes one part per event ({len(p.score):,}); for many events use "
                "contributions(events, at=...) for one date, or by='kind'"
            )
        return p.events.index.to_numpy().astype(object)


def attrs(model: Model, **extra) -> dict:
    """The ``attrs`` of every result: the model, the taxonomy and tension versions, ``extra``."""
    return {"model": model.as_dict(), "taxonomy_version": TAXONOMY_VERSION, "tension_version": __version__, **extra}
