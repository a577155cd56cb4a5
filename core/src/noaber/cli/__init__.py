"""The ``noaber`` command line: one module per command group, assembled here."""

from noaber.cli.base import main
from noaber.cli.catalog import municipalities, plugins
from noaber.cli.db import db
from noaber.cli.serve import demo, serve
from noaber.cli.tenants import tenants

for command in (db, plugins, municipalities, tenants, serve, demo):
    main.add_command(command)

__all__ = ["main"]
