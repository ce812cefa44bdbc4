"""``python -m tension``: the ``tension`` command (as ``python -m tension.cli``)."""

import sys

from .cli import main

sys.exit(main())
