"""Projection and scenarios: closed forms by hand, the crossing against the scored series,
and what_if against scoring the changed events alone (the index is linear)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import event_rows, frame

import tension as tn

ONE = pd.DataFrame({"date": ["2024-01-01"], "source": ["IRN"], "target": ["PAK"], "kind": ["airstrike"]})


def test_one_half_life_by_hand():
    p = tn.project(ONE, below=2.5, half_life=20)
    # 10 * 2 ** (-t / 20) = 2.5  =>  t = 40 days
    assert p.loc[0, "days"] == pytest.approx(40.0, rel=1e-12)
    assert p.loc[0, "date"] == pd.Timestamp("2024-02-10")
    assert tn.project(ONE, below=10.0).loc[0, "days"] == 0.0  # already at the level
    never = tn.project(ONE, below=0.0)
    assert not never.loc[0, "reached"] and pd.isna(never.loc[0, "date"])


def test_cooperation_forgotten_faster_makes_tension_rise_before_it_falls():
    ev = pd.concat([ONE, ONE.assign(kind="humanitarian_aid")], ignore_index=True)  # +10 (H 60) and -8 (H 10)
    m = tn.Model(
        half_life={"material_conflict": 60, "material_cooperation": 10},
        weights={"humanitarian_aid": -8},
        repeat_discount=1.0,
    )
    p = tn.project(ev, below=1.0, model=m)
    # 10 * 2**(-t/60) - 8 * 2**(-t/10) = 1 after the rise: by hand, close to 10 * 2**(-t/60) = 1
    t = p.loc[0, "days"]
    assert 10 * 2 ** (-t / 60) - 8 * 2 ** (-t / 10) == pytest.approx(1.0, abs=1e-9)
    assert t > 150


@settings(max_examples=12)
@given(rows=event_rows(min_size=1, max_size=12, days=30), level=st.floats(-5, 20))
def test_projected_date_is_where_the_series_crosses(rows, level):
    ev = frame(rows)
    m = tn.Model(half_life=dict(tn.MEMORY_BY_QUAD))
    proj = tn.project(ev, below=level, model=m, horizon=400.0)
    last = ev["date"].max()
    for row in proj.itertuples():
        if row.days == 0:
            assert row.tension <= level
            continue
        gross = tn.score(ev, model=m, at=last).set_index("dyad").loc[row.dyad, ["hostile", "cooperative"]].sum()
        end = row.date if row.reached else last + pd.Timedelta(days=400)
        path = tn.score(ev, model=m, dyads=[row.dyad], start=last, end=end, freq="12h")
        before = path[path["date"] < end]["tension"]
        assert (before > level - 1e-9 * gross).all()  # not crossed earlier
        if row.reached:
            at = tn.score(ev, model=m, at=row.date).set_index("dyad").loc[row.dyad, "tension"]
            assert at == pytest.approx(level, abs=1e-7 * max(gross, 1.0))


@settings(max_examples=12)
@given(rows=event_rows(min_size=1, max_size=15, days=30), data=st.data())
def test_what_if_change_is_the_score_of_the_changed_events(rows, data):
    ev = frame(rows)
    m = tn.Model(repeat_discount=1.0)  # fully linear
    drop = data.draw(st.lists(st.sampled_from(list(ev.index)), unique=True, max_size=len(ev)))
    extra = frame(data.draw(event_rows(max_size=4, days=30)))
    w = tn.what_if(ev, add=extra, drop=drop, model=m, start="2024-01-01", end="2024-03-15")
    parts = []
    if len(extra):
        parts.append(tn.score(extra, model=m, start="2024-01-01", end="2024-03-15")[["dyad", "date", "tension"]])
    if drop:
        gone = tn.score(ev.loc[drop], model=m, start="2024-01-01", end="2024-03-15")[["dyad", "date", "tension"]]
        parts.append(gone.assign(tension=-gone["tension"]))
    want = pd.concat(parts).groupby(["dyad", "date"])["tension"].sum() if parts else pd.Series(dtype=float)
    got = w.set_index(["dyad", "date"])["change"]
    want = want.reindex(got.index, fill_value=0.0)
    scale = tn.score(ev, model=m, start="2024-01-01", end="2024-03-15")[["hostile", "cooperative"]].to_numpy().sum()
    np.testing.assert_allclose(got.to_numpy(), want.to_numpy(), atol=1e-9 * (1 + scale))


def test_what_if_refuses_unknown_labels(seed_events):
    with pytest.raises(ValueError, match="not in the events' index"):
        tn.what_if(seed_events, drop=[99])


def test_what_if_refuses_a_label_that_several_events_share(seed_events):
    """After pd.concat labels repeat: dropping label 0 dropped every event labelled 0, while
    the result said one was dropped."""
    events = seed_events.copy()
    events.index = [0, 1, 2, 3] + [0] * (len(events) - 4)
    with pytest.raises(ValueError, match=r"drop names 0, a label 13 events share"):
        tn.what_if(events, drop=[0], start="2024-01-29", end="2024-01-29")
    first = pd.Series([True] + [False] * (len(events) - 1), index=events.index)  # by position: fine
    w = tn.what_if(events, drop=first, start="2024-01-29", end="2024-01-29")
    assert w.attrs["dropped"] == 1
    assert w["after"].iloc[0] == pytest.approx(tn.score(events.iloc[1:], at="2024-01-29")["tension"].iloc[0], rel=1e-12)
    assert tn.what_if(events, drop=[1, 3], start="2024-01-29", end="2024-01-29").attrs["dropped"] == 2


@pytest.mark.parametrize("dates", [["0001-01-01", "0001-01-05"], ["9999-11-01", "9999-11-05"]])
def test_project_on_dates_beyond_nanoseconds(dates):
    """Events of year 1 or 9999 score (microsecond dates); their projection failed with
    an out-of-bounds error. The tension at the projected date is the level asked for."""
    events = pd.DataFrame(
        {"date": dates, "source": ["IRN", "PAK"], "target": ["PAK", "IRN"], "kind": ["airstrike", "armed_attack"]}
    )
    out = tn.project(events, below=5)
    assert out["reached"].iloc[0]
    when = out["date"].iloc[0]
    assert when.year == int(dates[0][:4])
    assert tn.score(events, at=when)["tension"].iloc[0] == pytest.approx(5.0, rel=1e-6)


def test_what_if_refuses_added_events_of_another_time_zone_kind(seed_events):
    extra = seed_events.iloc[:1].assign(date=pd.Timestamp("2024-02-05", tz="UTC"))
    with pytest.raises(ValueError, match="events' dates have no time zone and the added ones' are in UTC"):
        tn.what_if(seed_events, add=extra)


def test_projection_does_not_depend_on_row_order():
    # 0.1 + 0.2 + 0.7 and 0.7 + 0.2 + 0.1 differ in the last bit: the sum must not follow the rows
    ev = pd.DataFrame(
        {"date": "2024-01-01", "source": "IRN", "target": "PAK", "kind": "airstrike", "weight": [0.1, 0.2, 0.7]}
    )
    model = tn.Model(repeat_discount=1)
    first = tn.project(ev, below=0.5, model=model)
    for order in ([2, 1, 0], [1, 2, 0]):
        pd.testing.assert_frame_equal(tn.project(ev.iloc[order], below=0.5, model=model), first, check_exact=True)
