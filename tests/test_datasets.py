"""The seed episode: coded faithfully from the story, and telling its story."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import SEEDS

import tension as tn

STORY = (SEEDS / "story_2024-01-29_pakistan_iran.txt").read_text(encoding="utf-8")


def test_seeds_csv_is_the_packaged_dataset():
    packaged = tn.datasets.path("pakistan_iran_2024.csv").read_bytes()
    assert (SEEDS / "pakistan_iran_2024.csv").read_bytes() == packaged


def test_every_evidence_quote_is_in_the_story(seed_events):
    for row in seed_events.itertuples():
        for part in row.evidence.split(" [...] "):
            assert part in STORY, (row.Index, part)


def test_counts_follow_the_story(seed_events):
    strikes = seed_events[seed_events["kind"] == "airstrike"].set_index("source")
    # "the deaths of two children and injuries to three others"
    assert (strikes.loc["IRN", "killed"], strikes.loc["IRN", "injured"]) == (2, 3)
    # "resulting in the deaths of at least nine individuals"
    assert strikes.loc["PAK", "killed"] == 9
    # "deaths of at least 11 individuals" in all
    assert strikes["killed"].sum() == 11
    attack = seed_events[seed_events["kind"] == "armed_attack"].iloc[0]
    # "killed four Pakistani laborers and injured three others"
    assert (attack["killed"], attack["injured"]) == (4, 3)
    assert attack["confidence"] < 1


def test_dates_follow_the_story_and_the_public_record(seed_events):
    by_kind = seed_events.groupby("kind")["date"].min()
    assert by_kind["airstrike"] == pd.Timestamp("2024-01-17")  # "on January 17"
    assert pd.Timestamp("2024-01-27").day_name() == "Saturday"  # "on Saturday"
    assert by_kind["armed_attack"] == pd.Timestamp("2024-01-27")
    assert set(seed_events.loc[seed_events["kind"].str.startswith("pledge"), "date"]) == {pd.Timestamp("2024-01-29")}
    undated = seed_events[~seed_events["evidence"].str.contains("January 17|Saturday")]
    assert undated["description"].str.contains("public record").all()


def test_pledges_are_coded_as_pledges_not_cooperation(seed_events):
    kinds = set(seed_events["kind"])
    assert {"pledge_security_cooperation", "pledge_economic_cooperation", "pledge_meetings"} <= kinds
    assert not kinds & {"security_cooperation", "economic_cooperation", "agreement"}


def test_every_sentence_is_coded_or_accounted_for_in_the_readme(seed_events):
    readme = (SEEDS / "README.md").read_text(encoding="utf-8")
    sentences = [s.strip() for s in re.split(r"(?<=[.!?'])\s+(?=[A-Z])", STORY) if s.strip()]
    assert len(sentences) >= 20
    for number in range(1, len(sentences) + 1):
        assert re.search(rf"^\| {number} \|", readme, flags=re.M), f"sentence {number} missing from seeds/README.md"


def test_the_episode_reads_as_the_story_says(seed_events):
    daily = tn.score(seed_events, start="2024-01-10", end="2024-02-29").set_index("date")["tension"]
    assert daily["2024-01-16"] == 0
    assert daily["2024-01-17"] > 10  # Iran's strikes send it up
    assert daily["2024-01-18"] > 1.8 * daily["2024-01-17"]  # Pakistan's retaliation doubles it
    assert daily["2024-01-27"] > daily["2024-01-26"] + 5  # the gunmen's attack adds to it
    drop = daily["2024-01-28"] - daily["2024-01-29"]
    assert drop > 5  # the talks bring it down ...
    assert daily["2024-01-29"] > 0.5 * daily["2024-01-28"]  # ... without erasing the strikes
    why = tn.contributions(seed_events, at="2024-01-29")
    top = why.loc[why["contribution"].abs().sort_values(ascending=False).index[:3], "kind"]
    assert list(top) == ["airstrike", "airstrike", "armed_attack"]


def test_without_the_repeat_discount_the_pledges_would_erase_the_strikes(seed_events):
    # the cheap-talk problem of DESIGN section 1, which the default model handles
    plain = tn.score(seed_events, start="2024-01-28", end="2024-01-29", model=tn.Model(repeat_discount=1.0))
    assert plain["tension"].iloc[1] < 0.1 * plain["tension"].iloc[0]


def test_loader_docstring_states_source_size_columns_licence():
    doc = tn.datasets.pakistan_iran_2024.__doc__
    for word in ("Source", "Size", "Licence", "Returns", "evidence"):
        assert word in doc


@pytest.mark.parametrize("column", ["description", "evidence"])
def test_every_row_says_what_and_from_where(seed_events, column):
    assert seed_events[column].notna().all() and (seed_events[column].str.len() > 20).all()
