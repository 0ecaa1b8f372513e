"""Placeholder."""

RULES = {}
