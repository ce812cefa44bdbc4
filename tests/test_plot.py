"""Plots: headless, asserting on what was drawn."""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from matplotlib.collections import PathCollection
from strategies import events as event_frames

import tension as tn


@pytest.fixture
def daily(seed_events):
    return tn.score(seed_events, start="2024-01-10", end="2024-02-29")


def test_timeline_draws_lines_markers_and_labels(daily, seed_events):
    ax = tn.plot.timeline(daily, seed_events)
    lines = [line for line in ax.get_lines() if len(line.get_xdata()) > 2]
    assert len(lines) == 3  # hostile, cooperative, tension
    tension_line = lines[-1]
    assert np.allclose(tension_line.get_ydata(), daily["tension"])
    markers = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(markers) == 1
    # occasions: 17 Jan, 18 Jan, 27 Jan (hostile) and 29 Jan (cooperative)
    assert len(markers[0].get_offsets()) == 4
    colors = {tuple(np.round(c[:3], 3)) for c in markers[0].get_facecolors()}
    assert len(colors) == 2
    texts = [t.get_text() for t in ax.texts]
    assert any("PAK→IRN airstrike, 9 killed" in t for t in texts)
    assert any("IRN→PAK airstrike, 2 killed, 3 injured" in t for t in texts)
    assert any("armed attack, 4 killed" in t for t in texts)
    assert any("12 cooperative events" in t for t in texts)
    assert ax.get_ylabel().startswith("tension")
    assert ax.get_legend() is not None


def test_timeline_labels_do_not_overlap(daily, seed_events):
    ax = tn.plot.timeline(daily, seed_events)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in ax.texts]
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (ax.texts[i].get_text(), ax.texts[j].get_text())


def test_timeline_on_given_axes_and_without_events(daily):
    fig, (left, right) = plt.subplots(1, 2)
    ax = tn.plot.timeline(daily, ax=right, index_axis=False)
    assert ax is right
    assert not [c for c in ax.collections if isinstance(c, PathCollection)]


def test_timeline_accepts_score_events_output(daily, seed_events):
    scored = seed_events.join(tn.score_events(seed_events)[["score", "dyad"]])
    ax = tn.plot.timeline(daily, scored)
    assert len(ax.collections[-1].get_offsets()) == 4


def test_timeline_needs_a_dyad_when_several(seed_events):
    other = seed_events.assign(target="AFG")  # AFG-IRN and AFG-PAK
    daily = tn.score(pd.concat([seed_events, other], ignore_index=True))
    with pytest.raises(ValueError, match="holds 3 dyads; choose one with dyad="):
        tn.plot.timeline(daily)
    with pytest.raises(ValueError, match="dyad 'XXX-YYY' is not in daily"):
        tn.plot.timeline(daily, dyad="XXX-YYY")
    assert tn.plot.timeline(daily, dyad="AFG-IRN").get_title(loc="left") == "Tension between AFG and IRN"


@settings(max_examples=8)
@given(event_frames)
def test_timeline_on_random_events(ev):
    if ev.empty:
        return
    daily = tn.score(ev)
    dyad = daily["dyad"].iloc[0]
    ax = tn.plot.timeline(daily, ev, dyad=dyad)
    assert len(ax.get_lines()) >= 3
    plt.close(ax.figure)


def test_png_is_written(tmp_path, daily, seed_events):
    ax = tn.plot.timeline(daily, seed_events)
    ax.figure.savefig(tmp_path / "t.png")
    assert (tmp_path / "t.png").stat().st_size > 10_000


# --- contributions, drivers, heatmap, small multiples -----------------------------

from matplotlib.collections import PolyCollection  # noqa: E402


