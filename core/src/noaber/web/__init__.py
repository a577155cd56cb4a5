"""The Litestar application: composition, tenant resolution, errors."""
