"""Persistence: the `Store` port in small protocols by role (`port.py`), its domain types
(`models.py`) and errors (`errors.py`), and one package per backend (`sqlite/`, `postgres/`,
`supabase/`) that implements it."""
