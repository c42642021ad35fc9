"""``python -m hq``: the same as the ``hq`` console script."""

import sys

from hq.cli import main

sys.exit(main())
