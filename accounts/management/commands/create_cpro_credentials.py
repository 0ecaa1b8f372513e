"""Provision a technical account for the Chorus Pro-compatible API and print its credentials, once, as JSON.

    manage.py create_cpro_credentials --structure 12345678900011 --name "Odoo" --rights deposit

Prints `client_id`, `client_secret` (the OAuth2 client for /api/oauth/token), `login` and `password` (the
`cpro-account` header), the password's expiry date and the account's API token. Secrets are stored hashed:
this is the only time they are shown. Errors go to stderr with a non-zero exit status.
"""

import json

from accounts import cpro_identity
from accounts.management.technical import TechnicalAccountCommand


class Command(TechnicalAccountCommand):
    help = (
        "Crée un compte technique pour l'API compatible Chorus Pro et affiche ses identifiants en JSON "
        "(une seule fois)."
    )

    def create(self, structure, *, name, rights):
        _user, credentials = cpro_identity.create_cpro_credentials(
            structure, actor=None, name=name, rights=rights
        )
        return json.dumps(credentials, indent=2)
