"""``python -m tension``: the ``tension`` command (as ``python -m tension.cli``)."""

from .cli import run

run()
