"""Gezinslab: an integral approach to what lies behind a family's problems."""
