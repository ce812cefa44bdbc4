"""read_events: one date rule per column, numbers as written, columns and rows named right.

The expected days are written by hand from the values (a hand reading is the reference).
"""

from __future__ import annotations

import datetime as dt
import warnings

import numpy as np
import pandas as pd
import pytest

import tension as tn


def events(dates, **columns):
    n = len(dates)
    frame = pd.DataFrame(
        {
            "date": dates,
            "source": ["IRN", "PAK"] * (n // 2) + ["IRN"] * (n % 2),
            "target": ["PAK", "IRN"] * (n // 2) + ["PAK"] * (n % 2),
            "kind": ["airstrike"] * n,
        }
    )
    for name, values in columns.items():
        frame[name] = values
    return frame


def read(frame, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", tn.TensionWarning)
        return tn.read_events(frame, duplicates="keep", **kw)


def days(frame) -> list[str]:
    return [d.strftime("%Y-%m-%d") for d in frame["date"]]


# --- what is read, and as which day --------------------------------------------------------

READ = {
    "GDELT SQLDATE integers": ([20240117, 20240118], {}, ["2024-01-17", "2024-01-18"]),
    "SQLDATE as text": (["20240117", "20240229"], {}, ["2024-01-17", "2024-02-29"]),
    "SQLDATE as nullable integers": (pd.array([20240117, 20231231], dtype="Int64"), {}, ["2024-01-17", "2023-12-31"]),
    "ISO dates and times": (["2024-01-17", "2024-01-18T10:30"], {}, ["2024-01-17", "2024-01-18"]),
    "day-first known from a day > 12": (["01/02/2024", "13/02/2024"], {}, ["2024-02-01", "2024-02-13"]),
    "month-first known from a day > 12": (["01/02/2024", "02/13/2024"], {}, ["2024-01-02", "2024-02-13"]),
    "ambiguous column with dayfirst=True": (
        ["01/02/2024", "03/04/2024"],
        {"dayfirst": True},
        ["2024-02-01", "2024-04-03"],
    ),
    "ambiguous column with dayfirst=False": (
        ["01/02/2024", "03/04/2024"],
        {"dayfirst": False},
        ["2024-01-02", "2024-03-04"],
    ),
    "date_format given": (["17.01.2024", "18.01.2024"], {"date_format": "%d.%m.%Y"}, ["2024-01-17", "2024-01-18"]),
    "dotted day-first inferred": (["17.01.2024", "01.02.2024"], {}, ["2024-01-17", "2024-02-01"]),
    "month names": (["Jan 17, 2024", "Feb 1, 2024"], {}, ["2024-01-17", "2024-02-01"]),
    "ACLED 2020 style": (["9-May-20", "10-May-20"], {}, ["2020-05-09", "2020-05-10"]),
    "ACLED 2015 style": (["01-January-2015", "02-January-2015"], {}, ["2015-01-01", "2015-01-02"]),
    "two-digit years, day-first told": (["01/02/24", "13/02/24"], {"dayfirst": True}, ["2024-02-01", "2024-02-13"]),
    "two-digit years, day or month first, day-first told": (
        ["01/02/24", "03/02/24"],
        {"dayfirst": True},
        ["2024-02-01", "2024-02-03"],
    ),
    "two-digit years, day or month first, month-first told": (
        ["01/02/24", "03/02/24"],
        {"dayfirst": False},
        ["2024-01-02", "2024-03-02"],
    ),
    "two-digit years, year first told": (
        ["24/01/17", "24/01/18"],
        {"date_format": "%y/%m/%d"},
        ["2024-01-17", "2024-01-18"],
    ),
    "two-digit years, year last told": (["24/01/17", "24/01/18"], {"dayfirst": True}, ["2017-01-24", "2018-01-24"]),
    "two-digit year that cannot be a day": (["01/02/24", "13/02/32"], {}, ["2024-02-01", "2032-02-13"]),
    "month-first two-digit years known from a day > 12": (["01/13/24", "01/02/24"], {}, ["2024-01-13", "2024-01-02"]),
    "two-digit year first proved by a year over 31": (["45/02/13", "24/01/17"], {}, ["2045-02-13", "2024-01-17"]),
    "two-digit year first told, though no date proves it": (
        ["29/02/23", "15/03/20"],
        {"date_format": "%y/%m/%d"},
        ["2029-02-23", "2015-03-20"],
    ),
    # a year 00 is no day and no month: it proves the two-digit year first, as a year over 31 does
    "two-digit year first proved by a year 00": (["00/01/15", "05/02/28"], {}, ["2000-01-15", "2005-02-28"]),
    "two-digit year first proved by a year 32": (["32/01/15", "15/03/20"], {}, ["2032-01-15", "2015-03-20"]),
    # dayfirst= chooses between day and month: formats without one of them, or with the
    # four-digit year first, are read whatever it says
    "ACLED 2020 style, day-first told": (["9-May-20", "10-May-20"], {"dayfirst": True}, ["2020-05-09", "2020-05-10"]),
    "four-digit year first, not ISO 8601, day-first told": (
        ["2024/01/17, 10:00", "2024/01/18, 11:30"],
        {"dayfirst": True},
        ["2024-01-17", "2024-01-18"],
    ),
    "before 1677": (["1500-03-01", "2024-01-17"], {}, ["1500-03-01", "2024-01-17"]),
    "after 2262": (["2024-01-17", "2500-12-31"], {}, ["2024-01-17", "2500-12-31"]),
    "python datetimes before 1677": (
        [dt.datetime(1001, 5, 6), dt.datetime(2024, 1, 17)],
        {},
        ["1001-05-06", "2024-01-17"],
    ),
    "datetime64[s] far apart": (
        np.array(["1024-01-17", "2024-01-17"], dtype="datetime64[s]"),
        {},
        ["1024-01-17", "2024-01-17"],
    ),
}


@pytest.mark.parametrize("case", list(READ))
def test_dates_are_read_by_one_rule_per_column(case):
    values, options, expected = READ[case]
    out = read(events(values), **options)
    assert days(out) == expected
    in_ns_range = all("1677" < d < "2262" for d in expected)
    assert out["date"].dtype == ("datetime64[ns]" if in_ns_range else "datetime64[us]")


# --- what is refused, and what the message says ---------------------------------------------

REFUSED = {
    "Excel serial": ([20240117, 45308], "row 1: a number, not a date (45308)", "origin='1899-12-30'"),
    "bare year": ([2024, 20240117], "row 0: a number, not a date (2024)", "8-digit YYYYMMDD"),
    "epoch seconds": ([1705449600, 1705536000], "rows 0, 1: a number, not a date", "unit='s'"),
    "float not whole": ([20240117.5, 20240118.0], "row 0: a number, not a date (20240117.5)", "YYYYMMDD"),
    "8 digits but no day": ([20241341, 20240117], "row 0: a number, not a date (20241341)", "YYYYMMDD"),
    "Excel serial as text": (["2024-01-17", "45308"], "row 1: a number, not a date ('45308')", "Excel"),
    "bare year as text": (["2024", "2024-01-17"], "row 0: a number, not a date ('2024')", "YYYYMMDD"),
    "today": (["today", "2024-01-17"], "row 0: a relative date ('today')", "write the date itself"),
    "NOW": (["2024-01-17", " NOW "], "row 1: a relative date (' NOW ')", "write the date itself"),
    "ambiguous day/month": (["01/02/2024", "03/04/2024"], "rows 0, 1: ambiguous dates", "dayfirst=True"),
    "two-digit year first or last": (["24/01/17", "13/02/24"], "rows 0, 1: ambiguous dates", "date_format='%y/%m/%d'"),
    # a day-first column with a date that is no day (29 February 2023) reads wholly year first:
    # not read so unless a date proves the year first (a first number over 31)
    "day-first two-digit years with a date that is no day": (
        ["29/02/23", "15/03/20"],
        "row 0: ambiguous dates",
        "date_format='%y/%m/%d'",
    ),
    "two-digit year first that no date proves": (["29/02/23"], "row 0: ambiguous dates", "date_format='%y/%m/%d'"),
    # 31 may be a day (not in February): it proves no year first
    "two-digit year 31 first, which a day may be": (
        ["31/02/20", "15/03/20"],
        "row 0: ambiguous dates ('31/02/20'): no day as '%d/%m/%y', the format of the column's other dates",
        "date_format='%y/%m/%d'",
    ),
    "two-digit year first, or day or month first": (  # (three readings: each named)
        ["01/02/03", "05/06/07"],
        "rows 0, 1: ambiguous dates",
        "date_format='%y/%m/%d'",
    ),
    "two-digit year first, or day or month first: each order's dayfirst": (
        ["01/02/03", "05/06/07"],
        "rows 0, 1: ambiguous dates",
        "dayfirst=True for '%d/%m/%y', dayfirst=False for '%m/%d/%y' or date_format='%y/%m/%d' for year first",
    ),
    "two formats in one column": (
        ["2024-01-17", "18/01/2024"],
        "row 1: unparsable date ('18/01/2024')",
        "one format is used per column",
    ),
    "not the given format": (["17.01.2024", "2024-01-18"], "row 1: does not match date_format='%d.%m.%Y'", ""),
    "booleans": ([True, False], "rows 0, 1: True/False is not a date", ""),
    "naive among zoned text": (
        ["2024-01-17T10:00+05:00", "2024-01-17"],
        "row 1: a date without a time zone",
        "UTC offset",
    ),
    "naive among zoned objects": (
        [pd.Timestamp("2024-01-17", tz="Asia/Tehran"), pd.Timestamp("2024-01-17")],
        "row 1: a date without a time zone",
        "tz_localize",
    ),
    "an object that is not a date": ([object(), "2024-01-17"], "row 0: not a date", ""),
    "missing": ([None, "2024-01-17"], "row 0: missing date", ""),
    "blank": (["  ", "2024-01-17"], "row 0: missing date", ""),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_dates_that_cannot_be_read_one_way_are_refused(case):
    values, message, advice = REFUSED[case]
    options = {"date_format": "%d.%m.%Y"} if case == "not the given format" else {}
    with pytest.raises(tn.EventError) as info:
        read(events(values), **options)
    text = str(info.value)
    assert f"column 'date', {message}" in text
    assert advice in text
    if "unparsable" not in message:  # (a date that was read is not called unparsable too)
        assert "unparsable" not in text


@pytest.mark.parametrize(
    ("values", "warning", "expected"),
    [
        (
            ["2024-01-17T10:00+05:00", "2024-01-18T02:00+03:30"],
            "different time zones",
            ["2024-01-17T05:00", "2024-01-17T22:30"],
        ),
        (
            [pd.Timestamp("2024-01-17 10:00", tz="Asia/Tehran"), pd.Timestamp("2024-01-17 10:00", tz="Europe/Paris")],
            "carry time zones",
            ["2024-01-17T06:30", "2024-01-17T09:00"],
        ),
    ],
)
def test_several_time_zones_end_in_utc_and_say_so(values, warning, expected):
    with pytest.warns(tn.TensionWarning, match=warning):
        out = tn.read_events(events(values))
    assert out["date"].tolist() == [pd.Timestamp(e, tz="UTC") for e in expected]


def test_a_column_is_read_as_a_whole_not_row_by_row():
    # pandas' per-row guess reads "01/02/2024" as 2 January and "13/02/2024" as 13 February
    out = read(events(["01/02/2024", "13/02/2024", "12/02/2024"]))
    assert days(out) == ["2024-02-01", "2024-02-13", "2024-02-12"]
    shuffled = read(events(["12/02/2024", "01/02/2024", "13/02/2024"]))
    assert sorted(days(shuffled)) == sorted(days(out))


@pytest.mark.parametrize("unit", ["date32", "date64"])
def test_arrow_dates_are_read(unit):
    # pd.read_parquet(..., dtype_backend="pyarrow") gives date32[pyarrow]: read_events
    # failed with "TypeError: Cannot interpret 'date32[day][pyarrow]' as a data type"
    pa = pytest.importorskip("pyarrow")
    column = pd.Series([dt.date(2024, 1, 17), dt.date(1500, 1, 18)], dtype=pd.ArrowDtype(getattr(pa, unit)()))
    assert days(read(events(column))) == ["2024-01-17", "1500-01-18"]
    with pytest.raises(tn.EventError, match="row 1: missing date"):
        read(events(pd.Series([dt.date(2024, 1, 17), None], dtype=pd.ArrowDtype(getattr(pa, unit)()))))


@pytest.mark.parametrize(("name", "value"), [("date_format", 5), ("dayfirst", "yes"), ("dayfirst", 1)])
def test_date_options_are_checked(name, value):
    with pytest.raises(TypeError, match=name):
        tn.read_events(events(["2024-01-17"]), **{name: value})


def test_csv_dates_are_read_from_the_text(tmp_path):
    path = tmp_path / "ev.csv"
    path.write_text("date,source,target,kind\n20240117,IRN,PAK,airstrike\n20240118,PAK,IRN,airstrike\n")
    assert days(read(path)) == ["2024-01-17", "2024-01-18"]
    path.write_text("date,source,target,kind\n45308,IRN,PAK,airstrike\n")
    with pytest.raises(tn.EventError, match=r"ev\.csv.*column 'date', row 0: a number, not a date \('45308'\)"):
        read(path)


# --- numbers as written ---------------------------------------------------------------------

NUMBERS = {
    "killed 2**63": ("killed", 2**63, "too large to be a count (9223372036854775808)"),
    "killed 1e30": ("killed", 1e30, "too large to be a count (1e+30)"),
    "killed 1e30 text": ("killed", "1e30", "too large to be a count ('1e30')"),
    "killed 2**53 + 2": ("killed", 2**53 + 2, "too large to be a count (9007199254740994)"),
    "killed True": ("killed", True, "a boolean (True), not a number"),
    "injured False": ("injured", False, "a boolean (False), not a number"),
    "killed inf": ("killed", np.inf, "too large to be a count (inf)"),
    "killed 2**1100": ("killed", 2**1100, "too large to be a count (1"),
    "confidence True": ("confidence", True, "a boolean (True), not a number"),
    "weight True": ("weight", True, "a boolean (True), not a number"),
    "weight overflows": ("weight", "1e400", "not finite ('1e400')"),
    "weight too large": ("weight", 1e300, "too large (1e+300)"),
    "weight text": ("weight", "heavy", "not a number ('heavy')"),
}


@pytest.mark.parametrize("case", list(NUMBERS))
def test_numbers_are_checked_as_written(case):
    column, bad, message = NUMBERS[case]
    values = pd.Series([bad, 1 if column != "confidence" else 0.5], dtype=object)
    frame = events(["2024-01-17", "2024-01-18"])
    frame[column] = values
    with pytest.raises(tn.EventError) as info:
        read(frame)
    assert f"column '{column}', row 0: {message}" in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("killed\n9223372036854775808", "too large to be a count ('9223372036854775808')"),
        ("killed\n1e30", "too large to be a count ('1e30')"),
        ("killed\nTrue", "not a number ('True')"),
        ("weight\n1e400", "not finite ('1e400')"),
        ("weight\n-1E999", "not finite ('-1E999')"),
    ],
)
def test_numbers_in_a_file_are_quoted_as_written(tmp_path, text, message):
    column, value = text.split("\n")
    path = tmp_path / "ev.csv"
    path.write_text(f"date,source,target,kind,{column}\n2024-01-17,IRN,PAK,airstrike,{value}\n")
    with pytest.raises(tn.EventError, match=f"column '{column}', row 0: {message.replace('(', '.').replace(')', '.')}"):
        read(path)


def test_large_exact_counts_stay_exact():
    out = read(events(["2024-01-17", "2024-01-18"], killed=[2**53, 3]))
    assert out["killed"].tolist() == [2**53, 3]


# --- columns and rows named right -----------------------------------------------------------


def test_a_repeated_column_name_is_refused():
    frame = events(["2024-01-17"], killed=[1])
    frame.insert(5, "dup", [2])
    frame.columns = [*frame.columns[:5], "killed"]
    with pytest.raises(tn.EventError, match="column 'killed', all rows: appears 2 times in the header"):
        read(frame)


def test_a_repeated_column_in_a_file_is_refused(tmp_path):
    path = tmp_path / "ev.csv"
    path.write_text("date,source,target,kind,killed,killed\n2024-01-17,IRN,PAK,airstrike,1,2\n")
    with pytest.raises(tn.EventError, match=r"ev\.csv: column 'killed', all rows: appears 2 times"):
        read(path)


def test_a_column_named_like_a_pandas_copy_is_kept(tmp_path):
    path = tmp_path / "ev.csv"
    path.write_text("date,source,target,kind,note.1\n2024-01-17,IRN,PAK,airstrike,x\n")
    assert read(path)["note.1"].tolist() == ["x"]


@pytest.mark.parametrize("index", [[5, 5, 7], ["a", "b", "a"]])
def test_a_non_unique_index_names_rows_by_position_and_quotes_the_right_values(index):
    frame = events(["2024-01-17", "2024-01-18", "2024-01-19"], killed=[1, 2, -3]).set_axis(index)
    with pytest.raises(tn.EventError) as info:
        read(frame)
    text = str(info.value)
    assert "rows counted by position from 0" in text
    assert "column 'killed', row 2: negative count (-3)" in text
    ok = read(frame.assign(killed=[1, 2, 3]))
    assert list(ok.index) == index and ok["killed"].tolist() == [1, 2, 3]


def test_errors_quote_the_values_of_the_rows_they_name():
    # index labels in another order than positions: the values must follow the labels
    frame = events(["2024-01-17", "x", "2024-01-19"], killed=[1, -2, 3]).set_axis([30, 10, 20])
    with pytest.raises(tn.EventError) as info:
        read(frame)
    text = str(info.value)
    assert "column 'date', row 10: unparsable date ('x')" in text
    assert "column 'killed', row 10: negative count (-2)" in text


# --- a law: the column's rule does not depend on row order, and never misreads a day ----------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d", "%d %B %Y", "%Y-%m-%d %H:%M"]


@given(
    st.lists(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2999, 12, 31)), min_size=1, max_size=12),
    st.sampled_from(FORMATS),
    st.randoms(use_true_random=False),
)
def test_a_formatted_column_reads_as_written_or_asks_which_in_any_row_order(dates, fmt, random):
    truth = [d.strftime("%Y-%m-%d") for d in dates]
    text = [d.strftime(fmt) for d in dates]
    order = list(range(len(text)))
    random.shuffle(order)
    results = []
    for rows in (list(range(len(text))), order):
        column = [text[i] for i in rows]
        try:
            out = days(read(events(column)))
        except tn.EventError as err:
            assert "ambiguous dates" in str(err) and "%d" in fmt and "%m" in fmt and not fmt.startswith("%Y")
            out = days(read(events(column), dayfirst=fmt.startswith("%d")))
        assert out == [truth[i] for i in rows]
        results.append(sorted(out))
    assert results[0] == results[1]


