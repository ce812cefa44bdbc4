"""Event preparation shared by :mod:`tension.score`, :mod:`tension.state` and the Dask path.

:func:`prepare` reads and validates events once and turns them into the arrays the
kernel needs (:class:`Prepared`): dyad codes, times in int64 microseconds (see
:mod:`tension._time`: no difference of two can overflow), each event's signed score
under the model (:func:`tension.model.magnitude`, :func:`tension.model.repeat_factor`)
and half-life. :func:`channels` lays the scores out as the kernel's channel matrix.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import _columns, _time, core
from ._scan import gather_by_rank
from ._version import __version__
from .events import for_scoring
from .exceptions import ParameterError
from .io._direction import check_direction
from .model import Model, discounted, index_channels, magnitude
from .taxonomy import TAXONOMY_VERSION, resolve_weights

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
    "distinct_half_lives",
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
    names, codes = dyad_codes(pd.Series(source, dtype=object), pd.Series(target, dtype=object), directed)
    return names[codes]


def dyad_codes(source, target, directed: bool, pairs: _columns.PairKeys | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Sorted dyad labels and each event's integer code into them.

    The two country columns are factorised once each (:func:`tension._columns.text_codes`;
    either may also be given as its ``(codes, uniques)``) into one sorted list of
    countries; a dyad is ``first * C + second`` of its two country codes (sorted unless
    ``directed``); labels are built per distinct dyad. ``pairs``: the columns'
    :func:`tension._columns.pair_keys` if the caller has them.
    """
    src_codes, src_uniques = source if isinstance(source, tuple) else _columns.text_codes(source)
    tgt_codes, tgt_uniques = target if isinstance(target, tuple) else _columns.text_codes(target)
    countries = sorted(set(map(str, src_uniques)) | set(map(str, tgt_uniques)))
    position = {c: k for k, c in enumerate(countries)}
    src_at = np.asarray([position[str(c)] for c in src_uniques], dtype=np.int64)
    tgt_at = np.asarray([position[str(c)] for c in tgt_uniques], dtype=np.int64)
    if pairs is None:
        pairs = _columns.pair_keys((src_codes, src_uniques), (tgt_codes, tgt_uniques))
    if pairs is not None:
        # one key per (source value, target value), a table from keys to dyads: each row
        # costs one lookup, whatever the number of countries
        width = max(pairs.width, 1)
        codes_of_seen, dyads = _columns.dyad_codes(
            src_at[pairs.seen // width], tgt_at[pairs.seen % width], max(len(countries), 1), directed=directed
        )
        table = np.zeros(len(src_uniques) * width, dtype=np.int32)
        table[pairs.seen] = codes_of_seen
        codes = _columns.spread(table, pairs.key)
        del table
    else:  # missing values (code -1) or very many distinct values: country by country
        kind = np.int32 if len(countries) < 2**15 else np.int64
        src = np.r_[src_at, -1].astype(kind)[src_codes]
        tgt = np.r_[tgt_at, -1].astype(kind)[tgt_codes]
        codes, dyads = _columns.dyad_codes(src, tgt, max(len(countries), 1), directed=directed)
        del src, tgt
    sep = "->" if directed else "-"
    names = np.asarray(countries, dtype=object)  # labels per distinct dyad, concatenated in C
    names = names[dyads[:, 0]] + sep + names[dyads[:, 1]]
    by_label = np.argsort(names.astype(str), kind="stable")  # (already sorted for equal-length codes)
    if (by_label != np.arange(len(names))).any():
        rank = np.empty(len(names), dtype=np.int64)
        rank[by_label] = np.arange(len(names))
        names, codes = names[by_label], rank[codes]
    return names, codes.astype(np.int32 if len(names) < 2**31 else np.int64, copy=False)


@dataclass(frozen=True)
class Prepared:
    """Validated events and the per-event arrays the kernel and the API need."""

    events: pd.DataFrame
    codes: np.ndarray  # int code per event
    names: np.ndarray  # label per code
    ticks: np.ndarray  # event time, int64 µs since epoch (UTC): see tension._time
    kind_codes: np.ndarray  # int code of each event's kind
    kind_weights: np.ndarray  # w(kind) per kind code
    magnitude: np.ndarray  # casualty magnitude m per event (1 for cooperative kinds)
    raw: np.ndarray  # signed score before the repeat discount
    score: np.ndarray  # signed effective score
    half_life: np.ndarray  # days, per event (read-only, one broadcast value when every kind has one)
    tz: object
    grouped: np.ndarray  # core.group_order(codes, ticks): by dyad, then time

    @functools.cached_property
    def by_dyad(self) -> tuple[np.ndarray, np.ndarray]:
        """``(codes[grouped], ticks[grouped])``: the events' dyads and times sorted by
        (dyad, time), built on first use (``prepare`` builds them anyway)."""
        return self.codes[self.grouped], self.ticks[self.grouped]

    @functools.cached_property
    def base(self) -> np.ndarray:
        """w(kind) per event, built on first use."""
        return self.kind_weights[self.kind_codes]

    @functools.cached_property
    def raw_by_dyad(self) -> np.ndarray:
        """``raw[grouped]``: the raw scores in (dyad, time) order (``prepare`` builds them
        with the times)."""
        return self.raw[self.grouped]

    @functools.cached_property
    def dyads(self) -> np.ndarray:
        """Label per event (object array), built on first use."""
        return self.names[self.codes]

    def forget_order(self) -> None:
        """Drop the events' arrays in (dyad, time) order (``by_dyad``, ``raw_by_dyad``,
        ``grouped``) once the kernel has run, so that the output frame is built with
        their memory free; the kernel cannot run on this ``Prepared`` again."""
        self.__dict__.pop("by_dyad", None)
        self.__dict__.pop("raw_by_dyad", None)
        object.__setattr__(self, "grouped", None)

    def labels(self):
        """Label per event as the string column pandas would make (see :func:`tension._columns.labels`)."""
        return _columns.labels(self.names, self.codes)

    def rows_of(self, dyads) -> np.ndarray:
        """Mask of the events of ``dyads`` (a label or a list, each present)."""
        wanted = np.flatnonzero(np.isin(self.names, check_dyads(self, dyads)))
        return np.isin(self.codes, wanted)


def prepare(events, model: Model) -> Prepared:
    """Read and validate ``events`` and score each one under ``model`` (before decay).

    A frame that came out of :func:`tension.read_events` unchanged (see
    :func:`tension._columns.is_marked`) is not validated again.
    """
    weights = resolve_weights(model.weights)
    if _columns.is_marked(events, weights):
        ev = events
    else:
        ev = for_scoring(events, weights=model.weights)
    check_direction(ev, directed=model.directed)  # readers' hook: no direction invented (ACLED battles)
    kind_codes, kinds = _columns.codes_of(ev, "kind")
    kinds = [str(k) for k in kinds]
    n = len(ev)
    # the kinds coded may include kinds no row has (a categorical's unused categories),
    # which validation never saw: they may be unknown, and get no weight
    kind_weights = np.asarray([weights.get(k, np.nan) for k in kinds], dtype=float)
    lives = np.asarray(model.half_life_of(kinds), dtype=float)
    present = None
    if np.isnan(kind_weights).any() or (len(lives) and not (lives == lives[0]).all()):
        present = np.bincount(kind_codes, minlength=len(kinds)) > 0
        if np.isnan(kind_weights[present]).any():  # (validation lets no unknown kind through)
            raise AssertionError("a kind present in the events has no weight")
    # one half-life for every kind present (the usual case): one value, not one per event
    lives_present = lives if present is None else lives[present]
    one_life = len(lives_present) > 0 and bool((lives_present == lives_present[0]).all())
    half_life = np.broadcast_to(lives_present[0], (n,)) if one_life else lives[kind_codes]
    killed = ev["killed"].to_numpy()
    injured = ev["injured"].to_numpy()
    casualties = bool(_looked_at(killed).any() or _looked_at(injured).any())
    explicit = ev["weight"].to_numpy(dtype=float)
    derived = np.isnan(explicit)
    some_derived = bool(derived.any())
    # w(kind) per event, made only when the scores need it (not when every weight is given)
    base = kind_weights[kind_codes] if casualties or some_derived else None
    if casualties:
        m = magnitude(
            killed.astype(float),
            injured.astype(float),
            hostile=np.asarray(base) > 0,
            killed_coef=model.killed_coef,
            injured_coef=model.injured_coef,
        )
    else:  # no casualties: m = 1 + a ln 1 + b ln 1 = 1 exactly
        m = np.broadcast_to(1.0, (n,))
    if not some_derived:  # every weight given: read as they are (never written)
        raw = explicit.view()
        raw.flags.writeable = False
    elif derived.all():  # none given
        raw = base * m
    else:
        raw = np.where(derived, base * m, explicit)
    del derived
    confidence = ev["confidence"].to_numpy(dtype=float)
    if (_looked_at(confidence) != 1.0).any():
        raw = raw * confidence
    names, codes = dyad_codes(
        _columns.codes_of(ev, "source"), _columns.codes_of(ev, "target"), model.directed, _columns.kept(ev, "pairs")
    )
    if ev is not events:  # read here and never handed back: its codes have served
        _columns.forget_codes(ev)
    dates = pd.DatetimeIndex(ev["date"])
    ticks = _time.ticks(dates)
    # once: for the discount and for the kernel (the sorted codes come with the order, the
    # times and raw scores are moved in threads)
    grouped, sorted_codes = core.group_order(codes, ticks, with_groups=True)
    sorted_ticks, sorted_raw = gather_by_rank(grouped, ticks, raw)
    ordered = sorted_codes, sorted_ticks
    found = discounted(codes, ticks, raw, model.repeat_discount, order=grouped, ordered=ordered)
    score = raw  # no occasion discounted: the raw score
    if found is not None and (found[1] != 1.0).any():
        score = np.array(raw, dtype=float)
        score[found[0]] *= found[1]
    p = Prepared(ev, codes, names, ticks, kind_codes, kind_weights, m, raw, score, half_life, dates.tz, grouped)
    p.__dict__["by_dyad"] = ordered  # the cached properties, already computed
    p.__dict__["raw_by_dyad"] = sorted_raw
    if base is not None:
        p.__dict__["base"] = base
    return p


def _looked_at(values: np.ndarray) -> np.ndarray:
    """The values to look at: one, when ``values`` is one value broadcast to every row."""
    return values[:1] if values.strides == (0,) else values


def distinct_half_lives(p: Prepared) -> np.ndarray:
    """The distinct half-lives of the events, sorted (one look when every kind has one)."""
    if len(p.half_life) and p.half_life.strides == (0,):
        return np.unique(p.half_life[:1])
    return np.unique(p.half_life)


def kernel_order(p: Prepared) -> np.ndarray:
    """Sort by (dyad, time); ties broken by half-life and score so that events that
    could trade places are numerically identical: results do not depend on row order."""
    order = p.grouped.copy()
    g, t = p.by_dyad  # (the order only changes within runs of one dyad and time)
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
    return (
        matrix,
        np.asarray(lives)[keys // len(group_values)],
        np.asarray(group_values)[keys % len(group_values)].astype(int),
    )


def with_index_channels(p: Prepared, model: Model, matrix, half_lives):
    """``matrix`` and ``half_lives`` with the index's three channels appended
    (:func:`tension.model.index_channels`: hostile heat, cooperative heat, flow), from the
    signed scores before the same-occasion discount."""
    extra, lives = index_channels(p.raw, model=model)
    matrix = np.hstack([matrix, extra]) if len(p.raw) else extra
    return matrix, np.r_[half_lives, lives]


def check_dyads(p: Prepared, wanted) -> list:
    """``wanted`` (a label or a list) as a list, each present in ``p``; else a
    :class:`tension.ParameterError` (naming the label written the other way round when
    that one is present)."""
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    present = set(p.names)
    missing = sorted(set(wanted) - present, key=str)
    if missing:
        turned = {m: "-".join(reversed(m.split("-"))) for m in missing if isinstance(m, str) and m.count("-") == 1}
        turned = {m: t for m, t in turned.items() if t in present}
        hint = ""
        if turned:
            first, other = next(iter(turned.items()))
            hint = f"; {first!r} is written {other!r} in these events"
        raise ParameterError(f"no events for dyad(s) {missing}{hint}; dyads present: {list(p.names)[:10]}")
    return wanted


def select_dyads(p: Prepared, dyads) -> Prepared:
    """The prepared events of some dyads only (scores already combined, unchanged)."""
    mask = p.rows_of(dyads)
    kept, codes = np.unique(p.codes[mask], return_inverse=True)
    codes, ticks = codes.astype(np.int64), p.ticks[mask]
    return Prepared(
        p.events[mask],
        codes,
        p.names[kept],
        ticks,
        p.kind_codes[mask],
        p.kind_weights,
        p.magnitude[mask],
        p.raw[mask],
        p.score[mask],
        p.half_life[mask],
        p.tz,
        core.group_order(codes, ticks),
    )


#: What :func:`tension.decompose` can split tension into.
PARTS = ("kind", "quad_class", "sign", "event")


def part_labels(p: Prepared, by: str, model: Model) -> np.ndarray:
    """The part of each event when splitting by ``by`` (one of :data:`PARTS`)."""
    if by == "kind":
        return p.events["kind"].to_numpy(dtype=object)
    elif by == "quad_class":
        quads = model.kind_classes()
        return p.events["kind"].map(lambda k: quads.get(k, "unclassified")).to_numpy(dtype=object)
    elif by == "sign":
        return np.where(p.score < 0, "cooperative", np.where(p.score > 0, "hostile", "neutral")).astype(object)
    else:
        if len(p.score) > 5_000:
            raise ValueError(
                f"by='event' makes one part per event ({len(p.score):,}); for many events use "
                "contributions(events, at=...) for one date, or by='kind'"
            )
        if p.events.index.has_duplicates:
            label = p.events.index[p.events.index.duplicated()].tolist()[0]
            raise ValueError(
                f"by='event' names each part by the event's index label, and the events' index repeats "
                f"{label!r} (e.g. after pd.concat): reset_index() the events first"
            )
        return p.events.index.to_numpy().astype(object)


def attrs(model: Model, **extra) -> dict:
    """The ``attrs`` of every result: the model, the taxonomy and tension versions, ``extra``."""
    return {"model": model.as_dict(), "taxonomy_version": TAXONOMY_VERSION, "tension_version": __version__, **extra}
