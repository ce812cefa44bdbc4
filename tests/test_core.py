"""The kernel on plain arrays, against plain loops."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tension import core

finite = st.floats(0, 1e6, allow_nan=False)


def loop_scan(a, b):
    out = np.empty_like(b)
    state = np.zeros(b.shape[1])
    for i in range(len(a)):
        state = a[i] * state + b[i]
        out[i] = state
    return out


@given(st.integers(0, 700), st.integers(1, 3), st.integers(0, 2**32 - 1), st.sampled_from([2, 4, 64]))
def test_linear_scan_matches_loop(n, channels, seed, block):
    rng = np.random.default_rng(seed)
    a = rng.random((n, channels))
    a[rng.random(n) < 0.05] = 0.0
    b = rng.random((n, channels)) * 10.0 ** rng.integers(-3, 4, (n, 1))
    got = core.linear_scan(a, b, block=block)
    want = loop_scan(a, b)
    assert np.allclose(got, want, rtol=1e-12, atol=0)


def direct(groups, times, scores, half_lives):
    n = len(times)
    out = np.zeros((n, scores.shape[1]))
    for i in range(n):
        for j in range(n):
            if groups[j] == groups[i] and times[j] <= times[i]:
                out[i] += scores[j] * 2.0 ** (-(times[i] - times[j]) / half_lives)
    return out


@given(
    hnp.arrays(np.int64, st.integers(0, 80), elements=st.integers(0, 4)),
    st.integers(0, 2**32 - 1),
    st.sampled_from([[30.0], [1.0, 100.0], [1e-3]]),
)
def test_run_matches_direct_sum_with_ties(groups, seed, half_lives):
    rng = np.random.default_rng(seed)
    n = len(groups)
    times = rng.integers(0, 40, n).astype(float) / 2  # many ties
    scores = rng.random((n, len(half_lives)))
    kernel = core.run(groups, times, scores, np.array(half_lives))
    got = core.at_events(kernel)
    want = direct(groups, times, scores, np.array(half_lives))
    assert np.allclose(got, want, rtol=1e-12, atol=0)


def test_on_grid_before_between_and_after_events():
    kernel = core.run(
        np.array([1, 1, 3]), np.array([10.0, 20.0, 5.0]), np.array([[4.0], [2.0], [1.0]]), np.array([10.0])
    )
    grid = np.array([4.99, 9.0, 10.0, 15.0, 30.0, 50.0])
    groups, where, values = core.on_grid(kernel, grid, 4)
    got = dict(zip(zip(groups.tolist(), grid[where].tolist(), strict=True), values[:, 0].tolist(), strict=True))
    assert len(got) == 4 * len(grid)  # dense: every group, every time
    want = {
        (1, 9.0): 0.0,
        (1, 10.0): 4.0,
        (1, 15.0): 4 * 2**-0.5,
        (1, 30.0): 4 * 2**-2 + 2 * 2**-1,
        (2, 50.0): 0.0,
        (3, 4.99): 0.0,
        (3, 15.0): 0.5,
    }
    for key, value in want.items():
        assert np.isclose(got[key], value, rtol=1e-14, atol=0), key


def test_final_states_per_group():
    kernel = core.run(np.array([2, 0, 2]), np.array([1.0, 3.0, 2.0]), np.array([[1.0], [5.0], [1.0]]), np.array([1.0]))
    groups, times, states = core.final_states(kernel)
    assert groups.tolist() == [0, 2]
    assert times.tolist() == [3.0, 2.0]
    assert np.allclose(states[:, 0], [5.0, 1.5])


def test_no_overflow_for_any_span():
    # a billion days apart with a half-life of half a day: the first event is gone
    times = np.array([0.0, 1e9, 1e9 + 0.5])
    kernel = core.run(np.zeros(3, dtype=int), times, np.ones((3, 1)), np.array([0.5]))
    assert np.isfinite(kernel.states).all()
    assert kernel.states[1, 0] == 1.0
    assert np.isclose(kernel.states[2, 0], 1.5, rtol=1e-9)


@given(
    hnp.arrays(np.int64, st.integers(0, 300), elements=st.integers(0, 6)),
    st.integers(0, 2**32 - 1),
    st.booleans(),
    st.sampled_from([30.0, 0.25, 1e4]),
    st.sampled_from([1, 2, 3, 7]),
)
def test_decayed_sum_matches_direct_sum(groups, seed, time_sorted, half_life, threads):
    # several threads cut the events into chunks whose states carry into the next
    rng = np.random.default_rng(seed)
    n = len(groups)
    times = rng.integers(-10, 30, n).astype(float)  # negative times and many ties
    if time_sorted:
        times.sort()
    scores = rng.normal(size=n)
    got = core.decayed_sum(groups, times, scores, half_life, threads=threads)
    want = direct(groups, times, scores[:, None], np.array([half_life]))[:, 0]
    gross = direct(groups, times, np.abs(scores)[:, None], np.array([half_life]))[:, 0]
    assert (np.abs(got - want) <= 1e-12 * gross + 1e-300).all()


@given(
    hnp.arrays(np.int64, st.integers(0, 200), elements=st.integers(-3, 50)), st.integers(0, 2**32 - 1), st.booleans()
)
def test_group_order_is_the_stable_lexsort(groups, seed, time_sorted):
    rng = np.random.default_rng(seed)
    times = rng.integers(0, 10, len(groups)).astype(float)
    if time_sorted:
        times.sort()
    assert np.array_equal(core.group_order(groups, times), np.lexsort((times, groups)))


def test_decayed_sum_with_sparse_labels_and_huge_codes():
    groups = np.array([10**12, 5, 10**12])
    out = core.decayed_sum(groups, np.array([0.0, 0.0, 1.0]), np.array([1.0, 2.0, 1.0]), 1.0)
    assert out.tolist() == [1.0, 2.0, 1.5]


@given(
    hnp.arrays(np.int64, st.integers(1, 300), elements=st.integers(0, 5)),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["float", "ns", "outlier"]),
)
def test_packed_sort_equals_lexsort_when_quantised_times_collide(groups, seed, kind):
    # an outlier stretches the quantisation so that most times share one quantum: the
    # exact re-sort of those runs must still give the stable lexsort
    rng = np.random.default_rng(seed)
    n = len(groups)
    if kind == "ns":
        times = rng.integers(-(2**62), 2**62, n)
        times[rng.random(n) < 0.3] = 7
    else:
        times = rng.integers(0, 20, n) * 1e-9
        if kind == "outlier":
            times[rng.integers(0, n)] = 1e300
    want = np.lexsort((times, groups))
    assert np.array_equal(core.group_order(groups, times), want)
    assert np.array_equal(core.time_order(times), np.argsort(times, kind="stable"))


@given(
    hnp.arrays(np.int64, st.integers(0, 200), elements=st.integers(0, 6)),
    st.integers(0, 2**32 - 1),
    st.booleans(),
    st.sampled_from([[30.0], [0.25, 1e4], [5.0, 5.0, 40.0]]),
)
def test_numba_engine_matches_direct_sum_and_numpy_engine(groups, seed, time_sorted, half_lives):
    pytest.importorskip("numba")
    rng = np.random.default_rng(seed)
    n = len(groups)
    times = rng.integers(-10, 30, n).astype(float)  # negative times and many ties
    if time_sorted:
        times.sort()
    scores = rng.normal(size=(n, len(half_lives)))
    lives = np.array(half_lives)
    fast = core.decayed_sum(groups, times, scores, lives, engine="numba")
    numpy = core.decayed_sum(groups, times, scores, lives, threads=2)
    want = direct(groups, times, scores, lives)
    gross = direct(groups, times, np.abs(scores), lives)
    assert (np.abs(fast - want) <= 1e-12 * gross + 1e-300).all()
    assert (np.abs(fast - numpy) <= 1e-12 * gross + 1e-300).all()


@given(st.integers(0, 2**32 - 1), st.sampled_from(["numpy", "numba"]), st.sampled_from([1, 2]))
def test_decayed_sum_does_not_depend_on_row_order(seed, engine, channels):
    # ties at one (group, time) are summed in a canonical order: bit for bit (numpy)
    if engine == "numba":
        pytest.importorskip("numba")
    rng = np.random.default_rng(seed)
    n = 500
    groups = rng.integers(0, 5, n)
    times = rng.integers(0, 40, n).astype(float)
    scores = rng.normal(size=(n, channels)) * 10.0 ** rng.integers(-8, 8, (n, 1))
    shuffle = rng.permutation(n)
    a = core.decayed_sum(groups, times, scores, 30.0, engine=engine, threads=2)
    b = core.decayed_sum(groups[shuffle], times[shuffle], scores[shuffle], 30.0, engine=engine, threads=2)
    if engine == "numpy":
        assert np.array_equal(a[shuffle], b)
    else:
        gross = direct(groups, times, np.abs(scores), np.full(channels, 30.0))
        assert (np.abs(a[shuffle] - b) <= 1e-12 * gross[shuffle]).all()


def test_engine_and_half_life_are_checked():
    with pytest.raises(ValueError, match="engine must be one of"):
        core.decayed_sum(np.zeros(1, dtype=int), np.zeros(1), np.ones(1), 1.0, engine="cuda")
    with pytest.raises(ValueError, match="half-lives must be positive"):
        core.decayed_sum(np.zeros(1, dtype=int), np.zeros(1), np.ones(1), 0.0)


@given(
    hnp.arrays(np.int64, st.integers(0, 150), elements=st.integers(0, 4)),
    st.integers(0, 2**32 - 1),
    st.sampled_from(["numpy", "numba"]),
    st.sampled_from([1, 2]),
)
def test_by_sign_splits_hostile_and_cooperative(groups, seed, engine, threads):
    if engine == "numba":
        pytest.importorskip("numba")
    rng = np.random.default_rng(seed)
    n = len(groups)
    times = rng.integers(0, 20, n).astype(float)
    scores = rng.normal(size=n)
    split = np.stack([np.maximum(scores, 0), np.maximum(-scores, 0)], axis=1)
    got = core.decayed_sum(groups, times, scores, 7.0, by_sign=True, engine=engine, threads=threads)
    assert got.shape == (n, 2)
    want = direct(groups, times, split, np.array([7.0, 7.0]))
    assert np.allclose(got, want, rtol=1e-12, atol=1e-300)


PART = {
    "positive": lambda s: np.maximum(s, 0.0),
    "negative": lambda s: np.maximum(-s, 0.0),
    "size": np.abs,
}


@given(
    hnp.arrays(np.int64, st.integers(0, 300), elements=st.integers(0, 6)),
    st.integers(0, 2**32 - 1),
    st.lists(
        st.tuples(st.integers(0, 1), st.sampled_from(sorted(PART)), st.sampled_from([30.0, 5.0, 0.25])),
        min_size=1,
        max_size=5,
    ),
    st.sampled_from([1, 2, 3]),
    st.booleans(),
)
def test_decayed_parts_match_direct_sums_of_the_parts(groups, seed, channels, threads, presorted):
    rng = np.random.default_rng(seed)
    n = len(groups)
    times = rng.integers(-10, 30, n).astype(float)  # many ties
    sources = [rng.normal(size=n), rng.normal(size=n) * 100.0]
    parts = [(k, part) for k, part, _ in channels]
    lives = np.array([life for *_, life in channels])
    kw = {}
    if presorted and n:
        order = core.group_order(groups, times)
        kw = {"order": order, "ordered": (groups[order], times[order])}
    got = core.decayed_parts(groups, None if kw else times, sources, parts, lives, threads=threads, **kw)
    matrix = np.stack([PART[part](sources[k]) for k, part in parts], axis=1)
    want = direct(groups, times, matrix, lives)
    assert got.shape == (n, len(parts))
    assert (np.abs(got - want) <= 1e-12 * want + 1e-300).all()  # the parts are never negative
    if kw:  # the sources handed over already moved (read-only): the same, and never written
        moved = [s[kw["order"]] for s in sources]
        for m in moved:
            m.flags.writeable = False
        again = core.decayed_parts(groups, None, sources, parts, lives, threads=threads, moved=moved, **kw)
        assert np.array_equal(again, got)


def test_decayed_parts_write_where_told_and_do_not_depend_on_row_order():
    rng = np.random.default_rng(7)
    n = 2_000
    groups = rng.integers(0, 40, n)
    times = rng.integers(0, 60, n).astype(float)
    signed = rng.normal(size=n) * 10.0 ** rng.integers(-6, 6, n)
    parts, lives = [(0, "positive"), (0, "negative"), (0, "size")], [30.0, 30.0, 5.0]
    block = np.full((3, n), np.nan)
    result = core.decayed_parts(groups, times, [signed], parts, lives, out=list(block), threads=2)
    assert all(np.shares_memory(row, block) for row in result)
    assert not np.isnan(block).any()
    shuffle = rng.permutation(n)
    again = core.decayed_parts(groups[shuffle], times[shuffle], [signed[shuffle]], parts, lives, threads=2)
    assert np.array_equal(block.T[shuffle], again)  # bit for bit
    numba = core.decayed_parts(groups, times, [signed], parts, lives, engine="numba") if _has_numba() else None
    if numba is not None:
        assert np.allclose(numba, block.T, rtol=1e-12, atol=0)


@settings(deadline=None, max_examples=30)
@given(
    hnp.arrays(np.int64, st.integers(1, 300), elements=st.integers(0, 6)),
    st.integers(0, 2**32 - 1),
    st.integers(1, 3),
    st.sampled_from([1, 2, 3]),
)
def test_numba_pass_over_sorted_events_matches_the_numpy_engine(groups, seed, n_sources, threads):
    """score_events' compiled path: sorted events, one or more sources, ties, threads."""
    pytest.importorskip("numba")
    rng = np.random.default_rng(seed)
    n = len(groups)
    times = rng.integers(0, 12, n).astype(float)  # many ties
    sources = [rng.normal(size=n) * 10.0 ** rng.integers(-3, 3, n) for _ in range(n_sources)]
    parts = [(k, part) for k in range(n_sources) for part in (None, "positive", "negative", "size")]
    lives = rng.choice([30.0, 5.0, 0.5], len(parts))
    order = core.group_order(groups, times)
    kw = {"order": order, "ordered": (groups[order], times[order]), "threads": threads}
    numpy = core.decayed_parts(groups, None, sources, parts, lives, **kw)
    numba = core.decayed_parts(groups, None, sources, parts, lives, engine="numba", **kw)
    scale = direct(groups, times, np.abs(np.stack(sources, axis=1)[:, [k for k, _ in parts]]), lives)
    assert (np.abs(numba - numpy) <= 1e-12 * scale + 1e-300).all()
    shuffle = rng.permutation(n)
    order = core.group_order(groups[shuffle], times[shuffle])
    again = core.decayed_parts(
        groups[shuffle],
        None,
        [s[shuffle] for s in sources],
        parts,
        lives,
        engine="numba",
        order=order,
        ordered=(groups[shuffle][order], times[shuffle][order]),
        threads=threads,
    )
    assert np.array_equal(again, numba[shuffle])  # row order does not matter, to the bit


