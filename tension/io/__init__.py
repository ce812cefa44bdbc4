"""Readers for event datasets; each returns the event schema of :func:`tension.read_events`
with a :class:`ReadReport` in ``attrs["report"]``."""

from ._direction import DirectionError, check_direction
from ._report import ReadError, ReadReport
from ._sniff import guess_format
from .acled import read_acled
from .gdelt import read_gdelt
from .icews import read_icews
from .plover import read_plover

__all__ = [
    "DirectionError",
    "ReadError",
    "ReadReport",
    "check_direction",
    "guess_format",
    "read_acled",
    "read_gdelt",
    "read_icews",
    "read_plover",
]
