"""Streaming: carry each dyad's decayed stocks from one batch of events to the next."""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from . import _params, _time, core
from ._prepare import attrs, prepare
from .exceptions import StateError
from .model import Model, flow_index, index_channels, repeat_factor

__all__ = ["State", "StateError"]

#: Version of the state file layout written by :meth:`State.save` (4: times in µs, the
#: index's three stocks (hostile heat, cooperative heat, flow), a checksum).
FORMAT = 4
_PENDING = ("dyad", "time", "raw", "half_life")


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
        self.pending = _pending({k: [] for k in _PENDING})
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
                "index": flow_index(heat, flow, model=self.model),
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
                "index": flow_index(heat, flow, model=self.model),
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
        from ._version import __version__

        path = Path(path)
        data = {
            "format": FORMAT,
            "tension_version": __version__,
            "model": self.model.as_dict(),
            "tz": None if self.tz is None else str(self.tz),
            "time_unit": "us",
            "channels": self.channels.tolist(),
            "dyads": [str(d) for d in self.dyads],
            "time": [int(t) for t in self.time],
            "base": self.base.tolist(),
            "flows": self.flows.tolist(),
            "pending": {k: self.pending[k].tolist() for k in _PENDING},
        }
        data["checksum"] = _checksum(data)
        path.write_text(json.dumps(data, allow_nan=False))
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
        try:
            data = json.loads(path.read_text(), parse_constant=_refuse_constant)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise StateError(f"{path}: not a tension state file (not valid JSON: {err})") from err
        except ValueError as err:
            raise StateError(f"{path}: {err}") from err
        return cls._from_dict(data, str(path), verify=verify)

    @classmethod
    def _from_dict(cls, data, where: str, *, verify: bool) -> State:
        def fail(key, message):
            raise StateError(
                f"{where}: key '{key}': {message}; the file is damaged or was edited (save a new state from the events)"
            )

        if not isinstance(data, dict) or "format" not in data:
            raise StateError(f"{where}: not a tension state file (no 'format' key)")
        if data["format"] in (1, 2, 3) and not isinstance(data["format"], bool):
            raise StateError(
                f"{where}: a state of format {data['format']} (tension 0.1, or a development version) lacks the "
                "index's stocks of this version (hostile heat, cooperative heat, flow, times in microseconds); "
                "rebuild it with tension.State.from_events on the events it has seen"
            )
        if data["format"] != FORMAT or isinstance(data["format"], bool):
            raise StateError(
                f"{where}: not a tension state file of format {FORMAT} (format {data['format']!r}); "
                "it may come from a newer version of tension"
            )
        version = data["format"]
        keys = {
            "format",
            "model",
            "tz",
            "channels",
            "dyads",
            "time",
            "base",
            "flows",
            "pending",
            "tension_version",
            "time_unit",
            "checksum",
        }
        for key in sorted(keys - set(data)):
            fail(key, "missing")
        for key in sorted(set(data) - keys):
            fail(key, f"unknown key (a format {version} file has {sorted(keys)})")
        if verify and data["checksum"] != _checksum({k: v for k, v in data.items() if k != "checksum"}):
            raise StateError(
                f"{where}: key 'checksum': the content does not match the checksum written by State.save: the "
                "file is damaged or was edited; State.load(path, verify=False) reads an edited file, still "
                "checking every key"
            )
        if data["time_unit"] != "us":
            fail("time_unit", f"must be 'us', not {data['time_unit']!r}")
        model = data["model"]
        if not isinstance(model, dict):
            fail("model", f"must be a mapping of Model parameters, not {type(model).__name__}")
        if not isinstance(model.get("directed", False), bool):
            fail("model.directed", f"must be true or false, not {model['directed']!r}")
        try:
            state = cls(Model(**model))
        except (TypeError, ValueError) as err:
            fail("model", str(err))
        tz = data["tz"]
        if tz is not None:
            try:
                pd.DatetimeIndex([], tz=tz)
            except Exception:  # noqa: BLE001 - any failure means not a time zone
                fail("tz", f"not a time zone ({tz!r})")
        state.tz = tz
        channels = _array(data["channels"], "channels", fail, float)
        if channels.size == 0:
            channels = np.zeros((0, 2))
        if channels.ndim != 2 or channels.shape[1] != 2:
            fail("channels", "must be a list of [half_life, sign] pairs")
        if not (np.isfinite(channels[:, 0]).all() and (channels[:, 0] > 0).all()):
            fail("channels", "half-lives must be positive finite numbers of days")
        if not np.isin(channels[:, 1], (-1.0, 1.0)).all():
            fail("channels", "signs must be 1 (hostile) or -1 (cooperative)")
        if len({tuple(c) for c in channels.tolist()}) != len(channels):
            fail("channels", "a (half-life, sign) pair appears twice")
        dyads = data["dyads"]
        if not isinstance(dyads, list) or not all(isinstance(d, str) for d in dyads):
            fail("dyads", "must be a list of dyad labels")
        sep = "->" if state.model.directed else "-"
        wrong = [
            d
            for d in dyads
            if len(d.split(sep)) != 2 or not all(d.split(sep)) or (not state.model.directed and "->" in d)
        ]
        if wrong:
            fail(
                "dyads",
                f"labels {wrong[:3]} do not read as {'directed' if state.model.directed else 'undirected'} "
                f"dyads ('{'PAK->IRN' if state.model.directed else 'IRN-PAK'}')",
            )
        if len(set(dyads)) != len(dyads):
            fail("dyads", "a dyad appears twice")
        time = _array(data["time"], "time", fail, int)
        if len(time) != len(dyads):
            fail("time", f"has {len(time)} values for {len(dyads)} dyads")
        lo, hi = _time.tick(pd.Timestamp("0001-01-01")), _time.tick(pd.Timestamp("9999-12-31"))
        if len(time) and (time.min() < lo or time.max() > hi):
            fail("time", "times must lie in years 1 to 9999")
        base = _array(data["base"], "base", fail, float)
        if base.size == 0:
            base = np.zeros((len(dyads), len(channels)))
        if base.shape != (len(dyads), len(channels)):
            fail("base", f"must be {len(dyads)} rows (dyads) of {len(channels)} values (channels), not {base.shape}")
        if not (np.isfinite(base).all() and (base >= 0).all()):
            fail("base", "stocks must be finite and >= 0")
        flows = _array(data["flows"], "flows", fail, float)
        if flows.size == 0:
            flows = np.zeros((len(dyads), 3))
        if flows.shape != (len(dyads), 3):
            fail(
                "flows",
                f"must be {len(dyads)} rows (dyads) of 3 values (hostile heat, cooperative heat, flow), "
                f"not {flows.shape}",
            )
        if not (
            np.isfinite(flows).all()
            and (flows[:, 0] >= 0).all()
            and (flows[:, 1] <= 0).all()
            and (flows[:, 2] >= 0).all()
        ):
            fail("flows", "stocks must be finite, the hostile heat and the flow >= 0, the cooperative heat <= 0")
        pending = data["pending"]
        names = ("dyad", "time", "raw", "half_life")
        if not isinstance(pending, dict) or set(pending) != set(names):
            fail("pending", f"must be a mapping with keys {list(names)}")
        columns = {}
        for name, kind in zip(names, (str, int, float, float), strict=True):
            values = pending[name]
            if not isinstance(values, list):
                fail(f"pending.{name}", "must be a list")
            columns[name] = values if kind is str else _array(values, f"pending.{name}", fail, kind)
        if len({len(v) for v in columns.values()}) > 1:
            fail("pending", "its lists have different lengths")
        if not all(isinstance(d, str) for d in columns["dyad"]):
            fail("pending.dyad", "must be a list of dyad labels")
        where_dyad = pd.Index(dyads).get_indexer(columns["dyad"]) if dyads else np.full(len(columns["dyad"]), -1)
        if (where_dyad < 0).any():
            missing = sorted({d for d, i in zip(columns["dyad"], where_dyad, strict=True) if i < 0})
            fail("pending.dyad", f"rows name dyads the state does not have ({missing[:3]})")
        pending_time = columns[names[1]]
        if (pending_time != time[where_dyad]).any():
            fail(f"pending.{names[1]}", "a pending event is not at its dyad's last event time")
        if not np.isfinite(columns["raw"]).all():
            fail("pending.raw", "scores must be finite")
        lives = columns["half_life"]
        signs = np.where(columns["raw"] < 0, -1.0, 1.0)
        known = {tuple(c) for c in channels.tolist()}
        if any((float(h), float(s)) not in known for h, s in zip(lives, signs, strict=True)):
            fail("pending.half_life", "a pending event's (half-life, sign) is not one of the channels")
        state.channels = channels
        state.dyads = np.asarray(dyads, dtype=object)
        state.time = time
        state.base = base
        state.flows = flows
        state.pending = _pending(
            {"dyad": columns["dyad"], "time": pending_time, "raw": columns["raw"], "half_life": lives}
        )
        if len(dyads) and (np.asarray(sorted(dyads), dtype=object) != state.dyads).any():
            order = np.argsort(state.dyads.astype(str), kind="stable")
            state.dyads, state.time, state.base = state.dyads[order], state.time[order], state.base[order]
            state.flows = state.flows[order]
        return state

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
        opened = _pending(
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


def _pending(columns: dict) -> pd.DataFrame:
    return pd.DataFrame({k: columns[k] for k in _PENDING}).astype(
        {"dyad": object, "time": np.int64, "raw": float, "half_life": float}
    )


def _checksum(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _refuse_constant(name: str):
    raise ValueError(f"not a tension state file: it holds {name}, which State.save never writes")


def _array(values, key: str, fail, kind) -> np.ndarray:
    """A JSON list (or list of lists) as an array of ints or floats; booleans, strings,
    None and ragged lists are refused."""
    if not isinstance(values, list):
        fail(key, f"must be a list, not {type(values).__name__}")

    def ok(v):
        if isinstance(v, bool):
            return False
        if kind is int:
            return isinstance(v, int)
        return isinstance(v, int | float) and math.isfinite(v)

    flat = [v for row in values for v in row] if values and all(isinstance(r, list) for r in values) else values
    if values and all(isinstance(r, list) for r in values) and len({len(r) for r in values}) > 1:
        fail(key, "rows of different lengths")
    bad = [v for v in flat if not ok(v)]
    if bad:
        what = "whole numbers" if kind is int else "finite numbers"
        fail(key, f"must hold {what}, found {bad[0]!r}")
    if kind is int:
        try:
            out = np.asarray(values, dtype=np.int64)
        except OverflowError:
            fail(key, "a number is out of range")
    else:
        out = np.asarray(values, dtype=float)
    return out
