"""``counter bench``: measured figures printed as tables (never asserted in tests)."""
