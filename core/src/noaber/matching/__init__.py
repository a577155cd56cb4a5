"""Matching: see models, schemas, services and controllers."""
