"""tension: an event-weighted, decayed tension index per country pair."""

from . import datasets, hawkes, io, plot, validate
from ._version import __version__
from .bands import bands
from .calibrate import Calibration, calibrate
from .episodes import alerts, episodes
from .events import read_events
from .exceptions import (
    DirectionError,
    EventError,
    ExtractError,
    ParameterError,
    ReadError,
    StateError,
    TensionError,
    TensionWarning,
)
from .model import Model, flow_index, tension_index
from .project import project, what_if
from .reciprocity import reciprocity
from .score import contributions, decompose, event_scores, score, score_events
from .state import State
from .taxonomy import MEMORY_BY_QUAD, TAXONOMY_VERSION, cameo_kinds, kinds


def __getattr__(name: str):
    # ``tension.extract`` (the story coder) is imported on first use: it is the only
    # part that needs the optional extra ``tension[extract]``.
    if name == "extract":
        import importlib

        return importlib.import_module(".extract", __name__)
    raise AttributeError(f"module 'tension' has no attribute {name!r}")


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
    "DirectionError",
    "EventError",
    "ExtractError",
    "ParameterError",
    "ReadError",
    "MEMORY_BY_QUAD",
    "Model",
    "TAXONOMY_VERSION",
    "TensionError",
    "TensionWarning",
    "cameo_kinds",
    "contributions",
    "datasets",
    "decompose",
    "event_scores",
    "extract",
    "flow_index",
    "io",
    "kinds",
    "plot",
    "read_events",
    "score",
    "score_events",
    "State",
    "StateError",
    "tension_index",
    "validate",
]
