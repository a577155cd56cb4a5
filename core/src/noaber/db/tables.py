"""Imports every core table module so ``SQLModel.metadata`` is complete.

Migrations and test fixtures import this; plugins' tables are imported when the
plugin catalog loads the plugins.
"""

from noaber.tenancy import models as tenancy_models

__all__ = ["tenancy_models"]