#: A two-digit-year format and how a user says it is the one meant.
TWO_DIGIT = {"%d/%m/%y": {"dayfirst": True}, "%m/%d/%y": {"dayfirst": False}, "%y/%m/%d": {"date_format": "%y/%m/%d"}}


@given(
    st.lists(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2068, 12, 31)), min_size=1, max_size=8),
    st.sampled_from(sorted(TWO_DIGIT)),
)
def test_two_digit_years_are_read_as_written_or_asked_never_guessed(dates, fmt):
    # "24/01/17" is 24 January 2017 day first and 17 January 2024 year first: a column
    # that reads wholly in two such ways is refused until the user says which
    truth = [d.strftime("%Y-%m-%d") for d in dates]
    column = [d.strftime(fmt) for d in dates]
    try:
        assert days(read(events(column))) == truth
    except tn.EventError as err:
        assert "ambiguous dates" in str(err)
    assert days(read(events(column), **TWO_DIGIT[fmt])) == truth


# --- columns of many distinct dates (timestamps with seconds) -------------------------------

#: Every character Python calls whitespace, as it may stand between a time and its offset.
SPACES = [c for c in map(chr, range(0x3001)) if c.isspace()]


@pytest.mark.parametrize("dtype", [object, "string"])
def test_any_whitespace_before_an_offset_is_read_as_the_offset(dtype):
    # the offset is found by pyarrow's regex engine, whose \s is ASCII only: the class of
    # Python's whitespace is spelled out, so that every one of these still reads +05:00
    dates = pd.Series([f"2024-01-05 10:00{space}+05:00" for space in SPACES], dtype=dtype)
    with pytest.warns(tn.TensionWarning, match="time zone"):
        out = tn.read_events(events(dates), duplicates="keep")
    assert (out["date"] == pd.Timestamp("2024-01-05 05:00", tz="UTC")).all()


