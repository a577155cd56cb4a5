"""Noaber configuration package of the municipality of {{ cookiecutter.municipality_name }}."""
