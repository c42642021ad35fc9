"""``python -m counter`` and the frozen build's entry point."""

import sys

from counter.cli import main

sys.exit(main())
