"""Times and grids: from prepared events to readings on a time grid or at one date.

Shared by :mod:`tension.score` and the Dask path. :func:`dense` builds the grid of
:func:`tension.score` (whole, or its points above a ``threshold``) by the step scan of
:mod:`tension._steps`, and :func:`on_steps` any channels with it (:func:`tension.decompose`);
:func:`on_grid` runs the event-level kernel and samples it (a ``threshold`` on a grid too
large to scan); :func:`snapshot` reads every dyad at one date in O(N).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import _columns, _memory, _params, _steps, _time, core
from ._prepare import Prepared, attrs, distinct_half_lives, kernel_order
from ._scan import map_in_threads, workers_for
from .model import Model, stock_index

__all__ = [
    "SCORE_ADVICE",
    "MAX_KEPT_ROWS",
    "days",
    "decayed_to",
    "dense",
    "grid",
    "grid_bounds",
    "on_grid",
    "on_steps",
    "readings",
    "snapshot",
    "timestamp",
]

#: What to do about a grid that is too dense, as :func:`tension.score` allows.
SCORE_ADVICE = (
    "pass threshold=0.01 to keep only the values that matter, dyads=[...] to choose dyads, "
    "at=<date> for one snapshot, or a coarser freq"
)


#: Largest number of grid values kept with a ``threshold``.
MAX_KEPT_ROWS = 50_000_000


def days(ticks: np.ndarray, origin: int) -> np.ndarray:
    """Times in days since ``origin`` (both in µs since the epoch; the integer difference
    cannot overflow, see :mod:`tension._time`)."""
    return _time.days(ticks, origin)


def timestamp(value, tz) -> pd.Timestamp:
    """``value`` as a Timestamp in the events' time zone (naive if they are naive)."""
    stamp = _params.timestamp("date", value, required=True)  # (checked before with its own name: read alike)
    if tz is not None and stamp.tz is None:
        stamp = stamp.tz_localize(tz)
    elif tz is None and stamp.tz is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp


def grid_bounds(first, last, freq: str, start, end, tz=None):
    """First and last grid time: from ``start`` (default the first event's day) to ``end``
    (default the first grid point at or after the last event)."""
    lo = timestamp(start, tz) if start is not None else first.normalize()
    offset = _params.freq(freq)
    if end is not None:
        hi = timestamp(end, tz)
        if lo.tz is not None and hi.tz is not None and str(lo.tz) != str(hi.tz):
            hi = hi.tz_convert(lo.tz)  # (the grid is in the start's zone: the end is the same instant there)
        _params.check_grid(lo, hi, offset, freq)
        return lo, hi
    if lo.tz is not None and last.tz is not None and str(lo.tz) != str(last.tz):
        last = last.tz_convert(lo.tz)  # (the grid is in the start's zone)
    if lo > last:
        return lo, lo
    beyond = last.as_unit("us") + offset
    _params.check_grid(lo, beyond, offset, freq)  # before building anything
    points = _params.date_range(lo, beyond, freq)
    return lo, points[min(points.searchsorted(last, side="left"), len(points) - 1)]


def grid(p: Prepared, freq: str, start, end) -> pd.DatetimeIndex:
    """The time grid of the prepared events (see :func:`grid_bounds`)."""
    if len(p.ticks) == 0 and (start is None or end is None):
        return pd.DatetimeIndex([], tz=p.tz)
    first = last = None
    if len(p.ticks):
        first, last = _time.dates([p.ticks.min(), p.ticks.max()], None if p.tz is None else "UTC")
    lo, hi = grid_bounds(first, last, freq, start, end, p.tz)
    # grid times are held to the microsecond (see tension._time): bounds rounded inwards
    return _time.resolution(_params.date_range(lo, hi, freq))


