"""read_plover: which column or key is read as a field, empty and boolean casualty
counts, unknown codes inside compound actors, and one result whatever the format."""

from __future__ import annotations

import csv
import json
import warnings

import numpy as np
import pandas as pd
import pytest

import tension as tn
from tension.io import ReadError, read_plover

#: A POLECAT-style row, and the one event it is (written by hand from the PLOVER manual:
#: ASSAULT with the aerial mode is an airstrike).
POLECAT = {
    "Event Type": "ASSAULT",
    "Event Mode": "aerial",
    "Actor Country": "IRN",
    "Recipient Country": "PAK",
    "Event Date": "2024-01-16",
}
EVENT = ["2024-01-16", "IRN", "PAK", "airstrike"]


def _quiet(path_or_frame, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tn.TensionWarning)
        return read_plover(path_or_frame, **kwargs)


def _events(ev) -> list[list]:
    return [[d.strftime("%Y-%m-%d"), s, t, k] for d, s, t, k in ev[["date", "source", "target", "kind"]].values]


def _jsonl(tmp_path, *records, name="r.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# --- which name is read: the most specific, whatever the order ----------------------


@pytest.mark.parametrize(
    "extra",
    [
        {"Source": "IND"},  # POLECAT's news outlet, not the actor
        {"Date": "2020-01-01"},  # (POLECAT has a publication date beside the event's)
        {"Event": "AGREE"},
        {"Actor": "USA", "Recipient": "CHN"},
        {"Mode": "firearms", "Target": "AFG"},
        {"ID": "other"},
    ],
)
@pytest.mark.parametrize("generic_first", [False, True])
def test_the_specific_column_wins_whatever_the_column_order(extra, generic_first):
    row = {**extra, **POLECAT} if generic_first else {**POLECAT, **extra}
    ev = read_plover(pd.DataFrame({k: [v] for k, v in row.items()} | {"Event ID": ["P1"]}))
    assert _events(ev) == [EVENT]
    assert ev["plover_id"].tolist() == ["P1"]


def test_the_specific_column_wins_in_a_file_too(tmp_path):
    path = tmp_path / "polecat.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Source", "Date", *POLECAT])
        writer.writerow(["IND", "2020-01-01", *POLECAT.values()])
    assert _events(read_plover(path)) == [EVENT]


def test_an_empty_specific_column_is_not_filled_from_a_generic_one():
    row = POLECAT | {"Actor Country": "", "Source": "IND"}
    ev = _quiet(pd.DataFrame({k: [v] for k, v in row.items()}))
    assert ev.empty and ev.attrs["report"].skipped == {"no source": 1}


def test_a_polecat_none_for_a_missing_country_is_counted_as_missing_not_as_the_same_country(tmp_path):
    # POLECAT's weekly files write "None" where an event has no actor or recipient
    # country; such a record is skipped as "no target" / "no source", not as domestic
    header = "Event ID\tEvent Date\tEvent Type\tActor Name\tActor Country\tRecipient Name\tRecipient Country\n"
    path = tmp_path / "ngecEvents.20240130.Release603.DV.txt"
    path.write_text(
        header
        + "a1\t2024-01-29\tACCUSE\tIran\tIRN\tNone\tNone\n"
        + "a2\t2024-01-29\tACCUSE\tNone\tNone\tPakistan\tPAK\n"
        + "a3\t2024-01-29\tACCUSE\tIran\tIRN\tIran\tIRN\n",
        encoding="utf-8",
    )
    ev = _quiet(path)
    assert ev.empty and ev.attrs["report"].skipped == {"no target": 1, "no source": 1, "same country": 1}


def test_a_reciprocal_record_with_a_polecat_none_recipient_is_read_as_with_no_recipient():
    # "None" is a missing recipient (as above): several actor countries and no recipient
    # is a reciprocal record, whether the recipient is empty or POLECAT's "None"
    row = {"Event Type": "AGREE", "Event Date": "2024-01-29", "Actor Country": "IRN;PAK"}
    empty = _quiet(pd.DataFrame([row | {"Recipient Country": ""}]))
    for missing in ("None", "NULL", "None;None"):
        ev = _quiet(pd.DataFrame([row | {"Recipient Country": missing}]))
        assert (
            _events(ev)
            == _events(empty)
            == [
                ["2024-01-29", "IRN", "PAK", "pledge_cooperation"],
                ["2024-01-29", "PAK", "IRN", "pledge_cooperation"],
            ]
        )
        assert ev.attrs["report"].skipped == {}
    # a recipient that is a non-country or an unknown code is a recipient: no pairs among the actors
    for given, reason in (("IGO", "not a country"), ("XYZ", "unknown country code")):
        ev = _quiet(pd.DataFrame([row | {"Recipient Country": given}]))
        assert ev.empty and ev.attrs["report"].skipped == {reason: 1}


