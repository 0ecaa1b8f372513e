"""Provision a technical account for a structure and print its API token, alone, on standard output.

    manage.py create_api_token --structure 12345678900011 --name "Compta" --rights deposit,triage

Scriptable: the token is the only thing written to stdout (once: it is stored hashed); any error goes to
stderr with a non-zero exit status.
"""

from accounts import services
from accounts.management.technical import TechnicalAccountCommand


class Command(TechnicalAccountCommand):
    help = "Crée un compte technique rattaché à une structure et affiche son jeton d'API (une seule fois)."

    def create(self, structure, *, name, rights):
        _user, token = services.create_technical_account(structure, actor=None, name=name, rights=rights)
        return token
