"""Large arrays from pyarrow's memory pool: the output blocks of ``score_events`` and of
``score``'s grids and readings, the dyad labels of ``score_events``' output, the codes of
the text columns and the keys of the country pairs that validation makes, the events
gathered into (dyad, time) order, and the one scratch block of each part of the scan.

NumPy takes large arrays from the C allocator, which hands them back to the system when
they are freed, so that every call pays again to have fresh pages zeroed and mapped (on
some virtual machines several times the cost of the work done in them). pyarrow's pool
(mimalloc or jemalloc) keeps freed memory for the next allocation: repeated calls, and
calls seconds apart, write into memory that is already mapped. The price is memory kept
by the process after a call (``pyarrow.default_memory_pool().release_unused()`` hands it
back). Only arrays that live until the end of a call come from here, and the scan's
scratch, one block per part that the next call reuses whole: other short-lived scratch
arrays would stay in the pool beside the memory the C allocator reuses, and raise the
peak. Small arrays are left to NumPy.
"""

from __future__ import annotations

import numpy as np

__all__ = ["empty"]

#: Arrays of at least this many bytes come from pyarrow's pool [bytes].
LARGE = 1 << 20


def empty(shape, dtype=float) -> np.ndarray:
    """``np.empty(shape, dtype)``, from pyarrow's pool when large (C order, writable,
    64-byte aligned); the array holds its buffer, which returns to the pool with it.

    Examples
    --------
    >>> a = empty((3, 2)); a[:] = 1.0; a.sum()
    np.float64(6.0)
    """
    dtype = np.dtype(dtype)
    shape = (shape,) if np.ndim(shape) == 0 else tuple(shape)
    count = int(np.prod(shape, dtype=np.int64))
    nbytes = count * dtype.itemsize
    if nbytes < LARGE or dtype.hasobject:
        return np.empty(shape, dtype)
    import pyarrow as pa

    return np.frombuffer(pa.allocate_buffer(nbytes), dtype=dtype, count=count).reshape(shape)