def test_contributions_stack_and_net_line(seed_events):
    parts = tn.decompose(seed_events, start="2024-01-10", end="2024-02-29")
    ax = tn.plot.decomposition(parts)
    fills = [c for c in ax.collections if isinstance(c, PolyCollection)]
    assert len(fills) == 3  # material conflict, verbal conflict (up), verbal cooperation (down)
    net = ax.get_lines()[0]
    daily = tn.score(seed_events, start="2024-01-10", end="2024-02-29")
    assert np.allclose(net.get_ydata(), daily["tension"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    # largest parts first: material conflict (peak 42.7), verbal cooperation (10.2), verbal conflict (1.0)
    assert legend == ["tension (sum of the parts)", "material conflict", "verbal cooperation", "verbal conflict"]


def test_contributions_by_kind_groups_the_rest_as_other(seed_events):
    parts = tn.decompose(seed_events, by="kind", start="2024-01-10", end="2024-02-29")
    ax = tn.plot.decomposition(parts, top=3)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[-1] == "other" and len(legend) == 1 + 3 + 1


def test_drivers_bars_labels_and_colours(seed_events):
    why = tn.contributions(seed_events, at="2024-01-29")
    ax = tn.plot.drivers(why, top=4)
    bars = ax.patches
    assert len(bars) == 5
    widths = [b.get_width() for b in bars]
    top4 = why["contribution"].abs().sort_values(ascending=False).index[:4]
    assert np.allclose(widths[:4], why.loc[top4, "contribution"])
    assert np.isclose(sum(widths), why.attrs["tension"]["IRN-PAK"])  # the bars add up to the value
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].endswith("PAK→IRN airstrike, 9 killed") and labels[-1] == "12 other events"
    assert "tension 30.5" in ax.get_title(loc="right")


def test_heatmap_orders_dyads_and_centres_colours():
    rng = np.random.default_rng(3)
    dyads = ["AAA-BBB", "CCC-DDD", "EEE-FFF"]
    dates = pd.date_range("2024-01-01", periods=5)
    daily = pd.DataFrame(
        {
            "dyad": np.repeat(dyads, 5),
            "date": np.tile(dates, 3),
            "tension": [0, 1, 2, 1, 1, 0, 5, 1, 0, 0, -3, -2, -1, 0, 4],
        }
    )
    daily["tension"] = daily["tension"] + rng.normal(0, 1e-9, 15)
    ax = tn.plot.heatmap(daily)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["CCC–DDD", "EEE–FFF", "AAA–BBB"]  # by peak 5, 4, 2
    image = ax.collections[0]
    assert image.get_array().shape == (3, 5)
    assert image.norm.vcenter == 0 and np.isclose(image.norm.vmax, 5, atol=1e-6)
    assert len(ax.figure.axes) == 2  # the colour bar
    ax2 = tn.plot.heatmap(daily, order="latest", top=2)
    assert [t.get_text() for t in ax2.get_yticklabels()] == ["EEE–FFF", "AAA–BBB"]
    with pytest.raises(ValueError, match="order must be"):
        tn.plot.heatmap(daily, order="loudest")


def test_small_multiples_grid(seed_events):
    other = seed_events.assign(target="AFG")
    events = pd.concat([seed_events, other.assign(kind="talks")], ignore_index=True)
    daily = tn.score(events)
    axes = tn.plot.small_multiples(daily, events, top=3, ncols=2)
    assert len(axes) == 3
    assert [a.get_title(loc="left") for a in axes][0] == "IRN–PAK"  # the most tense first
    assert all(a.get_shared_y_axes().joined(axes[0], a) for a in axes)
    fig, given_axes = plt.subplots(1, 3)
    assert list(tn.plot.small_multiples(daily, top=3, ax=given_axes)) == list(given_axes)
    with pytest.raises(ValueError, match="ax holds 1 Axes; 3 are needed"):
        tn.plot.small_multiples(daily, top=3, ax=[given_axes[0]])


@settings(max_examples=6)
@given(event_frames)
def test_every_plot_on_random_events(ev):
    if ev.empty:
        return
    daily = tn.score(ev)
    dyad = daily["dyad"].iloc[0]
    assert tn.plot.heatmap(daily).collections
    assert tn.plot.decomposition(tn.decompose(ev, dyads=dyad), dyad=dyad).get_lines()
    why = tn.contributions(ev, at=daily["date"].max(), dyads=dyad)
    assert tn.plot.drivers(why).patches or (why["contribution"] == 0).all()
    assert len(tn.plot.small_multiples(daily, ev, top=2)) == min(2, daily["dyad"].nunique())
    plt.close("all")


def test_old_plot_names_warn_and_draw_the_same(seed_events, daily):
    parts = tn.decompose(seed_events, start="2024-01-10", end="2024-02-29")
    with pytest.warns(FutureWarning, match="renamed tension.plot.decomposition"):
        old = tn.plot.contributions(parts)
    new = tn.plot.decomposition(parts)
    assert [t.get_text() for t in old.get_legend().get_texts()] == [t.get_text() for t in new.get_legend().get_texts()]
    np.testing.assert_array_equal(old.get_lines()[0].get_xydata(), new.get_lines()[0].get_xydata())
    with pytest.warns(FutureWarning, match=r"small_multiples\(n=...\) is renamed small_multiples\(top=...\)"):
        assert len(tn.plot.small_multiples(daily, n=1)) == 1
    with pytest.raises(TypeError, match="both top= and its old name n="):
        tn.plot.small_multiples(daily, n=1, top=1)
    plt.close("all")


def test_drivers_rank_by_position_when_the_index_repeats(seed_events):
    extra = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-20", "2024-01-21"]),
            "source": ["IRN", "PAK"],
            "target": ["PAK", "IRN"],
            "kind": ["military_threat", "condemnation"],
        }
    )
    why = tn.contributions(pd.concat([seed_events, extra]), at="2024-01-29")  # labels 0 and 1 twice
    assert why.index.has_duplicates
    before = why.copy()
    ax = tn.plot.drivers(why, top=3)
    pd.testing.assert_frame_equal(why, before)
    values = sorted((v for v in why["contribution"].tolist() if v != 0), key=abs, reverse=True)
    widths = [b.get_width() for b in ax.patches]
    assert len(widths) == 4
    assert np.allclose(widths, [*values[:3], sum(values[3:])])
    assert np.isclose(sum(widths), why.attrs["tension"]["IRN-PAK"])
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == f"{len(values) - 3} other events"
    plt.close("all")


