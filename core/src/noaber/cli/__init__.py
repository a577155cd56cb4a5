"""The ``noaber`` command line: one module per command group, assembled here."""

from noaber.cli.base import main
from noaber.cli.catalog import municipalities, plugins
from noaber.cli.db import db
from noaber.cli.new import new
from noaber.cli.serve import demo, serve
from noaber.cli.tenants import tenants

for command in (db, plugins, municipalities, tenants, serve, demo):
    main.add_command(command)
main.add_command(new)  # noaber new municipality|plugin (templates)

__all__ = ["main"]
