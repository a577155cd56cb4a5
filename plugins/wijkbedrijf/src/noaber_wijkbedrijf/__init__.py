"""Wijkbedrijf: the neighbourhood service desk, paid jobs by volunteers, day activities."""
