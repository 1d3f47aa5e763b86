"""``python -m interstore``: the same entry point as the ``interstore`` command."""

import sys

from .entry import main

sys.exit(main())
