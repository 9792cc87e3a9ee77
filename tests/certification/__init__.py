"""Tests of the certification checks."""