@pytest.mark.parametrize("keys", [("date", "Date"), ("Date", "date"), ("Event Date", "event_date")])
def test_two_names_of_one_rank_that_disagree_are_an_error_in_either_order(tmp_path, keys):
    record = {"event": "ASSAULT", "source": "IRN", "target": "PAK", keys[0]: "2024-01-16", keys[1]: "2020-01-01"}
    path = _jsonl(tmp_path, record, record)
    with pytest.raises(ReadError, match=rf"r\.jsonl:1: '{keys[0]}' and '{keys[1]}' both give the record's date"):
        read_plover(path)


def test_two_names_of_one_rank_that_agree_or_where_one_is_empty_are_read(tmp_path):
    base = {"event": "ASSAULT", "source": "IRN", "target": "PAK"}
    path = _jsonl(
        tmp_path,
        base | {"Date": "2024-01-16", "date": "2024-01-16", "dead": 2, "Fatalities": "2"},
        base | {"date": "", "Date": "2024-01-16", "dead": None, "fatalities": 3},
    )
    ev = read_plover(path)
    assert ev["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-16"] * 2 and ev["killed"].tolist() == [2, 3]


def test_casualty_columns_of_one_rank_that_disagree_are_an_error():
    frame = pd.DataFrame({k: [v] for k, v in POLECAT.items()} | {"Number of Fatalities": [2], "dead": [5]})
    with pytest.raises(
        ReadError,
        match=r"<DataFrame>:2: 'dead' and 'Number of Fatalities' both give the record's dead and disagree \(5, 2\)",
    ):
        read_plover(frame)


def test_a_repeated_column_that_disagrees_is_an_error(tmp_path):
    frame = pd.DataFrame([[*POLECAT.values(), "2020-01-01"]], columns=[*POLECAT, "Event Date"])
    with pytest.raises(ReadError, match=r"<DataFrame>:2: 'Event Date' and 'Event Date' both give the record's date"):
        read_plover(frame)
    path = tmp_path / "twice.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ReadError, match=r"twice\.csv:2: 'Event Date' and 'Event Date\.1' both give the record's date"):
        read_plover(path)
    same = pd.DataFrame([[*POLECAT.values(), "2024-01-16"]], columns=[*POLECAT, "Event Date"])
    assert _events(read_plover(same)) == [EVENT]


# --- casualties: empty is 0, booleans and huge numbers are not counts --------------------


@pytest.mark.parametrize("empty", [np.nan, None, "", "  ", pd.NA])
def test_an_empty_casualty_cell_in_a_dataframe_is_zero_as_in_the_file(tmp_path, empty):
    frame = pd.DataFrame(
        {k: [v, v] for k, v in POLECAT.items()}
        | {"Number of Fatalities": pd.Series([empty, 4], dtype=object), "Injured": pd.Series([1, empty], dtype=object)}
    )
    path = tmp_path / "polecat.csv"
    frame.to_csv(path, index=False)
    # the reference: read_events given the counts written by hand
    want = tn.read_events(
        pd.DataFrame(
            {
                "date": ["2024-01-16"] * 2,
                "source": "IRN",
                "target": "PAK",
                "kind": "airstrike",
                "killed": [0, 4],
                "injured": [1, 0],
            }
        )
    )
    for source in (frame, path, pd.read_csv(path)):
        ev = read_plover(source)
        assert ev.attrs["report"].skipped == {}
        assert ev[["killed", "injured"]].values.tolist() == want[["killed", "injured"]].values.tolist()


