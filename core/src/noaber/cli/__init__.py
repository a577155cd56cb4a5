"""The ``noaber`` command line: one module per command group, assembled here."""

from noaber.cli.accounts import accounts
from noaber.cli.backup import backup, restore
from noaber.cli.base import main
from noaber.cli.catalog import municipalities, plugins
from noaber.cli.db import db
from noaber.cli.new import new
from noaber.cli.retention import retention
from noaber.cli.serve import demo, serve
from noaber.cli.tasks import tasks
from noaber.cli.tenants import tenants

for command in (db, plugins, municipalities, tenants, serve, demo):
    main.add_command(command)
main.add_command(accounts)
main.add_command(retention)
main.add_command(tasks)  # noaber tasks run|list (periodic background work)
main.add_command(new)  # noaber new municipality|plugin (templates)
main.add_command(backup)  # noaber backup / restore (install or one tenant)
main.add_command(restore)

__all__ = ["main"]
