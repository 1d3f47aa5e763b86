"""``python -m interstore``: the same entry point as the ``interstore`` command."""

import sys

from .cli import main

sys.exit(main())
