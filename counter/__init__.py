"""Core of the member counter: plain Python, never imports Qt.

The UI (``ui/``) and the CLI reach the cache and HQ only through ``counter.services``.
"""

__version__ = "0.1.0"
