"""``python -m interstore ...``: the same as the ``interstore`` command."""

import sys

from .cli import main

sys.exit(main())