def test_drivers_of_a_filtered_frame_say_the_bars_are_not_the_tension(seed_events):
    why = tn.contributions(seed_events, at="2024-01-29")
    hostile = why[why["contribution"] > 0]
    ax = tn.plot.drivers(hostile, top=2)
    widths = [b.get_width() for b in ax.patches]
    assert np.isclose(sum(widths), hostile["contribution"].sum())
    title = ax.get_title(loc="right")
    assert "tension 30.5" in title and f"the events shown sum to {sum(widths):.1f}" in title
    assert "sum to" not in tn.plot.drivers(why, top=2).get_title(loc="right")
    plt.close("all")


def _heatmap_cells(ax):
    """Each row's drawn cells: (left, right, value or None where blank), in dates."""
    if ax.images:  # (an image with an extent, as drawn before: evenly spaced columns)
        values = ax.images[0].get_array()
        x0, x1, _, _ = ax.images[0].get_extent()
        x = mdates.num2date(np.linspace(x0, x1, values.shape[1] + 1))
    else:
        mesh = ax.collections[0]
        x = mdates.num2date(mesh.get_coordinates()[0, :, 0])
        values = mesh.get_array()
    rows = {}
    for r, label in enumerate(t.get_text() for t in ax.get_yticklabels()):
        rows[label] = [
            (
                pd.Timestamp(x[j]).tz_localize(None),
                pd.Timestamp(x[j + 1]).tz_localize(None),
                None if np.ma.is_masked(values[r, j]) else float(values[r, j]),
            )
            for j in range(values.shape[1])
        ]
    return rows


def _assert_each_value_in_its_cell(ax, daily, value="tension"):
    """Every row of ``daily`` lies in the one drawn cell of its dyad that shows its value;
    every cell that shows a value holds one row's date."""
    cells = _heatmap_cells(ax)
    for dyad, mine in daily.groupby("dyad"):
        drawn = cells[tn.plot._style.arrow(dyad)]
        dates = pd.DatetimeIndex(mine["date"])
        dates = dates.tz_localize(None) if dates.tz is not None else dates
        for date, v in zip(dates, mine[value], strict=True):
            (hit,) = [c for c in drawn if c[0] <= date < c[1]]
            assert hit[2] is not None and np.isclose(hit[2], v), (dyad, date, hit, v)
        for left, right, v in drawn:
            inside = ((dates >= left) & (dates < right)).sum()
            assert inside == (v is not None), (dyad, left, right, v)
    return cells


