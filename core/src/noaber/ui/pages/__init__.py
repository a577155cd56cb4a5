"""Route handlers of the web interface, one module per audience."""
