"""Leaf helpers shared by every app: caching, validation, charts. Imports no app of the project."""
