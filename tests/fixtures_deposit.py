"""The fixtures of the deposit and flow tests (their conftest.py files gather them): the world of
`tests.factories_deposit.make_world`, and its supplier's browser, logged in with both factors."""

import pytest

from tests.conftest import verified_client
from tests.factories_deposit import make_world


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def supplier_client(client, world):
    return verified_client(client, world.supplier)