@pytest.mark.parametrize("dtype", [object, "string"])
def test_an_offset_in_other_digits_is_an_offset_not_a_date_without_a_zone(dtype):
    # pyarrow's \d is ASCII only: Python's digits are spelled out, so that an offset in
    # Arabic-Indic digits is still an offset (a date that no format reads), as Python's re
    # found it, and not "a date without a time zone"; the date without one is that one
    zoned = pd.Series(["2024-01-05 10:00+05:00", "2024-01-06 10:00+\u0660\u0665:\u0660\u0660"], dtype=dtype)
    with pytest.raises(tn.EventError, match=r"row 1: unparsable date") as err:
        read(events(zoned))
    assert "without a time zone" not in str(err.value)
    mixed = pd.Series(["13/01/2024 10:00+\u0660\u0665:\u0660\u0660", "14/01/2024 10:00"], dtype=dtype)
    with pytest.raises(tn.EventError, match=r"row 1: a date without a time zone \('14/01/2024 10:00'\)") as err:
        read(events(mixed))
    assert "row 0: unparsable date" in str(err.value)


def _timestamps(n: int, seed: int) -> pd.DatetimeIndex:
    rng = np.random.default_rng(seed)
    return pd.to_datetime("2016-01-01") + pd.to_timedelta(rng.permutation(n) * 3_607 + 13, unit="s")