def test_heatmap_draws_each_value_at_its_own_date_on_a_thinned_grid():
    ev = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-01", "2024-06-01"]),
            "source": ["IRN", "USA"],
            "target": ["PAK", "CHN"],
            "kind": ["airstrike"] * 2,
        }
    )
    daily = tn.score(ev, half_life=2, threshold=1.0)  # IRN-PAK 1-7 Jan, CHN-USA 1 Jun only
    before = daily.copy()
    ax = tn.plot.heatmap(daily)
    pd.testing.assert_frame_equal(daily, before)
    cells = _assert_each_value_in_its_cell(ax, daily)
    shown = [(left, right) for left, right, v in cells["IRN–PAK"] if v is not None]
    assert shown[0] == (pd.Timestamp("2023-12-31 12:00"), pd.Timestamp("2024-01-01 12:00"))
    assert all(right - left == pd.Timedelta(days=1) for left, right in shown)
    # the same without attrs: the step is the smallest one between dates
    bare = daily.copy()
    bare.attrs = {}
    _assert_each_value_in_its_cell(tn.plot.heatmap(bare), bare)
    plt.close("all")


@pytest.mark.parametrize("freq", ["W", "MS"])
def test_heatmap_cells_on_weekly_and_monthly_grids(seed_events, freq):
    other = seed_events.assign(target="AFG", date=seed_events["date"] + pd.Timedelta(days=45))
    daily = tn.score(pd.concat([seed_events, other], ignore_index=True), freq=freq, threshold=0.5)
    cells = _assert_each_value_in_its_cell(tn.plot.heatmap(daily, value="hostile"), daily, value="hostile")
    if freq == "MS":  # months of unequal length: edges halfway between month starts
        (feb,) = [c for c in cells["IRN–PAK"] if c[0] <= pd.Timestamp("2024-02-01") < c[1]]
        assert feb[:2] == (pd.Timestamp("2024-01-16 12:00"), pd.Timestamp("2024-02-15 12:00"))
    plt.close("all")


def test_heatmap_on_a_zoned_grid_draws_local_dates():
    ev = tn.read_events(
        pd.DataFrame({"date": ["2024-01-05T03:00Z"], "source": ["IRN"], "target": ["PAK"], "kind": ["airstrike"]})
    )
    daily = tn.score(ev, start="2024-01-01T00:00+05:00", end="2024-01-08T00:00+05:00")
    _assert_each_value_in_its_cell(tn.plot.heatmap(daily), daily)
    plt.close("all")


def test_heatmap_refuses_repeated_cells(seed_events):
    daily = tn.score(seed_events)
    with pytest.raises(ValueError, match="repeated \\(dyad, date\\) rows"):
        tn.plot.heatmap(pd.concat([daily, daily.iloc[:3]]))


# --- timeline markers: each occasion at the first grid point at or after it ---------


def _markers(ax):
    """The drawn markers: (date, y, |score|) sorted by date, from the scatter's offsets and sizes."""
    (scatter,) = [c for c in ax.collections if isinstance(c, PathCollection)]
    dates = [pd.Timestamp(d).tz_localize(None) for d in mdates.num2date(scatter.get_offsets()[:, 0])]
    sizes = (np.asarray(scatter.get_sizes()) - 30) / 14
    return sorted(zip(dates, scatter.get_offsets()[:, 1], sizes, strict=True))


def _expected_markers(daily, scored):
    """Independently: each event at the first grid time at or after it (same instant compared),
    if it falls after the grid point before that one; summed per (grid time, sign)."""
    grid = list(pd.DatetimeIndex(daily["date"]))
    step = grid[1] - grid[0]
    totals = {}
    for date, score in zip(pd.DatetimeIndex(scored["date"]), scored["score"], strict=True):
        later = [g for g in grid if g >= date]
        if not later or date <= later[0] - step or score == 0:
            continue
        key = (later[0], np.sign(score))
        totals[key] = totals.get(key, 0.0) + abs(score)
    tension = dict(zip(grid, daily["tension"], strict=True))
    return sorted((g.tz_localize(None), tension[g], size) for (g, _), size in totals.items())


def _assert_markers(ax, expected):
    drawn = _markers(ax)
    assert [d for d, _, _ in drawn] == [d for d, _, _ in expected]
    assert np.allclose([y for _, y, _ in drawn], [y for _, y, _ in expected])
    assert np.allclose([s for _, _, s in drawn], [s for _, _, s in expected])


def test_timeline_marks_a_zoned_event_where_the_line_rises():
    raw = pd.DataFrame(
        {"date": ["2024-01-05T03:00+05:00"], "source": ["IRN"], "target": ["PAK"], "kind": ["airstrike"]}
    )
    with pytest.warns(tn.TensionWarning):
        ev = tn.read_events(raw)  # 4 Jan 22:00 UTC, 5 Jan 03:00 in the grid's zone
    daily = tn.score(ev, start="2024-01-01T00:00+05:00", end="2024-01-08T00:00+05:00")
    ax = tn.plot.timeline(daily, ev)
    _assert_markers(ax, _expected_markers(daily, tn.score_events(ev)))
    ((date, y, _),) = _markers(ax)
    assert date == pd.Timestamp("2024-01-06") and y > 0  # not 4 Jan at 0
    plt.close("all")


