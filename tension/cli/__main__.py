"""``python -m tension.cli``: the ``tension`` command."""

from . import run

run()