@pytest.mark.parametrize("fmt", ["%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%d.%m.%Y %H:%M"])
def test_thousands_of_distinct_timestamps_read_as_written(fmt):
    # more distinct values than the sample that formats are first tried on
    stamps = _timestamps(3_000, seed=1)
    out = read(events(list(stamps.strftime(fmt))))
    expected = stamps if "%S" in fmt else stamps.floor("min")
    assert (out["date"].to_numpy() == expected.to_numpy()).all()


@pytest.mark.parametrize("majority", ["%d/%m/%Y %H:%M:%S", "%d %B %Y %H:%M:%S"])
def test_in_a_long_column_of_two_formats_the_one_that_reads_most_is_kept(majority):
    # the formats are tried on a sample first; when no format reads every value, every
    # candidate is read on the whole column, so the one reading the most rows wins, as a
    # count of each format on every row (the reference) says
    minority = "%d %B %Y %H:%M:%S" if majority.startswith("%d/") else "%d/%m/%Y %H:%M:%S"
    stamps = _timestamps(2_400, seed=2)
    rng = np.random.default_rng(3)
    use_minority = rng.random(len(stamps)) < 0.3
    text = np.where(use_minority, stamps.strftime(minority), stamps.strftime(majority))
    reads = {f: pd.to_datetime(pd.Series(text), format=f, errors="coerce").notna() for f in (majority, minority)}
    assert reads[majority].sum() > reads[minority].sum() and not reads[majority].all()
    with pytest.raises(tn.EventError) as err:
        read(events(list(text)))
    message = str(err.value)
    assert f"does not match the format {majority!r}" in message
    missed = np.flatnonzero(~reads[majority].to_numpy())  # the rows named: those the majority misses
    named = ", ".join(map(str, missed[:8]))
    assert f"rows {named} and {len(missed) - 8} more: unparsable date" in message


