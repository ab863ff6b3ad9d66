"""Persistence: the `Store` port, its domain types and errors, and its backends."""
