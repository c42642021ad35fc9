"""Reference HQ server for the member counter: the v1 API over SQLAlchemy (DESIGN §3).

SQLite by default, any SQLAlchemy URL (PostgreSQL for a real chain). Used by the demo, by
the tests, and by a chain without an HQ system of its own. Never imports Qt; from the
counter it takes only the computations both sides must share (codes, names, ids).
"""

API_VERSION = "1"
