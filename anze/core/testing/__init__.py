"""Test helpers shared by every app's tests: factories and personas (see conftest.py)."""
