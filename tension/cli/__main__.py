"""``python -m tension.cli``: the ``tension`` command."""

import sys

from . import main

sys.exit(main())
