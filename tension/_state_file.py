"""The state file of :class:`tension.State` (format 4): the payload :meth:`State.save` writes,
its checksum, and the key-by-key validation :meth:`State.load` runs."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _time
from .countries import country_codes
from .exceptions import StateError
from .model import DEFAULT_HALF_LIFE, Model

#: Version of the state file layout written by :meth:`State.save` (4: times in µs, the
#: index's three stocks (hostile heat, cooperative heat, flow), a checksum).
FORMAT = 4
PENDING = ("dyad", "time", "raw", "half_life")


def payload(state) -> dict:
    """The content :meth:`State.save` writes, with its checksum."""
    from ._version import __version__

    data = {
        "format": FORMAT,
        "tension_version": __version__,
        "model": state.model.as_dict(),
        "tz": None if state.tz is None else str(state.tz),
        "time_unit": "us",
        "channels": state.channels.tolist(),
        "dyads": [str(d) for d in state.dyads],
        "time": [int(t) for t in state.time],
        "base": state.base.tolist(),
        "flows": state.flows.tolist(),
        "pending": {k: state.pending[k].tolist() for k in PENDING},
    }
    data["checksum"] = checksum(data)
    return data


def read(path: Path):
    """The JSON content of a state file; :class:`StateError` if it is not JSON as written by ``save``."""
    try:
        data = json.loads(path.read_text(), parse_constant=refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise StateError(f"{path}: not a tension state file (not valid JSON: {err})") from err
    except ValueError as err:
        raise StateError(f"{path}: {err}") from err
    return data


def _model_half_lives(model: Model) -> set[float]:
    """Every half-life [days] the model can give an event: its one half-life, or the values
    of its mapping by kind or quad class and the default."""
    if not isinstance(model.half_life, Mapping):
        return {float(model.half_life)}
    table = model.half_life
    return {float(v) for v in table.values()} | {float(table.get("default", DEFAULT_HALF_LIFE))}


def from_dict(make: Callable[[Model], Any], data, where: str, *, verify: bool):
    """A state (built by ``make(model)``) from a state file's content, checking every key."""

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
    if verify and data["checksum"] != checksum({k: v for k, v in data.items() if k != "checksum"}):
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
        state = make(Model(**model))
    except (TypeError, ValueError) as err:
        fail("model", str(err))
    tz = data["tz"]
    if tz is not None:
        try:
            pd.DatetimeIndex([], tz=tz)
        except Exception:  # noqa: BLE001 - any failure means not a time zone
            fail("tz", f"not a time zone ({tz!r})")
    state.tz = tz
    channels = array(data["channels"], "channels", fail, float)
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
    given = _model_half_lives(state.model)
    alien = sorted({float(h) for h in channels[:, 0]} - given)
    if alien:  # (a state mixing half-lives: scores would follow none of them)
        fail(
            "channels",
            f"half-lives {alien} are none the model gives ({sorted(given)}): the model does not match the stocks",
        )
    dyads = data["dyads"]
    if not isinstance(dyads, list) or not all(isinstance(d, str) for d in dyads):
        fail("dyads", "must be a list of dyad labels")
    sep = "->" if state.model.directed else "-"
    codes = country_codes()

    def readable(label: str) -> bool:  # (as update() writes it: else the dyad's next events start another dyad)
        parts = label.split(sep)
        return (
            len(parts) == 2
            and parts[0] != parts[1]
            and all(part in codes for part in parts)
            and (state.model.directed or parts[0] < parts[1])
        )

    wrong = [d for d in dyads if not readable(d)]
    if wrong:
        fail(
            "dyads",
            f"labels {wrong[:3]} do not read as {'directed' if state.model.directed else 'undirected'} "
            f"dyads ('{'PAK->IRN' if state.model.directed else 'IRN-PAK'}': two different country codes"
            f"{'' if state.model.directed else ', in alphabetical order'})",
        )
    if len(set(dyads)) != len(dyads):
        fail("dyads", "a dyad appears twice")
    time = array(data["time"], "time", fail, int)
    if len(time) != len(dyads):
        fail("time", f"has {len(time)} values for {len(dyads)} dyads")
    lo, hi = _time.tick(pd.Timestamp("0001-01-01")), _time.tick(pd.Timestamp("9999-12-31"))
    if len(time) and (time.min() < lo or time.max() > hi):
        fail("time", "times must lie in years 1 to 9999")
    base = array(data["base"], "base", fail, float)
    if base.size == 0:
        base = np.zeros((len(dyads), len(channels)))
    if base.shape != (len(dyads), len(channels)):
        fail("base", f"must be {len(dyads)} rows (dyads) of {len(channels)} values (channels), not {base.shape}")
    if not (np.isfinite(base).all() and (base >= 0).all()):
        fail("base", "stocks must be finite and >= 0")
    flows = array(data["flows"], "flows", fail, float)
    if flows.size == 0:
        flows = np.zeros((len(dyads), 3))
    if flows.shape != (len(dyads), 3):
        fail(
            "flows",
            f"must be {len(dyads)} rows (dyads) of 3 values (hostile heat, cooperative heat, flow), not {flows.shape}",
        )
    if not (
        np.isfinite(flows).all() and (flows[:, 0] >= 0).all() and (flows[:, 1] <= 0).all() and (flows[:, 2] >= 0).all()
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
        columns[name] = values if kind is str else array(values, f"pending.{name}", fail, kind)
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
    state.pending = pending_frame(
        {"dyad": columns["dyad"], "time": pending_time, "raw": columns["raw"], "half_life": lives}
    )
    if len(dyads) and (np.asarray(sorted(dyads), dtype=object) != state.dyads).any():
        order = np.argsort(state.dyads.astype(str), kind="stable")
        state.dyads, state.time, state.base = state.dyads[order], state.time[order], state.base[order]
        state.flows = state.flows[order]
    return state


def pending_frame(columns: dict) -> pd.DataFrame:
    return pd.DataFrame({k: columns[k] for k in PENDING}).astype(
        {"dyad": object, "time": np.int64, "raw": float, "half_life": float}
    )


def checksum(data: dict) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def refuse_constant(name: str):
    raise ValueError(f"not a tension state file: it holds {name}, which State.save never writes")


def array(values, key: str, fail, kind) -> np.ndarray:
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
