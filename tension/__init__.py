"""tension: an event-weighted, decayed tension index per country pair."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("tension")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

from . import datasets, io, plot
from .events import EventError, TensionWarning, read_events
from .model import Model
from .score import contributions, decompose, event_scores, score, score_events, tension_index
from .state import State, StateError
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
    "extract",
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
