"""The support's admin names every model in correct French: plurals declared, django-otp's devices renamed."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.utils import translation

from tests.conftest import verified_client
from tests.factories import UserFactory


def test_every_model_of_ours_declares_its_plural():
    undeclared = [
        model.__name__
        for app in ("accounts", "invoices")
        for model in apps.get_app_config(app).get_models()
        if "verbose_name_plural" not in model._meta.original_attrs
    ]
    assert undeclared == []


def test_no_model_shown_in_the_admin_keeps_an_english_or_mechanical_name():
    with translation.override("fr"):
        names = {str(model._meta.verbose_name_plural) for model in admin.site._registry} | {
            str(model._meta.app_config.verbose_name) for model in admin.site._registry
        }
    wrong = {n for n in names if "device" in n.lower() or n.startswith("Otp") or n.endswith(("APIs", "ésés"))}
    assert wrong == set()


@pytest.mark.django_db
def test_the_admin_index_reads_in_french(client):
    support = verified_client(client, UserFactory(is_staff=True, is_superuser=True))
    page = support.get("/admin/").content.decode()
    for name in ("Jetons d&#x27;API", "Événements de sécurité", "Exports PES", "Demandes de rattachement"):
        assert name in page, name
    assert "Fichiers déposés" in page
    for wrong in ("Jeton d&#x27;APIs", "sécurités", "Pes exports", "Email devices", "TOTP devices", "Otp_"):
        assert wrong not in page, wrong