def test_an_iso_hour_with_offsets_is_read_and_unseen_offsets_are_named():
    # (both were pandas' bare "Mixed timezones detected")
    with pytest.warns(tn.TensionWarning, match="different time zones"):
        out = tn.read_events(events(["2024-01-05T10+05:00", "2024-01-06T10+03:00"]), duplicates="keep")
    assert out["date"].tolist() == [
        pd.Timestamp("2024-01-05 05:00", tz="UTC"),
        pd.Timestamp("2024-01-06 07:00", tz="UTC"),
    ]
    with pytest.raises(tn.EventError, match=r"rows 0, 1: unparsable date \('2024-01-05T1000\+05:00'"):
        tn.read_events(events(["2024-01-05T1000+05:00", "2024-01-06T1000+03:00"]))


@pytest.mark.parametrize("unit", ["s", "ms", "us"])
def test_long_datetime_columns_convert_as_pandas_does(unit):
    # long columns are converted to nanoseconds in threads: the same values as pandas'
    # as_unit, and microseconds kept when a date does not fit nanoseconds
    from tension import _dates, _time

    rng = np.random.default_rng(5)
    n = _time.LONG + 17
    for span in (4 * 10**9, 10**12):  # within 1677-2262 in seconds, then beyond
        seconds = rng.integers(-span, span, n)
        values = pd.Series((seconds * {"s": 1, "ms": 1_000, "us": 1_000_000}[unit]).astype(f"datetime64[{unit}]"))
        got = _dates._resolution(values)
        fits = span < 9 * 10**9
        assert got.equals(values.dt.as_unit("ns" if fits else "us")) and str(got.dtype) == str(
            values.dt.as_unit("ns" if fits else "us").dtype
        )


