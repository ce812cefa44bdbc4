"""Figures from the outputs of :func:`tension.score` and friends.

Every function takes ``ax=None`` (a new figure when None), returns the Axes, imports
matplotlib inside the function and never calls ``plt.show()``. Colours come from the
Okabe-Ito palette, which stays distinct under the common colour-vision deficiencies.

One module per figure: :func:`timeline` (one dyad over time), :func:`decomposition`
(the parts of :func:`tension.decompose`), :func:`drivers` (the events of
:func:`tension.contributions`), :func:`heatmap` and :func:`small_multiples` (many
dyads); label placement in ``_labels``, palette and shared helpers in ``_style``.
"""

from __future__ import annotations

import warnings

import pandas as pd

from ._decomposition import decomposition
from ._drivers import drivers
from ._heatmap import heatmap
from ._small_multiples import small_multiples
from ._style import PALETTE, QUALITATIVE, date_axis
from ._timeline import timeline

__all__ = [
    "PALETTE",
    "QUALITATIVE",
    "timeline",
    "decomposition",
    "contributions",
    "drivers",
    "heatmap",
    "small_multiples",
    "date_axis",
]


def contributions(parts: pd.DataFrame, *, dyad: str | None = None, top: int = 7, ax=None):
    """Deprecated name of :func:`decomposition` (it draws :func:`tension.decompose`).

    Emits a FutureWarning; will be removed in the next release.
    """
    warnings.warn(
        "tension.plot.contributions is renamed tension.plot.decomposition (it draws the output of "
        "tension.decompose); the old name will be removed in the next release",
        FutureWarning,
        stacklevel=2,
    )
    return decomposition(parts, dyad=dyad, top=top, ax=ax)