def _has_numba() -> bool:
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def test_decayed_parts_check_their_arguments():
    g, t, s = np.array([0, 0]), np.array([0.0, 1.0]), np.array([1.0, -1.0])
    with pytest.raises(ValueError, match="part must be one of"):
        core.decayed_parts(g, t, [s], [(0, "absolute")], [30.0])
    with pytest.raises(ValueError, match="there are 1 sources"):
        core.decayed_parts(g, t, [s], [(1, "size")], [30.0])
    with pytest.raises(ValueError, match="2 parts need 2 half-lives"):
        core.decayed_parts(g, t, [s], [(0, "size"), (0, "positive")], [30.0])
    with pytest.raises(ValueError, match="times=None needs"):
        core.decayed_parts(g, None, [s], [(0, "size")], [30.0])
    with pytest.raises(ValueError, match="half-lives must be positive"):
        core.decayed_parts(g, t, [s], [(0, "size")], [0.0])


@pytest.mark.parametrize("stride", [1, 2, 8, 64])
@pytest.mark.parametrize("part", ["positive", "negative", "size", None])
def test_parts_on_strided_views(stride, part):
    # the scan writes each channel's part straight into a transposed (strided) layout
    from tension import _scan

    source = np.random.default_rng(stride).normal(size=1000)
    target = np.full(1000 * stride, np.nan)[::stride]
    _scan.take_part(source, target, part)
    want = {"positive": np.maximum(source, 0), "negative": np.maximum(-source, 0), "size": np.abs(source)}
    assert np.array_equal(target, want.get(part, source))


