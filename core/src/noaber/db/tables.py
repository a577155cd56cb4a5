"""Imports every core table module so ``SQLModel.metadata`` is complete.

Migrations and test fixtures import this; plugins' tables are imported when the
plugin catalog loads the plugins.
"""

from noaber.accounts import models as account_models
from noaber.matching import models as matching_models
from noaber.people import models as people_models
from noaber.privacy import models as privacy_models
from noaber.requests import models as request_models
from noaber.tenancy import models as tenancy_models

__all__ = [
    "account_models",
    "matching_models",
    "people_models",
    "privacy_models",
    "request_models",
    "tenancy_models",
]