def test_an_empty_value_is_missing_not_the_text_nan():
    frame = pd.DataFrame({k: [v] for k, v in POLECAT.items()} | {"Event ID": [np.nan], "Event Mode": [np.nan]})
    ev = read_plover(frame)
    assert ev["plover_id"].isna().all() and ev["mode"].isna().all()
    assert ev["description"].tolist() == ["ASSAULT (no mode)"] and ev["kind"].tolist() == ["armed_attack"]


@pytest.mark.parametrize("field", ["dead", "injured"])
@pytest.mark.parametrize("flag", [True, False])
def test_a_boolean_casualty_count_is_malformed(tmp_path, field, flag):
    record = {"event": "ASSAULT", "source": "IRN", "target": "PAK", "date": "2024-01-16"}
    path = _jsonl(tmp_path, record | {field: flag}, record | {"id": "ok"})
    ev = _quiet(path)
    report = ev.attrs["report"]
    assert ev["plover_id"].tolist() == ["ok"] and report.skipped == {"malformed": 1}
    assert report.problems == [f"{path}:1: {field} is a boolean ({flag!r}), not a count; write a whole number"]
    with pytest.raises(ReadError, match=f"{field} is a boolean"):
        read_plover(path, errors="raise")
    # as read_events refuses them
    with pytest.raises(tn.EventError, match="a boolean"):
        tn.read_events(
            pd.DataFrame(
                {"date": ["2024-01-16"], "source": "IRN", "target": "PAK", "kind": "airstrike", "killed": [flag]}
            )
        )


def test_a_boolean_casualty_column_in_a_dataframe_is_malformed():
    frame = pd.DataFrame({k: [v, v] for k, v in POLECAT.items()} | {"Injured": [True, False]})
    ev = _quiet(frame)
    assert ev.empty and ev.attrs["report"].skipped == {"malformed": 2}
    assert (
        ev.attrs["report"].problems[0]
        == "<DataFrame>:2: injured is a boolean (True), not a count; write a whole number"
    )


def test_a_count_too_large_is_malformed_with_its_line(tmp_path):
    record = {"event": "ASSAULT", "source": "IRN", "target": "PAK", "date": "2024-01-16"}
    path = _jsonl(tmp_path, record | {"dead": 2**60}, record | {"dead": 2**53})
    ev = _quiet(path)
    assert ev["killed"].tolist() == [2**53]
    assert ev.attrs["report"].problems[0].startswith(f"{path}:1: dead is too large to be a count ({2**60}")


# --- unknown codes in compound actors: counted, the known pairs kept ---------------------


@pytest.mark.parametrize(
    ("source", "target", "pairs"),
    [
        ("IRN;XYZ", "PAK", [("IRN", "PAK")]),
        ([{"code": "IRN"}, {"code": "XYZ"}], [{"code": "PAK"}], [("IRN", "PAK")]),
        (["IRN", "XYZ"], "PAK|AFG", [("IRN", "PAK"), ("IRN", "AFG")]),
        ("PAK", "IRN;XYZ", [("PAK", "IRN")]),
        ("IRN;PAK;XYZ", None, [("IRN", "PAK"), ("PAK", "IRN")]),  # reciprocal
    ],
)
def test_an_unknown_code_in_a_compound_actor_is_counted_and_the_known_pairs_kept(tmp_path, source, target, pairs):
    record = {"event": "ASSAULT", "source": source, "target": target, "date": "2024-01-16"}
    ev = read_plover(_jsonl(tmp_path, record))
    report = ev.attrs["report"]
    assert list(zip(ev["source"], ev["target"], strict=True)) == pairs
    assert report.kept == 1 and report.skipped == {}
    assert report.unmapped == {"XYZ": 1}
    assert report.notes["unknown country codes left out of kept compound actors"] == 1


def test_every_unknown_code_of_a_skipped_record_is_listed(tmp_path):
    record = {"event": "ASSAULT", "source": "XXA;XXB", "target": "PAK", "date": "2024-01-16"}
    report = read_plover(_jsonl(tmp_path, record, record | {"source": "XXA"})).attrs["report"]
    assert report.skipped == {"unknown country code": 2}
    assert report.unmapped == {"XXA": 2, "XXB": 1}


