"""Tests of the store port and its backends."""
