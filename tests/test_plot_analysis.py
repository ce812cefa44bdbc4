"""The timeline's optional episodes and band (headless; asserts on what was drawn)."""

from __future__ import annotations

import matplotlib.dates as mdates
import pandas as pd
import pytest
from matplotlib.collections import PolyCollection
from matplotlib.patches import Rectangle

import tension as tn


@pytest.fixture
def seed_daily(seed_events):
    return tn.score(seed_events, end="2024-03-31")


def _spans(ax):
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_label() == "_episode"]


def test_episodes_are_shaded_from_start_to_the_point_after_the_end(seed_events, seed_daily):
    ep = tn.episodes(seed_daily, threshold=20)
    other = ep.assign(dyad="AFG-PAK")  # another dyad's episodes are not drawn
    ax = tn.plot.timeline(seed_daily, seed_events, episodes=pd.concat([ep, other]))
    spans = _spans(ax)
    assert len(spans) == 1
    left, right = spans[0].get_x(), spans[0].get_x() + spans[0].get_width()
    assert mdates.num2date(left).date() == ep.loc[0, "start"].date()
    assert mdates.num2date(right).date() == (ep.loc[0, "end"] + pd.Timedelta(days=1)).date()
    assert "episode" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_band_is_drawn_between_low_and_high_and_fits_the_axes(seed_events, seed_daily):
    band = tn.bands(seed_events, weight_spread=0.5, end="2024-03-31", draws=100, seed=1)
    ax = tn.plot.timeline(seed_daily, band=band)
    polys = [c for c in ax.collections if isinstance(c, PolyCollection) and c.get_label() == "_band"]
    assert len(polys) == 1
    ys = polys[0].get_paths()[0].vertices[:, 1]
    assert ys.max() == pytest.approx(band["high"].max()) and ys.min() == pytest.approx(band["low"].min())
    bottom, top = ax.get_ylim()
    assert top >= band["high"].max() and bottom <= band["low"].min()
    assert "5%–95% band" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_without_episodes_or_band_nothing_extra_is_drawn(seed_events, seed_daily):
    ax = tn.plot.timeline(seed_daily, seed_events)
    assert not _spans(ax)
    assert not [c for c in ax.collections if c.get_label() == "_band"]


def test_wrong_frames_are_refused(seed_daily):
    with pytest.raises(ValueError, match="tension.episodes"):
        tn.plot.timeline(seed_daily, episodes=seed_daily)
    with pytest.raises(ValueError, match="tension.bands"):
        tn.plot.timeline(seed_daily, band=seed_daily)