def test_a_non_country_code_in_a_compound_actor_is_counted(tmp_path):
    record = {"event": "AGREE", "source": "IRN;IGO", "target": "PAK", "date": "2024-01-16"}
    ev = read_plover(_jsonl(tmp_path, record))
    assert _events(ev) == [["2024-01-16", "IRN", "PAK", "pledge_cooperation"]]
    assert ev.attrs["report"].notes["non-country actor codes left out of kept compound actors"] == 1


# --- one result whatever the format -------------------------------------------------------

#: Records in PLOVER's JSON form; the table form writes actors as "A;B".
RECORDS = [
    {
        "id": "R1",
        "event": "ASSAULT",
        "mode": "aerial",
        "source": ["IRN"],
        "target": ["PAK"],
        "date": "2024-01-16",
        "dead": 2,
        "injured": 3,
        "text": "Iran struck.",
    },
    {
        "id": "R2",
        "event": "ASSAULT",
        "mode": "",
        "source": ["PAK", "XYZ"],
        "target": ["IRN"],
        "date": "2024-01-18",
        "dead": None,
        "injured": 1,
        "text": "",
    },
    {
        "id": "R3",
        "event": "AGREE",
        "mode": "military",
        "source": ["PAK", "IRN"],
        "target": [],
        "date": "2024-01-29",
        "dead": 0,
        "injured": None,
        "text": "They agreed.",
    },
    {
        "id": "R4",
        "event": "CRIME",
        "mode": "",
        "source": ["PAK"],
        "target": ["PAK"],
        "date": "2024-01-29",
        "dead": 0,
        "injured": 0,
        "text": "",
    },
    {
        "id": "R5",
        "event": "CONSULT",
        "mode": "visit",
        "source": ["IGO"],
        "target": ["PAK"],
        "date": "2024-01-30",
        "dead": None,
        "injured": None,
        "text": "",
    },
    {
        "id": "R6",
        "event": "ASSAULT",
        "mode": "firearms",
        "source": ["QQQ"],
        "target": ["PAK"],
        "date": "2024-01-31",
        "dead": 1,
        "injured": 0,
        "text": "",
    },
    {
        "id": "R7",
        "event": "SANCTION",
        "mode": "expel",
        "source": ["PAK"],
        "target": ["IRN"],
        "date": "2024-02-01",
        "dead": None,
        "injured": None,
        "text": "Expelled.",
    },
]
#: The events they are, by hand: (id, date, source, target, kind, killed, injured).
WANT = [
    ("R1", "2024-01-16", "IRN", "PAK", "airstrike", 2, 3),
    ("R2", "2024-01-18", "PAK", "IRN", "armed_attack", 0, 1),
    ("R3", "2024-01-29", "PAK", "IRN", "pledge_security_cooperation", 0, 0),
    ("R3", "2024-01-29", "IRN", "PAK", "pledge_security_cooperation", 0, 0),
    ("R7", "2024-02-01", "PAK", "IRN", "expel", 0, 0),
]


def test_the_same_records_as_json_json_lines_csv_and_dataframe_give_the_same_events(tmp_path):
    array = tmp_path / "r.json"
    array.write_text(json.dumps(RECORDS), encoding="utf-8")
    lines = _jsonl(tmp_path, *RECORDS)
    table = pd.DataFrame([r | {"source": ";".join(r["source"]), "target": ";".join(r["target"])} for r in RECORDS])
    path = tmp_path / "r.csv"
    table.to_csv(path, index=False)
    want = tn.read_events(
        pd.DataFrame(WANT, columns=["id", "date", "source", "target", "kind", "killed", "injured"]).drop(columns="id")
    )
    results = [read_plover(source) for source in (array, lines, path, pd.read_csv(path), table)]
    for ev in results:
        report = ev.attrs["report"]
        assert ev["plover_id"].tolist() == [w[0] for w in WANT]
        got = ev[["date", "source", "target", "kind", "killed", "injured"]].reset_index(drop=True)
        pd.testing.assert_frame_equal(got, want[got.columns].reset_index(drop=True))
        assert report.rows == 7 and report.kept == 4
        assert report.skipped == {"no state-level kind": 1, "not a country": 1, "unknown country code": 1}
        assert report.unmapped == {"QQQ": 1, "XYZ": 1}
    first = results[0].drop(columns="record")
    for ev in results[1:]:
        pd.testing.assert_frame_equal(ev.drop(columns="record"), first)