@given(hnp.arrays(np.int64, st.integers(0, 200), elements=st.integers(0, 50)), st.integers(0, 2**32 - 1), st.booleans())
def test_group_order_hands_back_the_sorted_groups(groups, seed, time_sorted):
    rng = np.random.default_rng(seed)
    times = rng.integers(0, 5, len(groups)).astype(float)
    if time_sorted:
        times.sort()
    order, sorted_groups = core.group_order(groups, times, with_groups=True)
    assert np.array_equal(order, np.lexsort((times, groups)))
    assert np.array_equal(sorted_groups, groups[order]) and sorted_groups.dtype == np.int64


def test_group_order_hands_back_the_sorted_groups_of_sparse_codes():
    groups = np.array([5 * 10**12, 7, 5 * 10**12, -3])  # not dense: the lexsort path
    times = np.array([1.0, 0.0, 0.0, 2.0])
    order, sorted_groups = core.group_order(groups, times, with_groups=True)
    assert order.tolist() == [3, 1, 2, 0] and sorted_groups.tolist() == [-3, 7, 5 * 10**12, 5 * 10**12]


def test_days_of_a_long_array_in_slices_are_the_same_bits():
    from tension import _time

    ticks = np.random.default_rng(3).integers(-(2**60), 2**60, _time.LONG + 12_345)
    want = np.subtract(ticks, np.int64(987_654_321)) / _time.PER_DAY
    assert np.array_equal(_time.days(ticks, 987_654_321).view(np.int64), want.view(np.int64))


