"""Tests for the rule-based understanding engine."""
