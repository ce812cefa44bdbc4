"""tension: an event-weighted, decayed tension index per country pair."""

from . import datasets, io, plot
from ._version import __version__
from .events import read_events
from .exceptions import EventError, ParameterError, ReadError, StateError, TensionError, TensionWarning
from .model import Model, tension_index
from .score import contributions, decompose, event_scores, score, score_events
from .state import State
from .taxonomy import MEMORY_BY_QUAD, TAXONOMY_VERSION, cameo_kinds, kinds

__all__ = [
    "__version__",
    "EventError",
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