@pytest.mark.parametrize("unit", ["s", "us"])
def test_long_datetime_columns_with_nat_or_one_late_date_convert_as_pandas_does(unit):
    """The threaded conversion of a long column is pandas' as_unit in every case: a NaT
    anywhere (not the first row) stays NaT; one date beyond 2262 (not the first row, the
    others within 1970-2030) keeps microseconds; the index and name are kept."""
    from tension import _dates, _time

    rng = np.random.default_rng(8)
    n = _time.LONG + 5
    scale = {"s": 1, "us": 1_000_000}[unit]
    seconds = rng.integers(0, 1_900_000_000, n)
    index = pd.RangeIndex(n) * 3 + 10
    for change in ("nat", "late", None):
        column = (seconds * scale).astype(f"datetime64[{unit}]")
        if change == "nat":
            column[n // 3] = np.datetime64("NaT")
        elif change == "late":
            column[n // 2] = np.datetime64("2300-01-01", unit)
        values = pd.Series(column, index=index, name="date")
        want = values.dt.as_unit("us" if change == "late" else "ns")
        got = _dates._resolution(values)
        pd.testing.assert_series_equal(got, want)


#: Python's regular expression of a time's UTC offset or zone name (``\d`` and ``\s`` as
#: Python's ``re`` reads them), which the offsets found in pyarrow must equal.
PYTHON_ZONE = r"(?:\d:\d{2}(?::\d{2}(?:\.\d+)?)?|T\d{2})\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2}|UTC|GMT)$"


def test_zones_found_in_pyarrow_are_those_python_finds():
    """Every digit-like character (Python's ``\\d`` is the decimal digits, of any plane;
    superscripts are not digits), offsets with and without a colon, zone names, and text
    after an offset (then no zone): the zone pyarrow's engine finds is Python's."""
    import re

    from tension import _dates

    digits = [chr(c) for c in range(0x20000) if chr(c).isdigit() or chr(c).isdecimal()]
    texts = [f"2024-01-05 1{d}:00+{d}{d}:{d}{d}" for d in digits] + [f"2024-01-05 10:00+0{d}" for d in digits]
    for end in ["+05:00", "+0500", "+05", "-0330", "Z", "UTC", "GMT", " +05:00", "+5:00", "+05:00 local", "Zulu"]:
        texts += [f"2024-01-05 10:00{end}", f"2024-01-05T10{end}", f"2024-01-05 10:00:00.25{end}", f"05/01/2024{end}"]
    got = _dates._zones(pd.Series(texts, dtype=_dates._ARROW_TEXT))
    want = [m.group(1) if (m := re.search(PYTHON_ZONE, text)) else None for text in texts]
    assert [None if pd.isna(z) else z for z in got.tolist()] == want
    assert sum(z is not None for z in want) > len(digits)  # (both kinds found)


def test_the_sample_of_a_column_is_the_same_in_any_row_order():
    from tension import _dates

    stamps = _timestamps(1_500, seed=4).strftime("%d/%m/%Y %H:%M:%S")
    shuffled = np.random.default_rng(0).permutation(np.asarray(stamps))
    first = _dates._sample(pd.Series(list(stamps))).tolist()
    assert first == _dates._sample(pd.Series(list(shuffled))).tolist()
    assert 150 <= len(first) <= 400 and set(first) <= set(stamps)


def test_timestamps_that_read_day_first_and_month_first_are_refused():
    # (formats with a time of day are only guessed from the values, each both ways)
    column = ["01/02/2024 10:00:00", "03/04/2024 11:30:00", "05/06/2024 12:00:00", "07/08/2024 09:15:00"]
    with pytest.raises(tn.EventError, match="ambiguous dates"):
        read(events(column))
    assert days(read(events(column), dayfirst=True)) == ["2024-02-01", "2024-04-03", "2024-06-05", "2024-08-07"]


@pytest.mark.parametrize(
    "odd", ["2016-03-05 10:00:00", "5 March 2016 10:00", "03/05/2016 10:00", "13/13/2016 10:00:00"]
)
def test_one_value_of_another_format_among_thousands_is_named(odd):
    """A format is read on the whole column only if it reads a sample of it; one value
    it does not read, wherever it falls outside the sample, is still an unparsable date
    named with its row, never a date silently left out."""
    from tension import _dates

    text = list(_timestamps(3_000, seed=5).strftime("%d/%m/%Y %H:%M:%S"))
    for row in (7, 1_503, 2_999):
        column = text[:row] + [odd] + text[row + 1 :]
        with pytest.raises(tn.EventError, match=rf"row {row}: unparsable date \({odd!r}\): it does not match"):
            read(events(column))
        parsed, problems, _ = _dates.collect(pd.Series(column))  # (no reader's net behind it)
        assert parsed.isna().sum() == 1 and [np.flatnonzero(mask).tolist() for mask, _ in problems] == [[row]]


# --- dates of one fixed width, read straight from their bytes ------------------------------

from unittest import mock  # noqa: E402

import pyarrow as pa  # noqa: E402

from tension import _dates, _fixed_dates  # noqa: E402


def _general_rules(raw, dayfirst=None):
    """What the general rules make of a column (the reading from bytes switched off)."""
    with mock.patch.object(_fixed_dates, "read", lambda raw, dayfirst=None: None):
        return _dates.collect(raw, dayfirst=dayfirst)


def _same_reading(raw, dayfirst=None):
    """The column read with the reading from bytes equals it read by the general rules:
    the same datetimes (and dtype), the same problems, the same warnings."""
    fast, problems, said = _dates.collect(raw, dayfirst=dayfirst)
    slow, slow_problems, slow_said = _general_rules(raw, dayfirst)
    pd.testing.assert_series_equal(fast, slow, check_names=False)
    assert [(m.tolist(), text) for m, text in problems] == [(m.tolist(), text) for m, text in slow_problems]
    assert said == slow_said
    return fast, problems


#: The layouts read from bytes, each in every width.
FIXED = [
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M:%S",
]


def _written(fmt, year="2024", month="01", day="17", hour="10", minute="30", second="05"):
    """A date written in ``fmt`` from its parts as text (which may be no date at all)."""
    for code, part in (("%Y", year), ("%m", month), ("%d", day), ("%H", hour), ("%M", minute), ("%S", second)):
        fmt = fmt.replace(code, part)
    return fmt


#: Ways a date of one fixed width can be damaged: each a function of the value and its format.
DAMAGES = {
    "a letter for a digit": lambda v, f: v[:3] + "x" + v[4:],
    "an Arabic-Indic digit": lambda v, f: v[:3] + "\u0664" + v[4:],
    "another separator": lambda v, f: v.replace("-", "/", 1) if "-" in v else v.replace("/", "-", 1),
    "month 13": lambda v, f: _written(f, month="13", day="14"),
    "month 00": lambda v, f: _written(f, month="00"),
    "day 00": lambda v, f: _written(f, day="00"),
    "day 32": lambda v, f: _written(f, day="32"),
    "29 February 2023": lambda v, f: _written(f, year="2023", month="02", day="29"),
    "29 February 1900": lambda v, f: _written(f, year="1900", month="02", day="29"),
    "31 April": lambda v, f: _written(f, month="04", day="31"),
    "hour 24": lambda v, f: _written(f if "%H" in f else f + " %H:%M:%S", hour="24"),
    "minute 60": lambda v, f: _written(f if "%H" in f else f + " %H:%M:%S", minute="60"),
    "second 60 (a leap second)": lambda v, f: _written(f if "%S" in f else f + ":%S", second="60"),
    "a comma between date and time": lambda v, f: v[:10] + "," + v[11:] if len(v) > 10 else v + ",10:00:00",
    "a T after a date with slashes (ISO: an underscore)": lambda v, f: (
        v[:10] + ("T" if "/" in v else "_") + v[11:] if len(v) > 10 else v + ("T" if "/" in v else "_") + "10:00:00"
    ),
    "a space before": lambda v, f: " " + v,
    "a time zone": lambda v, f: v + "Z",
    "fractions of a second": lambda v, f: (v if len(v) > 10 else v + " 10:00:00") + ".5",
    "a year before 1678": lambda v, f: _written(f, year="1677"),
    "a year after 2261": lambda v, f: _written(f, year="2262", month="12"),
    "blank": lambda v, f: "",
    "missing": lambda v, f: None,
    "relative": lambda v, f: "today     ",
}


def _column(text, storage, cut=0):
    if storage == "chunks":  # an arrow column of several chunks (as pd.concat leaves it)
        cut = cut % len(text)
        return pd.Series(pd.arrays.ArrowStringArray(pa.chunked_array([text[:cut], text[cut:]], pa.large_string())))
    return pd.Series(text, dtype={"str": str, "object": object}.get(storage, storage))


@given(
    st.lists(
        st.datetimes(min_value=dt.datetime(1678, 1, 1), max_value=dt.datetime(2261, 12, 31, 23, 59, 59)),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(FIXED),
    st.sampled_from([None, True, False]),
    st.sampled_from(["str", "object", "string[python]", "chunks"]),
    st.one_of(st.none(), st.sampled_from(sorted(DAMAGES))),
    st.integers(min_value=0),
)
def test_fixed_width_dates_read_from_their_bytes_as_the_general_rules_read_them(
    stamps, fmt, dayfirst, storage, damage, where
):
    text = [s.strftime(fmt) for s in stamps]
    if damage is not None:
        text[where % len(text)] = DAMAGES[damage](text[where % len(text)], fmt)
    raw = _column(text, storage, where)
    fast, problems = _same_reading(raw, dayfirst)
    said_order = fmt.startswith("%Y") or dayfirst == fmt.startswith("%d")
    if damage is None and said_order:  # read from the bytes, as written (the reference)
        assert _fixed_dates.read(raw, dayfirst) is not None
        assert fast.tolist() == [pd.Timestamp(dt.datetime.strptime(t, fmt)) for t in text]
        assert fast.dtype == np.dtype("datetime64[ns]") and not problems


@pytest.mark.parametrize("fmt", FIXED)
@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_fixed_width_date_is_left_to_the_general_rules(damage, fmt):
    # every damage, in every layout and width: the bytes are not read, the general rules name it
    text = [d.strftime(fmt) for d in (dt.datetime(2024, 1, 17, 10, 30, 5), dt.datetime(2023, 12, 31, 23, 59, 59))]
    text.insert(1, DAMAGES[damage](text[0], fmt))
    raw = pd.Series(text, dtype=object)
    for dayfirst in (None, fmt.startswith("%d")):
        assert _fixed_dates.read(raw, dayfirst) is None
        _same_reading(raw, dayfirst)


@pytest.mark.parametrize(
    ("values", "dayfirst", "expected"),
    [
        (["2024-02-29", "2000-02-29", "1970-01-01"], None, ["2024-02-29", "2000-02-29", "1970-01-01"]),
        (["1678-01-01 00:00:00", "2261-12-31 23:59:59"], None, ["1678-01-01T00:00:00", "2261-12-31T23:59:59"]),
        (["1969-12-31T23:59:59", "2024-01-17 10:30:05"], False, ["1969-12-31T23:59:59", "2024-01-17T10:30:05"]),
        (["2024-01-18T10:30", "1999-12-31 23:59"], True, ["2024-01-18T10:30:00", "1999-12-31T23:59:00"]),
        (["17/01/2024", "29/02/2024"], None, ["2024-01-17", "2024-02-29"]),  # 17 and 29: no months
        (["01/17/2024", "02/29/2024"], None, ["2024-01-17", "2024-02-29"]),
        (["01/02/2024", "03/04/2024"], True, ["2024-02-01", "2024-04-03"]),
        (["01/02/2024", "03/04/2024"], False, ["2024-01-02", "2024-03-04"]),
        (["01/01/2024 10:00", "12/12/1999 23:59"], None, ["2024-01-01T10:00", "1999-12-12T23:59"]),  # alike
        (["13/01/2024 00:00:01"], True, ["2024-01-13T00:00:01"]),
    ],
)
def test_fixed_width_dates_by_hand(values, dayfirst, expected):
    parsed = _fixed_dates.read(pd.Series(values), dayfirst)
    assert parsed is not None and parsed.dtype == np.dtype("datetime64[ns]")
    assert parsed.tolist() == [pd.Timestamp(e) for e in expected]


@pytest.mark.parametrize(
    ("values", "dayfirst"),
    [
        (["2023-02-29"], None),  # no such day
        (["1900-02-29"], None),  # 1900 is no leap year
        (["2262-12-31"], None),  # beyond nanoseconds (2262-04-11): microseconds, by the general rules
        (["2024-01-17", "2024-01-17 10:00:00"], None),  # two widths: the general rules
        (["2024-01-17", None], None),
        (["１９７０-01-01"], None),  # full-width digits (other bytes)
        ([], None),
        (["01/02/2024", "03/04/2024"], None),  # day or month first: the general rules ask
        (["13/01/2024"], False),  # month first, said, but 13 is no month: the general rules name it
        (["01/13/2024"], True),
        (["17/01/2024", "01/17/2024"], None),  # each order misses a date
    ],
)
def test_anything_else_is_left_to_the_general_rules(values, dayfirst):
    assert _fixed_dates.read(pd.Series(values, dtype=object), dayfirst) is None


def test_a_long_column_of_fixed_width_dates_is_read_in_slices_and_a_bad_date_in_the_last_is_named():
    n = 600_000  # (three slices, in threads)
    stamps = np.datetime64("2015-01-01T00:00:00") + np.arange(n) * np.timedelta64(523, "s")
    text = np.datetime_as_string(stamps, unit="s")
    raw = pd.Series(text.astype(object), dtype=str)
    parsed = _fixed_dates.read(raw)
    assert parsed is not None and (parsed.to_numpy() == stamps.astype("datetime64[ns]")).all()
    text[-1] = "2015-02-30T00:00:00"
    with pytest.raises(tn.EventError, match=r"2015-02-30") as err:
        read(events(list(text)))
    assert str(n - 1) in str(err.value)


@pytest.mark.parametrize("fmt", ["%d/%m/%Y", "%m/%d/%Y"])
def test_a_long_column_whose_only_proof_of_its_order_is_in_its_last_slice_is_read_in_that_order(fmt):
    # every slice but the last reads both ways (first written day first); the last reads only
    # as written: the slices written the other way are written again
    n = 600_000
    days = np.datetime64("2015-01-01") + (np.arange(n) % 12) * 31
    text = pd.Series(days.astype("datetime64[D]")).dt.strftime(fmt)
    text.iloc[-1] = "13/01/2015" if fmt.startswith("%d") else "01/13/2015"
    for dayfirst in (None, fmt.startswith("%d")):
        parsed = _fixed_dates.read(pd.Series(text.to_numpy(dtype=object), dtype=str), dayfirst)
        assert parsed is not None
        expected = pd.to_datetime(text, format=fmt)
        assert (parsed.to_numpy() == expected.to_numpy()).all()


@pytest.mark.parametrize(
    "values",
    [
        [b"2024-01-17", b"2024-01-18"],  # bytes (a Parquet binary column) are no dates
        ["2024-01-17", b"2024-01-18"],
        [memoryview(b"17/01/2024")],
        [np.str_("2024-01-17"), 20240118],
    ],
)
def test_values_that_are_not_all_text_are_left_to_the_general_rules(values):
    raw = pd.Series(values, dtype=object)
    assert _fixed_dates.read(raw) is None
    _same_reading(raw)