def on_grid(p: Prepared, times: pd.DatetimeIndex, matrix, half_lives, threshold=None, *, limit, advice=SCORE_ADVICE):
    """Channel values of every dyad on the grid: (dyad code, grid position, values) per row.

    Without ``threshold`` a dense grid of more than ``limit`` rows is refused with ``advice``.
    """
    if threshold is None and len(p.names) * len(times) > limit:
        raise ValueError(
            f"a dense grid of {len(p.names):,} dyads x {len(times):,} times would have "
            f"{len(p.names) * len(times):,} rows (limit {limit:,}); {advice}"
        )
    grid_ticks = _time.ticks(times)
    # float days from the first time: int64 microsecond differences never overflow
    origin = int(min(p.ticks.min() if len(p.ticks) else 0, grid_ticks.min() if len(grid_ticks) else 0))
    kernel = core.run(p.codes, days(p.ticks, origin), matrix, half_lives, order=kernel_order(p))
    try:
        return core.on_grid(kernel, days(grid_ticks, origin), len(p.names), threshold=threshold, max_rows=MAX_KEPT_ROWS)
    except core.TooManyRows as err:
        raise _params.ParameterError(_too_many(threshold, err.rows)) from None


def readings(states: np.ndarray, signs: np.ndarray, model: Model) -> dict:
    """The output columns from channel states whose last three channels are the index's
    (:func:`tension._prepare.with_index_channels`): tension, hostile, cooperative, index,
    heat (the first two of them), flow (the third)."""
    hostile = states[:, :-3][:, signs > 0].sum(axis=1)
    cooperative = states[:, :-3][:, signs < 0].sum(axis=1)
    heat, flow = states[:, -3] + states[:, -2], states[:, -1]
    return {
        "tension": hostile - cooperative,
        "hostile": hostile,
        "cooperative": cooperative,
        "index": stock_index(heat, flow, model),
        "heat": heat,
        "flow": flow,
    }


def decayed_to(p: Prepared, at) -> tuple[pd.Timestamp, np.ndarray, np.ndarray]:
    """``at``, each event's signed contribution then (0 for later events) and whether the
    event is at or before ``at``."""
    when = timestamp(at, p.tz)
    elapsed = -days(p.ticks, _time.tick(when))
    past = elapsed >= 0
    return when, np.where(past, p.score * np.exp2(-np.where(past, elapsed, 0.0) / p.half_life), 0.0), past


#: Events per chunk of :func:`snapshot` (its temporaries stay a few MB).
SNAPSHOT_CHUNK = 1 << 18


def snapshot(p: Prepared, at, model: Model) -> pd.DataFrame:
    """One row per dyad at one time: each channel's decayed sum of the events at or before
    ``at``, by weighted ``bincount`` over chunks of events, no scan. The events are summed in
    the canonical kernel order (by dyad and time, from :func:`kernel_order`), so that the
    values, hence the ranking, do not depend on the input's row order to the last bit.

    Every weight is ``2 ** (-(at - t) / H)`` with ``at - t >= 0`` (later events get an
    infinite elapsed time, weight 0): nothing can overflow, and a channel of one sign sums
    without cancellation.
    """
    when = timestamp(at, p.tz)
    stamp = _time.tick(when)
    size = len(p.names)
    hostile, cooperative, heat, flow = (np.zeros(size) for _ in range(4))
    seen = np.zeros(size, dtype=bool)
    ratio = model.heat_half_life / model.cooling_half_life
    lives = distinct_half_lives(p)
    order = kernel_order(p)  # sums in a canonical order: the same bits for any row order
    sorted_codes, sorted_ticks = p.by_dyad  # the same in that order (it only permutes ties)
    # no tie permuted: the raw scores in that order are prepare's, no gather
    in_order = p.raw_by_dyad if np.array_equal(order, p.grouped) else None

    def chunk(lo: int) -> tuple:
        """The chunk's sums per dyad (hostile, cooperative, heat, flow) and dyads seen."""
        part = order[lo : lo + SNAPSHOT_CHUNK]
        codes = sorted_codes[lo : lo + SNAPSHOT_CHUNK]
        raw = in_order[lo : lo + SNAPSHOT_CHUNK] if in_order is not None else p.raw[part]
        elapsed = days(sorted_ticks[lo : lo + SNAPSHOT_CHUNK], stamp)
        np.negative(elapsed, out=elapsed)
        past = elapsed >= 0
        seen_here = codes[past]
        elapsed[~past] = np.inf
        decays: dict[float, np.ndarray] = {}  # 2 ** (-elapsed / H), once per half-life

        def decay(life: float) -> np.ndarray:
            if life not in decays:
                decays[life] = np.exp2(-elapsed / life)
            return decays[life]

        score = raw if p.score is p.raw else p.score[part]  # (one gather when no occasion is discounted)
        signed = score * (decay(float(lives[0])) if len(lives) == 1 else np.exp2(-elapsed / p.half_life[part]))
        sums = [np.bincount(codes, weights=np.maximum(signed, 0.0), minlength=size)]
        np.negative(signed, out=signed)
        sums.append(np.bincount(codes, weights=np.maximum(signed, 0.0), minlength=size))
        # the index's channels, as tension.model.index_channels lays them out
        warm = np.where(raw > 0, raw * decay(model.heat_half_life), raw * ratio * decay(model.cooling_half_life))
        sums.append(np.bincount(codes, weights=warm, minlength=size))
        sums.append(np.bincount(codes, weights=np.abs(raw) * decay(model.flow_half_life), minlength=size))
        return sums, seen_here

    # the chunks in threads, a few at a time; their sums added in chunk order (the same
    # additions, in the same order, as one chunk after the other)
    starts = list(range(0, len(p.score), SNAPSHOT_CHUNK))
    workers = workers_for(None, len(p.score))
    for first in range(0, len(starts), workers):
        for sums, seen_here in map_in_threads(chunk, starts[first : first + workers], workers):
            for total, add in zip((hostile, cooperative, heat, flow), sums, strict=True):
                total += add
            seen[seen_here] = True
    tension = hostile - cooperative
    out = pd.DataFrame(
        {
            "dyad": p.names,
            "date": pd.DatetimeIndex([when] * size),
            "tension": tension,
            "hostile": hostile,
            "cooperative": cooperative,
            "index": stock_index(heat, flow, model),
            "heat": heat,
            "flow": flow,
        }
    )[seen]
    out = out.sort_values(["tension", "dyad"], ascending=[False, True], kind="stable").reset_index(drop=True)
    out.attrs = attrs(model, at=str(when))
    return out


