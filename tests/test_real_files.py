"""The readers on real files from other projects, each checked against an independent
plain-Python count of the same file. Skipped when the external data is absent."""

from __future__ import annotations

import csv
import re
import warnings

import pytest
from conftest import REAL_DATA, need

import tension as tn
from tension.io import read_acled, read_gdelt, read_icews

#: Actor labels that name no recognised state (ACLED's own labels), and the
#: multinational "Civilians (International)".
NOT_STATES = {"artsakh", "puntland", "somaliland", "international"}


def _quiet(reader, path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tn.TensionWarning)
        return reader(path)


# --- ICEWS ---------------------------------------------------------------------------


def icews_interstate_lines(path):
    """Physical lines of the rows with two different, non-missing country names."""
    lines = set()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows)
        s, t = header.index("Source Country"), header.index("Target Country")
        for number, row in enumerate(rows, start=2):
            a, b = row[s].strip(), row[t].strip()
            if a not in ("", "NA") and b not in ("", "NA") and a != b:
                lines.add(number)
    return lines


@pytest.mark.parametrize("name", ["real/icews_2018_sample_andybega.tab", "icews18/icews18_international.tab"])
def test_icews_keeps_every_interstate_row(name):
    path = need(REAL_DATA.parent / name)
    ev = _quiet(read_icews, path)
    report = ev.attrs["report"]
    want = icews_interstate_lines(path)
    assert set(ev["line"]) == want
    assert report.unmapped == {} and "malformed" not in report.skipped
    assert report.kept + sum(report.skipped.values()) == report.rows


def test_icews_greece_macedonia_talks_are_kept():
    path = need(REAL_DATA / "icews_2018_sample_andybega.tab")
    ev = _quiet(read_icews, path)
    pair = ev[ev[["source", "target"]].isin(["GRC", "MKD"]).all(axis=1)]
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    names = {"Greece", "the former Yugoslav Republic of Macedonia"}
    want = sum(1 for r in rows if {r["Source Country"], r["Target Country"]} == names)
    assert want == 8 and len(pair) == want


