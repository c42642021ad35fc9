"""The desktop shell of the member counter (PySide6).

Widgets here reach the cache and HQ only through ``counter.services``; they never import
SQL or HTTP libraries, so the core stays testable without Qt and the UI without a network.
"""