def test_timeline_marks_events_with_a_time_of_day_after_they_happen():
    ev = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-01-05 00:00", "2024-01-09 15:30", "2024-01-09 18:00"]),
            "source": ["IRN", "IRN", "PAK"],
            "target": ["PAK", "PAK", "IRN"],
            "kind": ["airstrike", "talks", "talks"],
        }
    )
    daily = tn.score(ev, start="2024-01-01", end="2024-01-15")
    ax = tn.plot.timeline(daily, ev)
    _assert_markers(ax, _expected_markers(daily, tn.score_events(ev)))
    assert [d for d, _, _ in _markers(ax)] == [pd.Timestamp("2024-01-05"), pd.Timestamp("2024-01-10")]
    plt.close("all")


def test_timeline_on_a_weekly_grid_marks_the_events_before_its_first_point(seed_events):
    weekly = tn.score(seed_events, freq="W")  # 21 Jan, 28 Jan, 4 Feb; events from 17 Jan
    ax = tn.plot.timeline(weekly, seed_events)
    expected = _expected_markers(weekly, tn.score_events(seed_events))
    _assert_markers(ax, expected)
    assert sum(s for _, _, s in _markers(ax)) == pytest.approx(tn.score_events(seed_events)["score"].abs().sum())
    assert any(t.get_text().startswith("PAK→IRN airstrike, 9 killed\n+1 more: airstrike") for t in ax.texts)
    plt.close("all")


def test_timeline_leaves_out_events_long_before_the_grid(seed_events):
    daily = tn.score(seed_events, start="2024-01-20", end="2024-02-10")
    ax = tn.plot.timeline(daily, seed_events)
    _assert_markers(ax, _expected_markers(daily, tn.score_events(seed_events)))
    assert [d for d, _, _ in _markers(ax)] == [pd.Timestamp("2024-01-27"), pd.Timestamp("2024-01-29")]
    plt.close("all")


def test_timeline_label_does_not_list_the_headline_event_again():
    ev = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-03-01"] * 4),
            "source": ["IRN"] * 4,
            "target": ["PAK"] * 4,
            "kind": ["airstrike", "military_threat", "military_threat", "military_threat"],
            "killed": [1, 0, 0, 0],
        }
    )
    assert tn.event_scores(ev)["score"].iloc[0] < tn.event_scores(ev)["score"].iloc[1:].sum()
    ax = tn.plot.timeline(tn.score(ev, end="2024-03-05"), ev)
    (label,) = [t.get_text() for t in ax.texts]
    headline, rest = label.split("\n", 1)
    assert headline == "IRN→PAK airstrike, 1 killed"
    assert rest == "+3 more: military threat ×3"
    plt.close("all")


def test_timeline_draws_the_output_of_score_events(seed_events, daily):
    scored = tn.score_events(seed_events)
    before = scored.copy()
    ax = tn.plot.timeline(daily, scored)
    pd.testing.assert_frame_equal(scored, before)
    _assert_markers(ax, _expected_markers(daily, scored))
    assert len(_markers(ax)) == 4
    texts = sorted(t.get_text() for t in ax.texts)
    assert "12 cooperative events, score -10.2" in texts and "hostile event, score +21.5" in texts
    plt.close("all")


def test_timeline_refuses_events_of_another_time_zone_kind(seed_events, daily):
    zoned = seed_events.assign(date=seed_events["date"].dt.tz_localize("UTC"))
    with pytest.raises(ValueError, match="dates of events carry a time zone and those of daily do not"):
        tn.plot.timeline(daily, zoned)


def test_heatmap_is_one_image_in_a_vector_file(seed_events, tmp_path):
    # a cell per dyad and day as vector paths made PDFs of 24 MB for 300 dyads x 10 years
    ax = tn.plot.heatmap(tn.score(seed_events, end="2024-03-31"))
    assert ax.collections[0].get_rasterized()
    ax.figure.savefig(tmp_path / "heat.svg")
    assert (tmp_path / "heat.svg").read_text().count("<image") >= 1
    plt.close(ax.figure)
