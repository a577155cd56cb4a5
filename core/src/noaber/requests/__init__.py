"""Requests: see models, schemas, services and controllers."""
