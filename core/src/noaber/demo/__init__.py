"""Demo data for the three municipalities of the Quickstart."""
