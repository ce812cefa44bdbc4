"""Plots at the edges: an empty result, a missing dyad, one event, events without the
optional columns, counts of 0. A clear ValueError naming the problem, or a figure;
never an IndexError, KeyError or ZeroDivisionError from inside."""

from __future__ import annotations

import pytest

import tension as tn


@pytest.fixture(scope="module")
def seed():
    return tn.datasets.pakistan_iran_2024()


@pytest.fixture(scope="module")
def daily(seed):
    return tn.score(seed)


def _empty(frame):
    return frame.iloc[0:0]


EMPTY = {
    "timeline": lambda ev, daily: tn.plot.timeline(_empty(daily)),
    "timeline with events": lambda ev, daily: tn.plot.timeline(_empty(daily), _empty(ev)),
    "decomposition": lambda ev, daily: tn.plot.decomposition(_empty(tn.decompose(ev))),
    "drivers": lambda ev, daily: tn.plot.drivers(_empty(tn.contributions(ev, at="2024-01-29"))),
    "heatmap": lambda ev, daily: tn.plot.heatmap(_empty(daily)),
    "small_multiples": lambda ev, daily: tn.plot.small_multiples(_empty(daily)),
}


@pytest.mark.parametrize("case", sorted(EMPTY))
def test_an_empty_result_is_a_clear_error(seed, daily, case):
    with pytest.raises(ValueError, match="no events"):
        EMPTY[case](seed, daily)


MISSING = {
    "timeline": lambda ev, daily: tn.plot.timeline(daily, ev, dyad="IND-PAK"),
    "decomposition": lambda ev, daily: tn.plot.decomposition(tn.decompose(ev), dyad="IND-PAK"),
    "drivers": lambda ev, daily: tn.plot.drivers(tn.contributions(ev, at="2024-01-29"), dyad="IND-PAK"),
}


@pytest.mark.parametrize("case", sorted(MISSING))
def test_a_missing_dyad_names_the_dyads_present(seed, daily, case):
    with pytest.raises(ValueError, match=r"'IND-PAK' is not in .*IRN-PAK"):
        MISSING[case](seed, daily)


COUNTS = {
    "decomposition top": lambda ev, daily: tn.plot.decomposition(tn.decompose(ev), top=0),
    "drivers top": lambda ev, daily: tn.plot.drivers(tn.contributions(ev, at="2024-01-29"), top=0),
    "heatmap top": lambda ev, daily: tn.plot.heatmap(daily, top=0),
    "small_multiples top": lambda ev, daily: tn.plot.small_multiples(daily, ev, top=0),
    "small_multiples ncols": lambda ev, daily: tn.plot.small_multiples(daily, ev, ncols=0),
    "heatmap top negative": lambda ev, daily: tn.plot.heatmap(daily, top=-3),
}


@pytest.mark.parametrize("case", sorted(COUNTS))
def test_counts_of_zero_are_refused_by_name(seed, daily, case):
    name = case.split()[1]
    with pytest.raises(ValueError, match=f"{name} must be at least 1"):
        COUNTS[case](seed, daily)


def _drawn(result):
    ax = result[0] if hasattr(result, "__len__") else result
    return ax.figure


ONE = {
    "timeline": lambda ev: tn.plot.timeline(tn.score(ev), ev),
    "decomposition": lambda ev: tn.plot.decomposition(tn.decompose(ev)),
    "drivers": lambda ev: tn.plot.drivers(tn.contributions(ev, at=ev["date"].iloc[0])),
    "heatmap": lambda ev: tn.plot.heatmap(tn.score(ev)),
    "small_multiples": lambda ev: tn.plot.small_multiples(tn.score(ev), ev),
}


@pytest.mark.parametrize("columns", ["all", "required only"])
@pytest.mark.parametrize("case", sorted(ONE))
def test_one_event_and_events_without_optional_columns_draw(seed, case, columns):
    ev = seed.iloc[[0]] if columns == "all" else seed[["date", "source", "target", "kind"]]
    figure = _drawn(ONE[case](ev))
    assert figure.axes and any(ax.has_data() for ax in figure.axes)


def test_decomposition_of_another_frame_names_what_it_needs(seed_events):
    with pytest.raises(ValueError, match=r"output of tension.decompose .* missing \['part', 'value'\]"):
        tn.plot.decomposition(tn.contributions(seed_events, at="2024-02-01"))
