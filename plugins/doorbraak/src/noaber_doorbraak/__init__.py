"""Doorbraak: breakthrough cases for families stuck in the system."""
