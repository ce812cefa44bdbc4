"""asv-style benchmark classes: ``setup`` builds the input, each ``time_*`` runs one method.

``python -m benchmarks.run`` drives them (each method in its own process, so that peak
memory is measured cleanly); asv can discover them too.
"""

from __future__ import annotations

import numpy as np

from . import peers

HALF_LIFE = 30.0


class DecayedSum:
    """The decayed event sum at every event: tension's kernel against its peers."""

    params = ([100_000, 1_000_000, 10_000_000], [10, 1_000, 100_000])
    param_names = ["events", "dyads"]
    time_sorted = True

    def setup(self, n, d):
        self.groups, self.times, self.scores = peers.generate(int(n), int(d), time_sorted=self.time_sorted)

    def _run(self, name):
        return peers.METHODS[name](self.groups, self.times, self.scores, HALF_LIFE)

    def time_tension_core(self, n, d):
        return self._run("tension.core.decayed_sum")

    def time_tension_numba(self, n, d):
        return self._run("tension.core.decayed_sum(engine='numba')")

    def time_numba_one_pass(self, n, d):
        return self._run("numba @njit one pass (per-dyad state)")

    def time_numba_lexsort(self, n, d):
        return self._run("numba @njit + np.lexsort")

    def time_polars_ewm_sum_by(self, n, d):
        return self._run("polars ewm_sum_by")

    def time_pandas_groupby_loop(self, n, d):
        return self._run("pandas groupby + loop")

    def time_plain_loop(self, n, d):
        return self._run("plain Python loop")

    def time_memory_floor(self, n, d):
        return self._run("memory floor")


class DecayedSumUnsorted(DecayedSum):
    """The same, on input not in time order (one more sort for every method)."""

    time_sorted = False


#: report name -> method name of the classes above
TIMERS = {
    "tension.core.decayed_sum": "time_tension_core",
    "tension.core.decayed_sum(engine='numba')": "time_tension_numba",
    "numba @njit one pass (per-dyad state)": "time_numba_one_pass",
    "numba @njit + np.lexsort": "time_numba_lexsort",
    "polars ewm_sum_by": "time_polars_ewm_sum_by",
    "pandas groupby + loop": "time_pandas_groupby_loop",
    "plain Python loop": "time_plain_loop",
    "memory floor": "time_memory_floor",
}


def warm_up(name):
    """Compile or load what a method needs, on a tiny input, outside the timing."""
    bench = DecayedSum()
    bench.setup(1000, 10)
    return np.asarray(getattr(bench, TIMERS[name])(1000, 10))
