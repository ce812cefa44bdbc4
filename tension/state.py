"""Streaming: carry each dyad's decayed stocks from one batch of events to the next."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import _params, _time, core
from ._prepare import attrs, prepare
from ._state_file import FORMAT, PENDING, from_dict, payload, pending_frame, read
from .exceptions import StateError
from .model import Model, index_channels, repeat_factor, stock_index

__all__ = ["FORMAT", "State", "StateError"]


class State:
    """Each dyad's stocks at its last event, updated batch by batch as a full rescore would be.

    Parameters
    ----------
    model : Model, optional
        The model every batch is scored with (default :class:`tension.Model()`).

    Notes
    -----
    Per dyad the state keeps, for each channel (half-life and sign), the stock at the
    dyad's last event time, split into the part before the last occasion and that
    occasion's events (kept raw): events of a later batch at the same timestamp join the
    occasion and the same-occasion discount is recomputed, so updates stay exact. It
    also keeps the index's ``heat`` and ``flow`` at that time (scores before the
    discount, so no occasion needs to be kept for them).

    Events older than their dyad's last event are refused with :class:`StateError` (the
    state keeps no history to insert them); rescore those dyads from all their events
    with :func:`tension.score_events` and start a new state.

    Examples
    --------
    >>> import tension as tn
    >>> events = tn.datasets.pakistan_iran_2024()
    >>> state = tn.State()
    >>> first = state.update(events[events["date"] < "2024-01-29"])
    >>> later = state.update(events[events["date"] >= "2024-01-29"])
    >>> print(f'{later["tension"].iloc[-1]:.2f} = {tn.score_events(events)["tension"].iloc[-1]:.2f}')
    30.54 = 30.54
    >>> state.snapshot(at="2024-02-29")[["dyad", "tension"]].round(2)
          dyad  tension
    0  IRN-PAK    14.91
    """

    def __init__(self, model: Model | None = None):
        if model is not None and not isinstance(model, Model):
            raise TypeError(f"model must be a tension.Model, not {type(model).__name__}")
        self.model = model or Model()
        self.channels = np.zeros((0, 2))  # (half-life, sign) per channel
        self.dyads = np.zeros(0, dtype=object)
        self.time = np.zeros(0, dtype=np.int64)  # last event time per dyad [µs since epoch, UTC]
        self.base = np.zeros((0, 0))  # stocks just before the last occasion, at `time`
        self.flows = np.zeros((0, 3))  # the index's three stocks at `time` (no discount: no occasion to keep)
        self.pending = pending_frame({k: [] for k in PENDING})
        self.tz: object = None  # the events' time zone (None: naive), from the first update

    # --- reading -----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.dyads)

    def __repr__(self) -> str:
        last = _time.dates([self.time.max()], "UTC")[0] if len(self.time) else None
        return f"State({len(self)} dyads, {len(self.channels)} channels, last event {last})"

    def stocks(self) -> pd.DataFrame:
        """The stocks of every dyad at its last event: hostile and cooperative (DataFrame)."""
        totals = self._totals()
        hostile = totals[:, self.channels[:, 1] > 0].sum(axis=1)
        cooperative = totals[:, self.channels[:, 1] < 0].sum(axis=1)
        return pd.DataFrame(
            {"dyad": self.dyads, "date": self._dates(self.time), "hostile": hostile, "cooperative": cooperative}
        )

    def snapshot(self, *, at) -> pd.DataFrame:
        """Every dyad's reading at ``at`` (on or after its last event), most tense first.

        Returns the columns of :func:`tension.score` with ``at=``; equal to it for the
        events the state has seen.
        """
        when = _params.timestamp("at", at, required=True)
        if when.tz is None and self.tz is not None:
            when = when.tz_localize(self.tz)
        elif when.tz is not None and self.tz is None:  # naive events are UTC: the same instant, as tn.score reads it
            when = when.tz_convert("UTC").tz_localize(None)
        when_ticks = _time.tick(when)
        early = self.time > when_ticks
        if early.any():
            raise StateError(
                f"at={when} is before the last event of {int(early.sum())} dyads (e.g. {self.dyads[early][0]} "
                f"on {self._dates(self.time[early][:1])[0]}); a state only reads forward"
            )
        elapsed = -_time.days(self.time, when_ticks)
        decayed = self._totals() * np.exp2(-elapsed[:, None] / self.channels[None, :, 0])
        hostile = decayed[:, self.channels[:, 1] > 0].sum(axis=1)
        cooperative = decayed[:, self.channels[:, 1] < 0].sum(axis=1)
        tension = hostile - cooperative
        flows = self.flows * np.exp2(-elapsed[:, None] / self._flow_lives()[None, :])
        heat, flow = flows[:, 0] + flows[:, 1], flows[:, 2]
        out = pd.DataFrame(
            {
                "dyad": self.dyads,
                "date": pd.DatetimeIndex([when] * len(self)),
                "tension": tension,
                "hostile": hostile,
                "cooperative": cooperative,
                "index": stock_index(heat, flow, self.model),
                "heat": heat,
                "flow": flow,
            }
        )
        out = out.sort_values(["tension", "dyad"], ascending=[False, True], kind="stable").reset_index(drop=True)
        out.attrs = attrs(self.model, at=str(when))
        return out

    # --- updating ----------------------------------------------------------------

    def update(self, events) -> pd.DataFrame:
        """Add a batch of events; return their readings as :func:`tension.score_events` would.

        Parameters
        ----------
        events : DataFrame or path
            Events in the schema of :func:`tension.read_events`, in any order, none older
            than its dyad's last event in the state.

        Returns
        -------
        pandas.DataFrame
            The batch's index and row order, columns ``dyad``, ``date``, ``score``,
            ``tension``, ``hostile``, ``cooperative``, ``index``, equal to a full rescore
            of every event seen so far (within floating-point rounding).

        Raises
        ------
        StateError
            If an event is older than its dyad's last event in the state.
        """
        p = prepare(events, self.model)
        ticks = _time.ticks(p.events["date"])
        if len(ticks) and len(self.dyads) and (self.tz is None) != (p.tz is None):  # (as within one batch)
            raise StateError(
                f"this batch's dates {'have a time zone' if p.tz is not None else 'have no time zone'} and the "
                f"state's {'have none' if self.tz is None else f'are in {self.tz}'}: give every batch a time zone, "
                "or none"
            )
        if self.tz is None and len(ticks):
            self.tz = p.tz
        position = pd.Index(self.dyads).get_indexer(p.dyads) if len(self.dyads) else np.full(len(ticks), -1)
        known = position >= 0
        too_old = known & (ticks < self.time[np.maximum(position, 0)]) if len(self.dyads) else known
        if too_old.any():
            rows = p.events.index[too_old].tolist()
            example = int(np.flatnonzero(too_old)[0])
            raise StateError(
                f"{int(too_old.sum())} events are older than their dyad's last event in the state (rows "
                f"{rows[:8]}{' …' if len(rows) > 8 else ''}; e.g. {p.dyads[example]} on {p.events['date'].iloc[example]}, "
                f"state at {self._dates(self.time[position[example : example + 1]])[0]}); a state keeps no history: "
                "rescore those dyads with tension.score_events on all their events"
            )
        # channels: the state's and the batch's
        sign = np.where(p.score < 0, -1.0, 1.0)
        self._add_channels(np.unique(np.stack([p.half_life, sign], axis=1), axis=0) if len(ticks) else np.zeros((0, 2)))
        affected = np.unique(position[known])
        # the combined sequence: the state of each affected dyad (a pseudo-event), its open
        # occasion (raw) and the batch (raw); the discount is recomputed on raw scores
        open_rows = self.pending[self.pending["dyad"].isin(self.dyads[affected])]
        dyad = np.concatenate([self.dyads[affected], open_rows["dyad"].to_numpy(dtype=object), p.dyads])
        ns = np.concatenate([self.time[affected], open_rows["time"].to_numpy(), ticks])
        raw = np.concatenate([np.zeros(len(affected)), open_rows["raw"].to_numpy(), p.raw])
        lives = np.concatenate([np.ones(len(affected)), open_rows["half_life"].to_numpy(), p.half_life])
        is_state = np.zeros(len(ns), dtype=bool)
        is_state[: len(affected)] = True
        codes, names = pd.factorize(dyad, sort=True)
        names = np.asarray(names, dtype=object)
        factor = repeat_factor(codes[~is_state], ns[~is_state], raw[~is_state], self.model.repeat_discount)
        effective = np.zeros(len(ns))
        effective[~is_state] = raw[~is_state] * factor
        matrix = np.zeros((len(ns), len(self.channels)))
        matrix[: len(affected)] = self.base[affected]
        channel = self._channel_of(lives[~is_state], np.where(raw[~is_state] < 0, -1.0, 1.0))
        matrix[np.flatnonzero(~is_state), channel] = np.abs(effective[~is_state])
        days = _time.days(ns, int(ns.min()) if len(ns) else 0)
        kernel = core.run(codes, days, matrix, self.channels[:, 0])
        states = core.at_events(kernel)
        batch = slice(len(ns) - len(ticks), len(ns))
        signs = self.channels[:, 1]
        hostile = states[batch][:, signs > 0].sum(axis=1)
        cooperative = states[batch][:, signs < 0].sum(axis=1)
        tension = hostile - cooperative
        # the index's stocks: the dyad's state as a pseudo-event, then the batch's raw scores
        # (already-open occasion events are in the state: they count in full, once)
        flow_matrix = np.zeros((len(ns), 3))
        flow_matrix[: len(affected)] = self.flows[affected]
        batch_rows = np.arange(len(ns) - len(ticks), len(ns))
        flow_matrix[batch_rows] = index_channels(p.raw, model=self.model)[0]
        flow_kernel = core.run(codes, days, flow_matrix, self._flow_lives())
        flows = core.at_events(flow_kernel)[batch]
        heat, flow = flows[:, 0] + flows[:, 1], flows[:, 2]
        self._store(names, codes, ns, raw, lives, effective, matrix, is_state, kernel, flow_kernel)
        out = pd.DataFrame(
            {
                "dyad": p.dyads,
                "date": p.events["date"],
                "score": effective[batch],
                "tension": tension,
                "hostile": hostile,
                "cooperative": cooperative,
                "index": stock_index(heat, flow, self.model),
                "heat": heat,
                "flow": flow,
            },
            index=p.events.index,
        )
        out.attrs = attrs(self.model)
        return out

    @classmethod
    def from_events(cls, events, *, model: Model | None = None) -> State:
        """A state that has seen ``events``."""
        state = cls(model)
        state.update(events)
        return state

    # --- saving --------------------------------------------------------------------

    def save(self, path) -> Path:
        """Write the state to a JSON file (floats round-trip exactly).

        The file records its format version (:data:`FORMAT`), the time unit and a
        SHA-256 checksum of its content, which :meth:`load` verifies.
        """
        path = Path(path)
        path.write_text(json.dumps(payload(self), allow_nan=False))
        return path

    @classmethod
    def load(cls, path, *, verify: bool = True) -> State:
        """Read a state written by :meth:`save`, checking every key.

        Parameters
        ----------
        path : str or path
        verify : bool, default True
            Refuse a file whose content no longer matches its checksum (damaged, or
            edited by hand). With False a hand-edited file is still checked key by key.

        Raises
        ------
        StateError
            Naming the key: not a state file, an unknown format, a checksum mismatch,
            a missing or unknown key, a value of the wrong type or range (a non-boolean
            ``directed``, a NaN or negative half-life or stock), or a cross-reference
            that does not hold (a pending row of a dyad the state does not have).
        """
        path = Path(path)
        return from_dict(cls, read(path), str(path), verify=verify)

    # --- internals -------------------------------------------------------------------

    def _dates(self, ticks) -> pd.DatetimeIndex:
        return _time.dates(ticks, self.tz)

    def _totals(self) -> np.ndarray:
        """Stocks at each dyad's last event: base plus the open occasion's discounted scores."""
        totals = self.base.copy()
        if len(self.pending):
            codes = pd.Index(self.dyads).get_indexer(self.pending["dyad"])
            raw = self.pending["raw"].to_numpy()
            factor = repeat_factor(codes, self.pending["time"].to_numpy(), raw, self.model.repeat_discount)
            channel = self._channel_of(self.pending["half_life"].to_numpy(), np.where(raw < 0, -1.0, 1.0))
            np.add.at(totals, (codes, channel), np.abs(raw * factor))
        return totals

    def _add_channels(self, keys: np.ndarray):
        new = [k for k in map(tuple, keys) if k not in set(map(tuple, self.channels))]
        if new:
            self.channels = np.vstack([self.channels, np.asarray(new, dtype=float)])
            self.base = np.hstack([self.base, np.zeros((len(self.base), len(new)))])

    def _channel_of(self, lives: np.ndarray, signs: np.ndarray) -> np.ndarray:
        """Channel of each event, looked up once per distinct (half-life, sign)."""
        keys = pd.MultiIndex.from_arrays([self.channels[:, 0], self.channels[:, 1]])
        return keys.get_indexer(pd.MultiIndex.from_arrays([np.asarray(lives, float), np.asarray(signs, float)]))

    def _flow_lives(self) -> np.ndarray:
        return index_channels([], model=self.model)[1]

    def _store(self, names, codes, ns, raw, lives, effective, matrix, is_state, kernel, flow_kernel):
        """Keep, per dyad of this update, its last time, the open occasion and the base."""
        last_time = np.full(len(names), np.iinfo(np.int64).min)
        np.maximum.at(last_time, codes, ns)
        in_occasion = (ns == last_time[codes]) & ~is_state
        # stock at the last time = final kernel state; base = that minus the occasion's own scores
        _, _, final = core.final_states(kernel)
        occasion = np.zeros((len(names), len(self.channels)))
        np.add.at(occasion, codes[in_occasion], matrix[in_occasion])
        base = np.maximum(final - occasion, 0.0)
        index = pd.Index(self.dyads).get_indexer(names) if len(self.dyads) else np.full(len(names), -1)
        fresh = index < 0
        self.dyads = np.concatenate([self.dyads, names[fresh].astype(object)])
        self.time = np.concatenate([self.time, np.zeros(int(fresh.sum()), dtype=np.int64)])
        self.base = np.vstack([self.base, np.zeros((int(fresh.sum()), len(self.channels)))])
        self.flows = np.vstack([self.flows, np.zeros((int(fresh.sum()), 3))])
        index = pd.Index(self.dyads).get_indexer(names)
        self.time[index] = last_time
        self.base[index] = base
        flow_groups, _, flow_final = core.final_states(flow_kernel)
        self.flows[pd.Index(self.dyads).get_indexer(names[flow_groups])] = flow_final
        keep = ~self.pending["dyad"].isin(names)
        opened = pending_frame(
            {
                "dyad": names[codes[in_occasion]].astype(object),
                "time": ns[in_occasion],
                "raw": raw[in_occasion],
                "half_life": lives[in_occasion],
            }
        )
        self.pending = pd.concat([self.pending[keep], opened], ignore_index=True)
        order = np.argsort(self.dyads.astype(str), kind="stable")
        self.dyads, self.time, self.base = self.dyads[order], self.time[order], self.base[order]
        self.flows = self.flows[order]
