"""Persistence: engines, sessions with the tenant guards, and migrations."""
