"""tension: an event-weighted, decayed tension index per country pair."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tension")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

from . import datasets, hawkes, io, plot
from .bands import bands
from .calibrate import Calibration, calibrate
from .episodes import alerts, episodes
from .events import EventError, TensionWarning, read_events
from .model import Model
from .project import project, what_if
from .reciprocity import reciprocity
from .score import contributions, decompose, event_scores, score, score_events, tension_index
from .state import State, StateError
from .taxonomy import MEMORY_BY_QUAD, TAXONOMY_VERSION, cameo_kinds, kinds

__all__ = [
    "__version__",
    # beyond the index (analysis)
    "alerts",
    "bands",
    "calibrate",
    "Calibration",
    "episodes",
    "hawkes",
    "project",
    "reciprocity",
    "what_if",
    "EventError",
    "MEMORY_BY_QUAD",
    "Model",
    "TAXONOMY_VERSION",
    "TensionWarning",
    "cameo_kinds",
    "contributions",
    "datasets",
    "decompose",
    "event_scores",
    "io",
    "kinds",
    "plot",
    "read_events",
    "score",
    "score_events",
    "State",
    "StateError",
    "tension_index",
]
