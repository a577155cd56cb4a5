"""Noaber configuration package of the municipality of Amersfoort."""
