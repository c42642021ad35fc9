"""Talking to HQ: the HTTP client and (with the sync issue) the sync engine."""
