from tests.fixtures_deposit import supplier_client, world  # noqa: F401 (fixtures)