@pytest.mark.parametrize("groups", [[10**12, 5, 10**12], [-3, 2, -3], [1, 0, 1], ["b", "a", "b"]])
def test_numba_engine_with_sparse_negative_or_text_labels(groups):
    pytest.importorskip("numba")
    times, scores = np.array([0.0, 0.0, 1.0]), np.array([1.0, 2.0, 1.0])
    for order in ([0, 1, 2], [2, 1, 0]):  # in time order, and not
        g = np.asarray(groups)[order]
        got = core.decayed_sum(g, times[order], scores[order], 1.0, engine="numba")
        assert got.tolist() == np.array([1.0, 2.0, 1.5])[order].tolist()


def test_map_in_threads_keeps_order_runs_nested_calls_and_raises():
    from tension._scan import map_in_threads

    assert map_in_threads(lambda x: x * x, range(10), 3) == [x * x for x in range(10)]
    # a task that maps again runs its items itself (no wait on its own pool)
    assert map_in_threads(lambda x: sum(map_in_threads(lambda y: y, range(x), 2)), range(6), 2) == [
        sum(range(x)) for x in range(6)
    ]

    def fail(x):
        if x == 3:
            raise ValueError("three")
        return x

    with pytest.raises(ValueError, match="three"):
        map_in_threads(fail, range(8), 2)
    assert map_in_threads(lambda x: x, [], 4) == []


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 3_000), st.integers(0, 2**32 - 1), st.sampled_from([1, 2, 3]))
def test_gather_by_rank_is_taking_by_the_order(n, seed, threads):
    """The move into (dyad, time) order by scattering each event to its rank equals
    ``a[order]`` (a plain take), for any permutation, in any number of threads (the
    scatter made to run on short inputs too, which it leaves to ``gather``)."""
    from unittest import mock

    from tension import _scan

    rng = np.random.default_rng(seed)
    order = rng.permutation(n)
    ticks = rng.integers(-(2**62), 2**62, n)
    values = rng.normal(size=n)
    with mock.patch.object(_scan, "RANK_FROM", 0):
        moved = _scan.gather_by_rank(order, ticks, values, threads=threads)
    assert [m.dtype for m in moved] == [ticks.dtype, values.dtype]
    assert np.array_equal(moved[0], ticks[order]) and np.array_equal(moved[1], values[order])


