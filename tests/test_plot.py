"""Plots: headless, asserting on what was drawn."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import PathCollection
from strategies import events as event_frames
from hypothesis import given, settings

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
