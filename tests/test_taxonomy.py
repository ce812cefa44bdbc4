"""Taxonomy: default weights against the Goldstein table and DESIGN section 3."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import tension as tn
from tension.taxonomy import cameo_to_kind, goldstein, quad_class, resolve_weights

TABLE = Path(tn.__file__).parent / "data" / "CAMEO.goldsteinscale.txt"

# DESIGN.md section 3, typed from the design document (the published reference table).
DESIGN_TABLE = {
    "airstrike": ("195", -10.0),
    "armed_clash": ("190", -10.0),
    "armed_attack": ("180", -9.0),
    "bombing": ("183", -10.0),
    "assassination": ("186", -10.0),
    "military_threat": ("138", -7.0),
    "threat": ("130", -4.4),
    "military_posture": ("150", -7.2),
    "sanctions": ("163", -8.0),
    "reduce_relations": ("161", -4.0),
    "expel": ("166", -7.0),
    "protest": ("140", -6.5),
    "demand": ("100", -5.0),
    "accusation": ("112", -2.0),
    "condemnation": ("111", -2.0),
    "talks": ("040", 1.0),
    "visit": ("042", 1.9),
    "host_visit": ("043", 2.8),
    "pledge_meetings": ("036", 4.0),
    "pledge_cooperation": ("030", 4.0),
    "pledge_economic_cooperation": ("0311", 5.2),
    "pledge_security_cooperation": ("0312", 5.2),
    "negotiation": ("046", 7.0),
    "agreement": ("057", 8.0),
    "economic_cooperation": ("061", 6.4),
    "security_cooperation": ("062", 7.4),
    "intelligence_sharing": ("064", 7.0),
    "humanitarian_aid": ("073", 7.4),
    "release": ("0841", 7.0),
    "ceasefire": ("0871", 9.0),
}


def goldstein_file() -> dict[str, float]:
    with open(TABLE, newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows)
        return {code: float(value) for code, value in rows}


def test_shipped_table_has_311_codes_as_strings():
    table = goldstein_file()
    assert len(table) == 311
    assert "010" in table and "0311" in table


def test_every_default_weight_is_minus_goldstein_of_its_code():
    table = goldstein_file()
    kinds = tn.kinds()
    for row in kinds.itertuples():
        assert row.goldstein == table[row.cameo], row.kind
        assert row.weight == -table[row.cameo], row.kind


@pytest.mark.parametrize("kind", sorted(DESIGN_TABLE))
def test_design_table_kinds_and_values(kind):
    code, value = DESIGN_TABLE[kind]
    row = tn.kinds().set_index("kind").loc[kind]
    assert row["cameo"] == code
    assert row["goldstein"] == value
    assert row["weight"] == -value


def test_kinds_table_columns_and_version():
    table = tn.kinds()
    assert list(table.columns) == [
        "kind",
        "cameo",
        "label",
        "goldstein",
        "weight",
        "quad_class",
        "definition",
        "cameo_description",
        "source",
    ]
    assert table["kind"].is_unique
    assert table.attrs["version"] == tn.TAXONOMY_VERSION
    assert (table["definition"].str.len() > 10).all()


@pytest.mark.parametrize(
    ("code", "expected", "via"),
    [("1951", -10.0, "195"), ("1952", -10.0, "195"), ("1834", -10.0, "183"), ("155", -7.2, "15"), ("176", -7.0, "17")],
)
def test_missing_codes_fall_back_to_base_then_root(code, expected, via):
    table = goldstein_file()
    assert code not in table
    assert goldstein(code) == table[via] == expected


def test_bad_codes_are_rejected():
    with pytest.raises(ValueError, match="not a CAMEO event code"):
        goldstein("19x")
    with pytest.raises(ValueError, match="root 21"):
        quad_class("210")


@pytest.mark.parametrize(
    ("code", "quad"), [("010", 1), ("057", 1), ("060", 2), ("0871", 2), ("100", 3), ("145", 3), ("150", 4), ("204", 4)]
)
def test_quad_class_follows_gdelt_rule(code, quad):
    assert quad_class(code) == quad


def test_every_table_code_maps_to_a_kind_of_the_same_root_or_quad():
    table = tn.cameo_kinds()
    assert len(table) == 311
    known = set(tn.kinds()["kind"])
    assert set(table["kind"]) <= known
    kinds = tn.kinds().set_index("kind")
    for row in table.itertuples():
        assert kinds.loc[row.kind, "quad_class"] == row.quad_class, row.cameo


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("195", "airstrike"),
        ("1951", "airstrike"),
        ("0312", "pledge_security_cooperation"),
        ("0313", "pledge_cooperation"),
        ("042", "visit"),
        ("044", "talks"),
        ("162", "reduce_relations"),
        ("204", "mass_violence"),
    ],
)
def test_cameo_to_kind(code, kind):
    assert cameo_to_kind(code) == kind


def test_user_weights_extend_and_override():
    w = resolve_weights({"drone_incursion": 6.0, "talks": -2.5})
    assert w["drone_incursion"] == 6.0 and w["talks"] == -2.5 and w["visit"] == -1.9
    table = tn.kinds({"drone_incursion": 6.0, "talks": -2.5}).set_index("kind")
    assert table.loc["talks", "source"] == "override"
    assert table.loc["drone_incursion", "source"] == "user"
    with pytest.raises(ValueError, match="must be finite"):
        resolve_weights({"x": float("inf")})
    with pytest.raises(ValueError, match="not a number"):
        resolve_weights({"x": "high"})


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        (
            pd.DataFrame({"kind": ["drone", "drone"], "weight": [6.0, -6.0]}),
            r"kind 'drone' more than once \(rows \[0, 1\]\)",
        ),
        (pd.DataFrame({"kind": [None], "weight": [6.0]}), "non-empty string, not None"),
        ({None: 6.0}, "non-empty string, not None"),
        ({"": 6.0}, "non-empty string"),
        ({3: 6.0}, "non-empty string, not 3"),
        # a default kind's override with a space silently left the default weight in use
        ({"talks ": -2.0}, "kind 'talks ' has spaces around it.*write 'talks'"),
        (pd.DataFrame({"kind": [" drone"], "weight": [6.0]}), "kind ' drone' has spaces around it"),
        ({"drone": 1e308}, r"limited to ±1e\+100"),
        ({"drone": -1e101}, r"limited to ±1e\+100"),
        ({"drone": 10**400}, "weights must be finite"),  # (was a bare OverflowError)
        ({"drone": True}, "a number"),
        ({"drone": 1 + 5j}, "a number"),
    ],
)
def test_user_weights_that_cannot_be_meant_are_refused(weights, message):
    """A kind given twice would take the weight of whichever row came last (so the sign of
    an event could depend on the table's order); a weight over 1e100 makes sums infinite."""
    with pytest.raises(tn.ParameterError, match=message):
        resolve_weights(weights)
    ev = pd.DataFrame({"date": ["2024-01-01"], "source": ["IRN"], "target": ["PAK"], "kind": ["drone"]})
    with pytest.raises(tn.ParameterError, match=message):
        tn.score_events(ev, weights=weights)


def test_weights_table_with_cameo_for_a_new_kind():
    import pandas as pd

    extra = pd.DataFrame({"kind": ["naval_clash"], "weight": [9.5], "cameo": ["191"], "definition": ["Naval clash"]})
    row = tn.kinds(extra).set_index("kind").loc["naval_clash"]
    assert row["goldstein"] == -9.5 and row["quad_class"] == "material_conflict"
