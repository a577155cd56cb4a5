"""People: see models, schemas, services and controllers."""
