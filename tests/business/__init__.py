"""Tests of the business calendar, slot search and spoken dates."""