def test_icews_read_through_pandas_keeps_its_codes_and_kinds():
    # pandas reads "CAMEO Code" as integers: 10 (was 010, a statement) must not become the
    # root code of demands, nor 20 (an appeal) the root code of mass violence
    import pandas as pd

    path = need(REAL_DATA / "icews_2018_sample_andybega.tab")
    as_text = _quiet(read_icews, path)
    frame = pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE)
    assert frame["CAMEO Code"].dtype.kind == "i"
    as_numbers = _quiet(read_icews, frame)
    assert as_numbers["cameo"].tolist() == as_text["cameo"].tolist()
    assert as_numbers["kind"].tolist() == as_text["kind"].tolist()
    with open(path, encoding="utf-8", newline="") as handle:
        written = [r["CAMEO Code"] for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    # every kept code written with a zero lost it to pandas, and is counted as restored
    lost = sum(1 for line in as_text["line"] if written[line - 2].startswith("0"))
    assert lost > 200
    assert as_numbers.attrs["report"].notes["CAMEO Code missing its leading zero, restored"] == lost


# --- ACLED ---------------------------------------------------------------------------

_STATE = re.compile(r"^(?:Military Forces|Police Forces|Government) of (.+?)(?: \(\d{4}-\d{0,4}\).*)?$")
#: ACLED's named operations and the state that leads each (Saudi-led coalition; Turkey).
OPERATIONS = {
    "Operation Restoring Hope": "Saudi Arabia",
    "Operation Peace Spring": "Turkey",
    "Operation Olive Branch": "Turkey",
    "Operation Euphrates Shield": "Turkey",
}


class _Named:
    """A state named by an operation, shaped like a regex match."""

    def __init__(self, name):
        self.name = name

    def group(self, _):
        return self.name


def _state(actor):
    return _STATE.match(actor) or (_Named(OPERATIONS[actor]) if actor in OPERATIONS else None)


_CIVILIANS = re.compile(r"^Civilians \((.+)\)$")


def _name(text):
    text = " ".join(text.split()).lower()
    return text[4:] if text.startswith("the ") else text


def acled_interstate_lines(path):
    """Start lines of the records in which two different countries act: a state force
    ("Military Forces of X", "Police Forces of X", "Government of X") on one side and, on
    the other, another state's force, another nationality's civilians, or the soil of
    another country. Battles list their sides in no order, so either side may be the
    state. Records cut off (empty fatalities or country) are not events."""
    lines = set()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        header = [h.strip().lower() for h in next(rows)]
        col = {name: header.index(name) for name in ("event_type", "actor1", "actor2", "country", "fatalities")}
        start = 2
        for row in rows:
            here, start = start, rows.line_num + 1
            if len(row) != len(header) or not row[col["fatalities"]].strip() or not row[col["country"]].strip():
                continue
            battle = row[col["event_type"]].lower().startswith("battle")
            a1, a2 = row[col["actor1"]].strip(), row[col["actor2"]].strip()
            s1, s2 = _state(a1), _state(a2)
            if not s1 and battle and s2:
                s1, s2 = s2, None
            if not s1:
                continue
            civ = _CIVILIANS.match(a2)
            other = s2.group(1) if s2 else civ.group(1) if civ and _name(civ.group(1)) not in NOT_STATES else None
            other = other or row[col["country"]]
            source, target = _name(s1.group(1)), _name(other)
            if source in NOT_STATES or target in NOT_STATES or source == target:
                continue
            lines.add(here)
    return lines


ACLED_FILES = [
    "acled_2015_asia_uppercase_katehara.csv",
    "acled_2016_africa_oldformat_aschharwood.csv",
    "acled_2020_afghanistan_dkoban.csv",
    "acled_2020_global_rpanlilio.csv",
]


@pytest.mark.parametrize("name", ACLED_FILES)
def test_acled_keeps_every_interstate_record(name):
    path = need(REAL_DATA / name)
    ev = _quiet(read_acled, path)
    report = ev.attrs["report"]
    assert set(ev["line"]) == acled_interstate_lines(path)
    assert report.kept + sum(report.skipped.values()) == report.rows
    assert "unmapped event type" not in report.skipped
    assert {n.lower() for n in report.unmapped} <= NOT_STATES


def test_acled_counts_and_the_named_episodes():
    path = need(REAL_DATA / "acled_2020_global_rpanlilio.csv")
    ev = _quiet(read_acled, path)
    report = ev.attrs["report"]
    assert report.rows == 5071 + 1 - 1  # 5,071 records plus the cut-off one, counted as malformed
    assert report.skipped["malformed"] == 1
    assert report.problems == [f"{path}:5072: fatalities is empty (a record cut off?) ('')"]
    pairs = {tuple(sorted(p)) for p in zip(ev["source"], ev["target"], strict=True)}
    for pair in [("IND", "PAK"), ("ARM", "AZE"), ("SYR", "TUR"), ("SAU", "YEM"), ("SOM", "USA")]:
        assert pair in pairs, pair
    us = ev[ev["actor1"].str.startswith("Military Forces of the United States")]
    strikes = us[us["target"] == "SOM"]
    assert len(strikes) == 2 and (strikes["kind"] == "airstrike").all()
    coalition = ev[ev["actor1"] == "Operation Restoring Hope"]  # the Saudi-led coalition's strikes in Yemen
    assert len(coalition) > 50 and set(zip(coalition["source"], coalition["target"], strict=True)) == {("SAU", "YEM")}
    assert (coalition["source_from"] == "operation").all()
    assert report.unmapped == {"Artsakh": 71, "Somaliland": 2}


def test_acled_negative_control_keeps_nothing():
    path = need(REAL_DATA / "acled_2020_afghanistan_dkoban.csv")
    ev = _quiet(read_acled, path)
    assert len(ev) == 0 and ev.attrs["report"].rows == 496


@pytest.mark.parametrize(
    ("name", "rows"),
    [("acled_2015_asia_uppercase_katehara.csv", 3000), ("acled_2016_africa_oldformat_aschharwood.csv", 500)],
)
def test_acled_old_layouts_read_with_their_event_types(name, rows):
    path = need(REAL_DATA / name)
    ev = _quiet(read_acled, path)
    assert ev.attrs["report"].rows == rows
    assert len(ev) > 0 and set(ev["kind"]) <= set(tn.kinds()["kind"])
    battles = ev[ev["event_type"].str.startswith("Battle")]
    assert (battles["kind"] == "armed_clash").all() and not battles["ordered"].any()


def test_acled_battles_refuse_directed_scoring():
    path = need(REAL_DATA / "acled_2020_global_rpanlilio.csv")
    ev = _quiet(read_acled, path)
    with pytest.raises(tn.io.DirectionError, match="no particular order"):
        tn.io.check_direction(ev, directed=True)
    tn.io.check_direction(ev[ev["ordered"]], directed=True)
    tn.io.check_direction(ev, directed=False)


# --- GDELT ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["gdelt2_20180326044500.export.CSV", "gdelt2_20191024143000.export.CSV"])
def test_gdelt_real_exports_read_every_line(name):
    path = need(REAL_DATA / name)
    ev = read_gdelt(path)
    report = ev.attrs["report"]
    with open(path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n").split("\t") for line in handle]
    assert report.rows == len(lines) and "malformed" not in report.skipped
    both = sum(1 for f in lines if f[7] and f[17] and f[7] != f[17])
    assert report.kept <= both and report.kept + report.skipped.get(
        "regional actor code", 0
    ) >= both - report.skipped.get("unknown actor code", 0)
