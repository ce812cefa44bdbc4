"""Large arrays from pyarrow's pool (tension._memory)."""

from __future__ import annotations

import pickle

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tension as tn
from tension import _memory


def _owner(array):
    while isinstance(array, np.ndarray) and array.base is not None:
        array = array.base
    return array


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.int32, np.uint8, bool])
def test_large_arrays_come_from_the_pool_and_behave_as_numpy_arrays(dtype):
    shape = (3, _memory.LARGE // 2)
    before = pa.default_memory_pool().bytes_allocated()
    a = _memory.empty(shape, dtype)
    assert a.shape == shape and a.dtype == np.dtype(dtype)
    assert a.flags.c_contiguous and a.flags.writeable and a.ctypes.data % 64 == 0
    assert isinstance(_owner(a), pa.Buffer)
    assert pa.default_memory_pool().bytes_allocated() >= before + a.nbytes
    a[...] = 1
    assert a.sum() == a.size
    b = pickle.loads(pickle.dumps(a))  # a plain array on the way back
    assert np.array_equal(a, b) and b.flags.writeable
    del a
    assert pa.default_memory_pool().bytes_allocated() <= before + 64


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 300), min_size=0, max_size=3), st.sampled_from(["f8", "i4", "u1"]))
def test_every_shape_is_that_of_np_empty(shape, dtype):
    a = _memory.empty(tuple(shape), dtype)
    assert a.shape == np.empty(tuple(shape), dtype).shape and a.dtype == np.dtype(dtype)
    assert _memory.empty(7, dtype).shape == (7,)


def test_small_and_object_arrays_are_numpy_s():
    assert _owner(_memory.empty(10)) is not None and not isinstance(_owner(_memory.empty(10)), pa.Buffer)
    big_objects = _memory.empty(_memory.LARGE, object)
    assert big_objects.dtype == object and not isinstance(_owner(big_objects), pa.Buffer)


def test_score_events_output_held_by_the_pool_is_an_ordinary_frame():
    ev = tn.datasets.pakistan_iran_2024()
    n = _memory.LARGE // 8 + 1
    big = ev.sample(n, replace=True, random_state=0)
    big["date"] = big["date"] + np.arange(n).astype("timedelta64[s]")
    out = tn.score_events(big)
    assert isinstance(_owner(out["tension"].to_numpy()), pa.Buffer)
    assert np.array_equal(out["tension"].to_numpy(), tn.score_events(big.iloc[::-1])["tension"].to_numpy()[::-1])
    again = pickle.loads(pickle.dumps(out))
    assert again.equals(out)
    out.loc[out.index[0], "tension"] = -1.0  # writable
    assert out["tension"].iloc[0] == -1.0