#: The columns of :func:`tension.score`, in order.
COLUMNS = ("tension", "hostile", "cooperative", "index", "heat", "flow")


def dense(
    p: Prepared,
    times: pd.DatetimeIndex,
    model: Model,
    *,
    threshold: float | None = None,
    limit: int,
    advice: str = SCORE_ADVICE,
) -> pd.DataFrame:
    """Every dyad on the grid ``times``: the frame of :func:`tension.score`.

    A dense grid of more than ``limit`` rows is refused with ``advice`` before anything is
    allocated. The values come from :func:`tension._steps.step_scan` (the events binned
    into grid steps, a scan along the grid for all dyads at once), written chunk by chunk
    into one float block that the frame takes without a copy; the dyad and date columns
    repeat the dyads' labels and tile the grid. With ``threshold`` only the points where
    ``hostile + cooperative >= threshold`` are kept (at most :data:`MAX_KEPT_ROWS`), the
    same values as without it.
    """
    n_dyads, n_steps = len(p.names), len(times)
    _check_dense(n_dyads, n_steps, limit, advice)
    # channels: (half-life, sign) of the events' scores, then the index's three
    # (hostile heat, cooperative heat, flow), sorted by half-life
    lives, life_of = np.unique(p.half_life, return_inverse=True)
    roles = [(float(life), "hostile" if sign == 0 else "cooperative") for life in lives for sign in (0, 1)]
    roles += [(model.heat_half_life, "heat"), (model.cooling_half_life, "cooling"), (model.flow_half_life, "flow")]
    by_life = sorted(range(len(roles)), key=lambda k: roles[k][0])
    position = np.empty(len(roles), dtype=np.int64)
    position[by_life] = np.arange(len(roles))
    half_lives = np.array([roles[k][0] for k in by_life])
    hostile = [int(position[k]) for k, (_, role) in enumerate(roles) if role == "hostile"]
    cooperative = [int(position[k]) for k, (_, role) in enumerate(roles) if role == "cooperative"]
    heat, cooling, flow = (int(position[k]) for k in range(len(roles) - 3, len(roles)))
    raw = p.raw
    small = np.min_scalar_type(len(roles))  # channel numbers: one byte each, as a rule
    entries = [
        (position.astype(small)[2 * life_of.reshape(-1) + (p.score < 0)], np.abs(p.score)),
        (
            np.where(raw > 0, small.type(heat), small.type(cooling)),
            np.where(raw > 0, raw, raw * (model.heat_half_life / model.cooling_half_life)),
        ),
        (flow, np.abs(raw)),
    ]

    def columns_of(states: np.ndarray, out: np.ndarray) -> None:
        """The columns (``out``, shape (6, steps, dyads)) from a chunk's channel states."""
        for column, parts in ((out[1], hostile), (out[2], cooperative)):
            if parts:
                np.copyto(column, states[:, parts[0]])
                for part in parts[1:]:
                    np.add(column, states[:, part], out=column)
            else:
                column[...] = 0.0
        np.subtract(out[1], out[2], out=out[0])
        np.add(states[:, heat], states[:, cooling], out=out[4])
        np.copyto(out[5], states[:, flow])
        out[3] = stock_index(out[4], out[5], model)

    if threshold is None:
        block = _memory.empty((len(COLUMNS), n_dyads * n_steps))  # (the output)
        length = _steps.chunk_steps(len(half_lives), n_dyads, n_steps)
        emit = _into_block(block.reshape(len(COLUMNS), n_dyads, n_steps), columns_of, length)
    else:
        kept: list[tuple[np.ndarray, np.ndarray]] = []
        count = [0]

        def emit(k0: int, k1: int, states: np.ndarray) -> None:
            out = np.empty((len(COLUMNS), k1 - k0, n_dyads))
            columns_of(states, out)
            where = np.flatnonzero(out[1] + out[2] >= threshold)  # as documented: hostile + cooperative
            count[0] += len(where)
            if count[0] > MAX_KEPT_ROWS:
                raise _params.ParameterError(_too_many(threshold, count[0]))
            kept.append((where + k0 * n_dyads, out.reshape(len(COLUMNS), -1)[:, where]))

    _scan(p, times, entries, half_lives, emit)
    del entries
    if threshold is None:
        codes = np.repeat(np.arange(n_dyads), n_steps)
        dates = _tiled(times, n_dyads)
    else:  # kept step by step: sorted by dyad, then time
        where = np.concatenate([w for w, _ in kept]) if kept else np.zeros(0, dtype=np.int64)
        order = np.argsort(where % max(n_dyads, 1) * n_steps + where // max(n_dyads, 1), kind="stable")
        where = where[order]
        block = _memory.empty((len(COLUMNS), len(where)))  # (the output)
        if kept:
            values = np.concatenate([v for _, v in kept], axis=1)
            # one column at a time, in threads (np.take along axis 1 of the block is 5x slower)
            map_in_threads(
                lambda c: np.take(values[c], order, out=block[c]), range(len(COLUMNS)), workers_for(None, len(where))
            )
            del values
        del kept
        codes = where % max(n_dyads, 1)
        dates = times[where // max(n_dyads, 1)]
    out = pd.DataFrame(block.T, columns=list(COLUMNS), copy=False)
    out.insert(0, "date", dates)
    out.insert(0, "dyad", _columns.labels(p.names, codes))
    return out


def _into_block(cells: np.ndarray, columns_of, length: int):
    """``emit(k0, k1, states)`` for :func:`dense`: a chunk's columns (``columns_of``) written
    into ``cells``, the output block as (columns, dyads, steps), the chunks coming in order,
    ``length`` steps each (the last one shorter).

    With many dyads, the chunks' columns are gathered for a span of several chunks, then
    moved into the block a few dyads at a time: each dyad's row is written a span at a time,
    not a chunk (written in the scan's (step, dyad) order, a chunk of a few steps touches a
    page per value). A span of one chunk would gain nothing: the columns are then written
    straight into the block. The chunk length only sizes the span: the stage is written
    out whenever the next chunk does not fit.
    """
    n_columns, n_dyads, n_steps = cells.shape
    span = length * min(_STAGE_BYTES // (n_columns * 8 * length * max(n_dyads, 1)), 256 // length)
    if n_dyads < _STAGE_FROM or span <= length or n_steps <= length:

        def direct(k0: int, k1: int, states: np.ndarray) -> None:
            columns_of(states, cells[:, :, k0:k1].transpose(0, 2, 1))

        return direct
    stage = np.empty((n_columns, min(span, n_steps), n_dyads))
    tile = max(1, _TILE_BYTES // (8 * span))
    held = [0]  # the first step the stage holds

    def flush(s0: int, s1: int) -> None:
        for d0 in range(0, n_dyads, tile):
            d1 = min(d0 + tile, n_dyads)
            cells[:, d0:d1, s0:s1] = stage[:, : s1 - s0, d0:d1].transpose(0, 2, 1)

    def staged(k0: int, k1: int, states: np.ndarray) -> None:
        if k1 - held[0] > len(stage[0]):  # (this chunk does not fit: the stage goes first)
            flush(held[0], k0)
            held[0] = k0
        columns_of(states, stage[:, k0 - held[0] : k1 - held[0]])
        if k1 == n_steps:
            flush(held[0], k1)

    return staged


#: Dyads from which a dense grid's columns are gathered a span of several chunks at a time
#: before they go into the output block (with fewer, the block's rows touched by a chunk stay
#: within the TLB's reach and the direct write is faster); the most bytes of that span (so
#: that with very many dyads, where a span would be one chunk, the direct write stays), and
#: the bytes of the dyads' rows moved at a time (each within the caches).
_STAGE_FROM = 2048
_STAGE_BYTES = 1 << 24
_TILE_BYTES = 1 << 16


def on_steps(p: Prepared, times: pd.DatetimeIndex, matrix, half_lives, *, limit, advice=SCORE_ADVICE):
    """The channels of ``matrix`` (one nonzero per event, as :func:`tension._prepare.channels`
    lays them out) for every dyad on the grid, by the step scan: (dyad code, grid position,
    values) per row, sorted by dyad then time, as :func:`on_grid` gives them without a
    threshold (and with the same arithmetic as :func:`dense`)."""
    n_dyads, n_steps = len(p.names), len(times)
    _check_dense(n_dyads, n_steps, limit, advice)
    n, n_channels = matrix.shape
    channel = np.abs(matrix).argmax(axis=1) if n_channels else np.zeros(n, dtype=np.int64)
    value = matrix[np.arange(n), channel] if n_channels else np.zeros(n)
    states = np.empty((n_dyads, n_steps, n_channels))

    def emit(k0: int, k1: int, chunk: np.ndarray) -> None:
        states[:, k0:k1, :] = chunk.transpose(2, 0, 1)

    _scan(p, times, [(channel, value)], np.asarray(half_lives, dtype=float), emit)
    codes = np.repeat(np.arange(n_dyads), n_steps)
    positions = np.tile(np.arange(n_steps), n_dyads)
    return codes, positions, states.reshape(n_dyads * n_steps, n_channels)


def _check_dense(n_dyads: int, n_steps: int, limit: int, advice: str) -> None:
    """Refuse a dense grid of more than ``limit`` rows, before allocating anything."""
    if n_dyads * n_steps > limit:
        raise ValueError(
            f"a dense grid of {n_dyads:,} dyads x {n_steps:,} times would have "
            f"{n_dyads * n_steps:,} rows (limit {limit:,}); {advice}"
        )


def _scan(p: Prepared, times: pd.DatetimeIndex, entries, half_lives: np.ndarray, emit) -> None:
    """:func:`tension._steps.step_scan` of the prepared events on the grid ``times``."""
    if not (len(p.names) and len(times)):
        return
    grid_ticks = _time.ticks(times)
    # float days from the first time: int64 microsecond differences never overflow
    origin = int(min(p.ticks.min() if len(p.ticks) else 0, grid_ticks.min()))
    _steps.step_scan(
        p.codes,
        days(p.ticks, origin),
        days(grid_ticks, origin),
        entries,
        half_lives,
        len(p.names),
        emit,
        order=kernel_order(p),
    )


def _too_many(threshold, rows: int) -> str:
    return (
        f"threshold={threshold!r} keeps {rows:,} grid values (limit {MAX_KEPT_ROWS:,}); pass a larger "
        "threshold (e.g. 0.01), dyads=[...] to choose dyads, a coarser freq or a shorter start/end"
    )


def _tiled(times: pd.DatetimeIndex, count: int) -> pd.DatetimeIndex:
    """``times`` repeated ``count`` times end to end: one copy of the values (two for
    time-zone-aware times, localised from UTC)."""
    values = np.tile(times.asi8, count).view(f"M8[{times.unit}]")
    tiled = pd.DatetimeIndex(values, copy=False)
    return tiled if times.tz is None else tiled.tz_localize("UTC").tz_convert(times.tz)
