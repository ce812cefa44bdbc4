"""Kinds of events, their CAMEO codes and their default weights.

Default weights are never typed in: each kind carries a CAMEO code and its weight is
``-Goldstein(code)`` read from GDELT's lookup table shipped in ``tension/data``
(see ``tension/data/PROVENANCE.md``). Positive weights are hostile, negative weights
cooperative.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from importlib import resources

import numpy as np
import pandas as pd

from .exceptions import ParameterError

__all__ = [
    "TAXONOMY_VERSION",
    "QUAD_CLASSES",
    "MEMORY_BY_QUAD",
    "kinds",
    "goldstein",
    "quad_class",
    "cameo_kinds",
    "cameo_to_kind",
    "resolve_weights",
]

#: Version of the default taxonomy (``tension/data/kinds.csv``). Bump it when a kind is
#: added, removed or moved to another CAMEO code: scores computed under different
#: versions are not comparable.
TAXONOMY_VERSION = "2024.1"

#: CAMEO quad classes as GDELT assigns them from the root code:
#: 01-05 verbal cooperation, 06-09 material cooperation, 10-14 verbal conflict,
#: 15-20 material conflict.
QUAD_CLASSES = {
    1: "verbal_cooperation",
    2: "material_cooperation",
    3: "verbal_conflict",
    4: "material_conflict",
}

#: An alternative memory model ("memory by kind"), not the default: half-lives in days
#: per quad class, material conflict remembered twice as long as the default 30 days and
#: verbal cooperation a third as long. Pass it as ``half_life=MEMORY_BY_QUAD``.
MEMORY_BY_QUAD = {
    "material_conflict": 60.0,
    "verbal_conflict": 30.0,
    "material_cooperation": 30.0,
    "verbal_cooperation": 10.0,
}

# The kind that stands for each CAMEO root when no more specific kind fits a code.
_ROOT_KIND = {
    "01": "public_statement",
    "02": "appeal",
    "03": "pledge_cooperation",
    "04": "talks",
    "05": "diplomatic_cooperation",
    "06": "material_cooperation",
    "07": "aid",
    "08": "yield",
    "09": "investigate",
    "10": "demand",
    "11": "disapprove",
    "12": "reject",
    "13": "threat",
    "14": "protest",
    "15": "military_posture",
    "16": "reduce_relations",
    "17": "coerce",
    "18": "armed_attack",
    "19": "armed_clash",
    "20": "mass_violence",
}


def _data_text(name: str) -> str:
    return resources.files("tension").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def goldstein_table() -> dict[str, float]:
    rows = csv.reader(_data_text("CAMEO.goldsteinscale.txt").splitlines(), delimiter="\t")
    next(rows)  # header: CAMEOEVENTCODE, GOLDSTEINSCALE
    return {code.strip(): float(value) for code, value in rows}


@functools.cache
def cameo_descriptions() -> dict[str, str]:
    rows = csv.reader(_data_text("CAMEO.eventcodes.txt").splitlines(), delimiter="\t")
    next(rows)
    return {code.strip(): text.strip() for code, text in rows}


@functools.cache
def _default_kinds() -> pd.DataFrame:
    table = pd.read_csv(
        resources.files("tension").joinpath("data", "kinds.csv"),
        dtype={"cameo": str},
        keep_default_na=False,
    )
    table["goldstein"] = [goldstein(c) for c in table["cameo"]]
    table["weight"] = -table["goldstein"]
    table["quad_class"] = [QUAD_CLASSES[quad_class(c)] for c in table["cameo"]]
    descriptions = _cameo_descriptions()
    table["cameo_description"] = [descriptions[c] for c in table["cameo"]]
    return table[["kind", "cameo", "label", "goldstein", "weight", "quad_class", "definition", "cameo_description"]]


def _normal_code(code) -> str:
    text = str(code).strip()
    if not text.isdigit() or not 2 <= len(text) <= 4:
        raise ValueError(f"{code!r} is not a CAMEO event code (2 to 4 digits, e.g. '0312')")
    return text


def goldstein(code: str) -> float:
    """Goldstein (1992) conflict-cooperation value of a CAMEO event code.

    Parameters
    ----------
    code : str
        CAMEO event code with its leading zeros, e.g. ``"0312"``.

    Returns
    -------
    float
        Value on the Goldstein scale [-10, +10] (negative = conflict), as GDELT's lookup
        table gives it. A code missing from the table falls back to its 3-digit base
        code, then to its 2-digit root.

    Raises
    ------
    ValueError
        If the code is not 2-4 digits or not even its root is a CAMEO root.

    References
    ----------
    Goldstein, J. S. (1992). A Conflict-Cooperation Scale for WEIS Events Data.
    Journal of Conflict Resolution 36(2), 369-385. GDELT lookup table
    ``CAMEO.goldsteinscale.txt``, http://gdeltproject.org/.

    Examples
    --------
    >>> goldstein("195")
    -10.0
    >>> goldstein("1951")  # not in the table: falls back to 195
    -10.0
    """
    text = _normal_code(code)
    table = _goldstein_table()
    for candidate in (text, text[:3], text[:2]):
        if candidate in table:
            return table[candidate]
    raise ValueError(f"CAMEO code {code!r}: neither it nor its root {text[:2]!r} is known")


def quad_class(code: str) -> int:
    """CAMEO quad class (1-4) of an event code, from its 2-digit root.

    Examples
    --------
    >>> quad_class("0312"), quad_class("195")
    (1, 4)
    """
    root = int(_normal_code(code)[:2])
    if not 1 <= root <= 20:
        raise ValueError(f"CAMEO code {code!r}: root {root:02d} is not in 01-20")
    return 1 if root <= 5 else 2 if root <= 9 else 3 if root <= 14 else 4


def cameo_to_kind(code: str) -> str:
    """The default kind of a CAMEO event code.

    The kind whose own code matches exactly, else the kind of the 3-digit base code,
    else the kind standing for the 2-digit root.

    Examples
    --------
    >>> cameo_to_kind("1951"), cameo_to_kind("0313"), cameo_to_kind("162")
    ('airstrike', 'pledge_cooperation', 'reduce_relations')
    """
    text = _normal_code(code)
    by_code = _kind_by_code()
    for candidate in (text, text[:3]):
        if candidate in by_code:
            return by_code[candidate]
    quad_class(text)  # validates the root
    return _ROOT_KIND[text[:2]]


@functools.cache
def _kind_by_code() -> dict[str, str]:
    table = _default_kinds()
    return dict(zip(table["cameo"].tolist(), table["kind"].tolist(), strict=True))


def cameo_to_kinds(codes) -> np.ndarray:
    """:func:`cameo_to_kind` of many codes at once (each distinct code looked up once)."""
    array = np.asarray(codes, dtype=object).reshape(-1)
    positions, uniques = pd.factorize(array, use_na_sentinel=True)
    if (positions < 0).any():  # a missing value is no code: refused, as itself
        cameo_to_kind(array[np.argmax(positions < 0)])
    return np.array([cameo_to_kind(code) for code in uniques] + [None], dtype=object)[positions]


def cameo_kinds() -> pd.DataFrame:
    """Every CAMEO code of GDELT's Goldstein table and the kind it maps to.

    Returns
    -------
    pandas.DataFrame
        One row per code (311 rows), columns ``cameo`` (str), ``description``,
        ``goldstein``, ``kind``, ``kind_cameo`` (the kind's own code) and ``quad_class``.

    Examples
    --------
    >>> table = cameo_kinds()
    >>> table.set_index("cameo").loc[["1823", "0313"], ["kind", "goldstein"]]
                         kind  goldstein
    cameo
    1823         armed_attack      -10.0
    0313   pledge_cooperation        5.2
    """
    codes = list(_goldstein_table())
    own = dict(zip(_default_kinds()["kind"], _default_kinds()["cameo"], strict=True))
    kind = [cameo_to_kind(c) for c in codes]
    descriptions = _cameo_descriptions()
    return pd.DataFrame(
        {
            "cameo": codes,
            "description": [descriptions.get(c, "") for c in codes],
            "goldstein": [_goldstein_table()[c] for c in codes],
            "kind": kind,
            "kind_cameo": [own[k] for k in kind],
            "quad_class": [QUAD_CLASSES[quad_class(c)] for c in codes],
        }
    )


def resolve_weights(weights: Mapping[str, float] | pd.DataFrame | None = None) -> dict[str, float]:
    """Base weight of every kind: the defaults, updated by the user's weights.

    Parameters
    ----------
    weights : mapping kind -> float, DataFrame or None
        Signed base weights (positive = hostile, negative = cooperative). New kinds are
        added, existing ones overridden. A DataFrame needs columns ``kind`` and
        ``weight``.

    Returns
    -------
    dict
        kind -> signed base weight.

    Examples
    --------
    >>> w = resolve_weights({"drone_incursion": 6.0, "talks": -2.0})
    >>> w["drone_incursion"], w["talks"], w["airstrike"]
    (6.0, -2.0, 10.0)
    """
    table = _default_kinds()
    out = dict(zip(table["kind"], table["weight"].astype(float), strict=True))
    out.update(_user_weights(weights))
    return out


#: Largest absolute weight, of a kind or of an event's ``weight`` column: sums of larger
#: ones could overflow to infinity.
MAX_WEIGHT = 1e100


def user_weights(weights) -> dict[str, float]:
    """The user's weights (mapping or table with ``kind``, ``weight``) as a checked dict:
    kinds are non-empty strings, each given once; weights finite numbers within
    ±:data:`MAX_WEIGHT`."""
    if weights is None:
        return {}
    if isinstance(weights, pd.DataFrame):
        missing = {"kind", "weight"} - set(weights.columns)
        if missing:
            raise ParameterError(f"a weights table needs columns 'kind' and 'weight'; missing {sorted(missing)}")
        twice = weights["kind"].duplicated(keep=False).to_numpy()
        if twice.any():
            rows = weights.index[twice].tolist()
            kind = weights["kind"].to_numpy(dtype=object)[twice][0]
            raise ParameterError(
                f"the weights table gives kind {kind!r} more than once (rows {rows[:10]}); give each kind one weight"
            )
        weights = dict(zip(weights["kind"], weights["weight"], strict=True))
    if not isinstance(weights, Mapping):
        raise TypeError(f"weights must be a mapping kind -> weight or a DataFrame, not {type(weights).__name__}")
    out = {}
    for kind, value in weights.items():
        if not isinstance(kind, str) or not kind.strip():
            raise ParameterError(f"weights: a kind must be a non-empty string, not {kind!r}")
        if kind != kind.strip():  # (the events' kinds are read stripped: it would never match)
            raise ParameterError(
                f"weights: kind {kind!r} has spaces around it, and the events' kinds are read without them; "
                f"write {kind.strip()!r}"
            )
        if isinstance(value, bool | np.bool_):
            raise ParameterError(f"weight of kind {kind!r} is {value!r}, not a number")
        try:
            number = float(value)
        except OverflowError:  # (an integer beyond the floats: infinite, as read_events reads it)
            number = np.inf
        except (TypeError, ValueError):
            raise ParameterError(f"weight of kind {kind!r} is {value!r}, not a number") from None
        if not np.isfinite(number):
            raise ParameterError(f"weight of kind {kind!r} is {value!r}; weights must be finite")
        if abs(number) > MAX_WEIGHT:
            raise ParameterError(
                f"weight of kind {kind!r} is {value!r}; weights are limited to ±{MAX_WEIGHT:g} so that "
                "sums of them stay finite"
            )
        out[kind] = number
    return out


def kinds(weights: Mapping[str, float] | pd.DataFrame | None = None) -> pd.DataFrame:
    """The taxonomy: every kind with its CAMEO code, Goldstein value and weight.

    Parameters
    ----------
    weights : mapping kind -> float, DataFrame or None
        The user's weights, as for :func:`tension.score`; shown in the table so that a
        user can check what a run will use. A DataFrame may also carry ``cameo`` and
        ``definition`` columns for new kinds.

    Returns
    -------
    pandas.DataFrame
        One row per kind, columns ``kind``, ``cameo`` (str with leading zeros), ``label``
        (short name for plots),
        ``goldstein`` (Goldstein value of the code), ``weight`` (signed base weight used
        in scoring: ``-goldstein`` unless overridden), ``quad_class``, ``definition``,
        ``cameo_description`` and ``source`` (``"default"``, ``"override"`` or ``"user"``).
        ``attrs["version"]`` holds :data:`TAXONOMY_VERSION`.

    Examples
    --------
    >>> table = kinds()
    >>> table.set_index("kind").loc[["airstrike", "talks"], ["cameo", "goldstein", "weight"]]
              cameo  goldstein  weight
    kind
    airstrike   195      -10.0    10.0
    talks       040        1.0    -1.0
    >>> table = kinds({"drone_incursion": 6.0, "talks": -2.0}).set_index("kind")
    >>> table.loc[["talks", "drone_incursion"], ["weight", "source"]]
                     weight    source
    kind
    talks              -2.0  override
    drone_incursion     6.0      user
    """
    table = _default_kinds().copy()
    table["source"] = "default"
    user = _user_weights(weights)
    extra_info = weights if isinstance(weights, pd.DataFrame) else None
    known = dict(zip(table["kind"], table.index, strict=True))
    new_rows = []
    for kind, value in user.items():
        if kind in known:
            table.loc[known[kind], ["weight", "source"]] = [value, "override"]
        else:
            text = {"cameo": "", "definition": ""}
            if extra_info is not None:
                info = extra_info.loc[extra_info["kind"] == kind].iloc[0]
                for column in ("cameo", "definition"):
                    if column in extra_info and pd.notna(info[column]):
                        text[column] = str(info[column])
            row: dict[str, object] = {
                "kind": kind,
                "label": kind.replace("_", " "),
                "weight": value,
                "source": "user",
                **text,
            }
            if text["cameo"]:
                row["goldstein"] = goldstein(text["cameo"])
                row["quad_class"] = QUAD_CLASSES[quad_class(text["cameo"])]
            new_rows.append(row)
    if new_rows:
        table = pd.concat([table, pd.DataFrame(new_rows)], ignore_index=True)
    table.attrs["version"] = TAXONOMY_VERSION
    return table


def kind_quad_classes(weights=None) -> dict[str, str]:
    """Quad class of every default kind (``"airstrike"`` -> ``"material_conflict"``), and
    of the user's new kinds given a CAMEO code in a weights table (see
    :func:`user_quad_classes`)."""
    table = _default_kinds()
    return dict(zip(table["kind"], table["quad_class"], strict=True)) | user_quad_classes(weights)


def user_quad_classes(weights) -> dict[str, str]:
    """Quad class of the new kinds of a weights table with a ``cameo`` column, from their
    codes (kinds without a code have none; default kinds keep their own). A code that is
    not a CAMEO code is a :class:`~tension.ParameterError`.

    Examples
    --------
    >>> table = pd.DataFrame({"kind": ["drone_incursion", "summit"], "weight": [6.0, -3.0],
    ...                       "cameo": ["195", None]})
    >>> user_quad_classes(table)
    {'drone_incursion': 'material_conflict'}
    """
    if not isinstance(weights, pd.DataFrame) or "cameo" not in weights.columns or "kind" not in weights.columns:
        return {}
    if pd.api.types.is_numeric_dtype(weights["cameo"].dtype) and not pd.api.types.is_bool_dtype(weights["cameo"].dtype):
        raise ParameterError(
            "the weights table's cameo column holds numbers, which lose the codes' leading zeros (10 for 010); "
            "read it as text, e.g. pd.read_csv(..., dtype={'cameo': str})"
        )
    defaults = set(_default_kinds()["kind"])
    out = {}
    for kind, code in zip(weights["kind"].tolist(), weights["cameo"].tolist(), strict=True):
        if kind in defaults or code is None or (isinstance(code, float) and np.isnan(code)) or code is pd.NA:
            continue
        text = str(code).strip()
        if not text:
            continue
        try:
            goldstein(text)
            out[kind] = QUAD_CLASSES[quad_class(text)]
        except (ValueError, KeyError):
            raise ParameterError(
                f"the weights table gives kind {kind!r} the CAMEO code {code!r}, which is not one; write codes as "
                "text with their leading zeros ('036', '195')"
            ) from None
    return out


# the names these helpers had in 0.1, used within this module and by the readers
_goldstein_table = goldstein_table
_user_weights = user_weights
_kind_quad_classes = kind_quad_classes
_cameo_descriptions = cameo_descriptions
