"""Hardening tests: limits, no egress, private facts, fuzzing, swaps under load, headers (issue 6)."""
