from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CproConfig(AppConfig):
    """Its own app (label `cpro`) so that its tables and migrations stay apart from the invoices' ones."""

    name = "invoices.cpro"
    label = "cpro"
    verbose_name = _("Chorus Pro")