def test_gather_by_rank_across_slices():
    """Long enough for several slices of the scatter, in threads."""
    from tension._scan import MOVE_SLICE, gather_by_rank

    n = 2 * MOVE_SLICE + 12_345
    rng = np.random.default_rng(7)
    codes = rng.integers(0, 500, n)
    order = core.group_order(codes, np.arange(n, dtype=np.int64))
    values = rng.normal(size=n)
    (moved,) = gather_by_rank(order, values, threads=2)
    assert np.array_equal(moved, values[order])


@given(
    hnp.arrays(np.int64, st.integers(0, 400), elements=st.integers(-(2**62), 2**62) | st.integers(0, 3)),
    st.integers(1, 5),
)
def test_sort_in_parts_is_one_sort(values, workers):
    """The threaded sort (a partition at the parts' boundaries, each part sorted in its
    own thread) gives ``np.sort``, duplicates and all."""
    from tension._sort import sort_in_parts

    got = values.copy()
    sort_in_parts(got, workers)
    assert np.array_equal(got, np.sort(values))


def test_group_order_sorts_in_parts_on_long_inputs():
    """Long enough for the threaded sort, in time order and not: the stable lexsort."""
    rng = np.random.default_rng(11)
    n = 1 << 21
    groups = rng.integers(0, 3_000, n)
    times = np.sort(rng.integers(0, 10**6, n))
    assert np.array_equal(core.group_order(groups, times), np.lexsort((times, groups)))
    shuffled = rng.permutation(times)
    assert np.array_equal(core.group_order(groups, shuffled), np.lexsort((shuffled, groups)))


