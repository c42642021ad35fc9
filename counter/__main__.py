"""``python -m counter`` and the frozen build's entry point.

Guarded, with ``freeze_support()`` first: a first full sync runs worker processes
(``counter.sync.pipeline``), which start by importing this module again (spawn), and in
the frozen build by running this executable again.
"""

import multiprocessing
import sys

from counter.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
