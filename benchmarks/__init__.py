"""Benchmarks: each measures the platform beside a baseline in the same run and prints
ratios, never asserts a time. ``uv run --group bench python -m benchmarks`` runs them all."""