@pytest.mark.parametrize("workers", [3, 4, 5, 8])
def test_sort_in_parts_of_three_or_more_parts_is_one_sort(workers):
    """Every boundary between parts must be a partition point (not the first alone):
    values of many distinct sizes in random order, in three or more parts, sort as
    ``np.sort`` does, from as many values as parts up."""
    from tension._sort import sort_in_parts

    rng = np.random.default_rng(workers)
    for n in (workers, workers + 1, 97, 1_000, 4_099):
        for values in (rng.integers(-(2**62), 2**62, n), rng.integers(0, 5, n), rng.normal(size=n)):
            got = values.copy()
            sort_in_parts(got, workers)
            assert np.array_equal(got, np.sort(values))


@pytest.mark.parametrize("tz", [None, "Asia/Kathmandu"])
def test_ticks_of_a_long_column_are_its_floored_microseconds(tz):
    """Nanosecond dates of a long column (converted slice by slice in threads) are the
    whole microseconds below them, as one floor division of the whole column: dates
    before 1970 with parts of a microsecond included, int64."""
    import pandas as pd

    from tension import _time

    rng = np.random.default_rng(4)
    n = _time.LONG + 12_345
    stamps = rng.integers(-(2**62), 2**62, n)  # 1823 to 2116, most with nanoseconds
    stamps[[0, 77, n - 1]] = [-1, -999, 1_001]
    index = pd.DatetimeIndex(stamps.view("datetime64[ns]"))
    if tz is not None:
        index = index.tz_localize("UTC").tz_convert(tz)
    got = _time.ticks(index)
    want = stamps // 1000
    assert got.dtype == np.int64 and np.array_equal(got, want)
    assert got[0] == -1 and got[77] == -1 and got[-1] == 1  # (floored, not truncated towards 1970)


def _sorted_loop(groups, times, matrix, half_lives):
    """The decayed sums by one plain pass over the events in (group, time) order, ties
    seeing their whole tie block (the reference at sizes ``direct`` cannot reach)."""
    order = np.lexsort((times, groups))
    g, t, x = groups[order].tolist(), times[order].tolist(), matrix[order].tolist()
    n, channels = len(g), len(half_lives)
    states = [[0.0] * channels for _ in range(n)]
    state, previous = [0.0] * channels, None
    for i in range(n):
        if previous is None or g[i] != g[previous]:
            state = [0.0] * channels
        else:
            gap = t[i] - t[previous]
            state = [s * 2.0 ** (-gap / h) for s, h in zip(state, half_lives, strict=True)]
        state = [s + v for s, v in zip(state, x[i], strict=True)]
        states[i] = state
        previous = i
    for i in range(n - 2, -1, -1):  # each event of a tie block takes the block's last state
        if g[i] == g[i + 1] and t[i] == t[i + 1]:
            states[i] = states[i + 1]
    out = np.empty((n, channels))
    out[order] = np.asarray(states)
    return out


def test_decayed_parts_of_many_events_in_scratch_kept_between_calls():
    # long enough for the scan's scratch to come from the kept pool: each call reuses what
    # the one before left (stale values in it must not leak), a longer call after a shorter
    half_lives = [30.0, 30.0, 5.0, 0.5]
    parts = [(0, "positive"), (0, "negative"), (0, "positive"), (0, "size")]
    for n, groups_n, seed in [(150_000, 3_000, 1), (60_000, 50, 2), (150_000, 3_000, 3)]:
        rng = np.random.default_rng(seed)
        groups = rng.integers(0, groups_n, n)
        times = np.sort(rng.integers(0, 20_000, n)).astype(float) / 8  # time order, with ties
        source = rng.normal(size=n) * 10
        got = core.decayed_parts(groups, times, [source], parts, half_lives)
        matrix = np.stack([PART[part](source) for _, part in parts], axis=1)
        want = _sorted_loop(groups, times, matrix, half_lives)
        assert np.allclose(got, want, rtol=1e-11, atol=1e-12)
