"""The contract kit (`pytest --wismo-contract`) run over Wismo's own plug-ins.

The checks are the kit's, imported as they are shipped; the vectors that drive them are in
this folder's conftest.py, as an outside plug-in package keeps them in its own.
"""

from wismo.testing.contract import *  # noqa: F403  (the kit's tests and fixtures)
from wismo.testing.contract import pytest_generate_tests  # noqa: F401
