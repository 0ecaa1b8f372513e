"""Passkeys: enrolment and management past the second factor, and the key as the login's second step.

The second-facteur/ paths are left open by `accounts.middleware` (the password is given, the second factor
not yet); everything under securite/ needs a verified session.
"""

from django.urls import path, re_path

from accounts import views_passkeys as views

_KEY = r"(?P<key_id>[0-9a-f]{64})"

urlpatterns = [
    path("second-facteur/cle/options/", views.passkey_login_options_view, name="passkey_login_options"),
    path("second-facteur/cle/verifier/", views.passkey_login_view, name="passkey_login"),
    path("securite/cles/", views.passkeys_view, name="passkeys"),
    path("securite/cles/ajouter/", views.passkey_add_view, name="passkey_add"),
    path(
        "securite/cles/ajouter/options/",
        views.passkey_registration_options_view,
        name="passkey_registration_options",
    ),
    path("securite/cles/ajouter/verifier/", views.passkey_register_view, name="passkey_register"),
    re_path(rf"^securite/cles/{_KEY}/renommer/$", views.passkey_rename_view, name="passkey_rename"),
    re_path(rf"^securite/cles/{_KEY}/retirer/$", views.passkey_remove_view, name="passkey_remove"),
]
