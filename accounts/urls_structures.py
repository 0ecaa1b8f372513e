"""Pages under /comptes/structures/: every structure-scoped route names its structure `<uuid:structure>`."""

from django.urls import path

from accounts import views_claims, views_cpro
from accounts import views_structures as views

urlpatterns = [
    path("structures/", views.structure_list, name="structure_list"),
    path("structures/nouvelle/", views.structure_create, name="structure_create"),
    path("structures/rattachement/", views.attachment_search, name="attachment_search"),
    path("structures/revendication/", views_claims.claim_page, name="claims"),
    path("structures/transfert/", views.transfer_start, name="transfer_start"),
    path("structures/transfert/<slug:mode>/", views.transfer, name="transfer"),
    path("structures/<uuid:structure>/", views.structure_detail, name="structure_detail"),
    path("structures/<uuid:structure>/identite/", views.structure_edit, name="structure_edit"),
    path("structures/<uuid:structure>/parametres/", views.routing_edit, name="routing_edit"),
    path("structures/<uuid:structure>/pes/", views.pes_edit, name="pes_edit"),
    path("structures/<uuid:structure>/services/nouveau/", views.service_create, name="service_create"),
    path("structures/<uuid:structure>/services/<uuid:service>/", views.service_edit, name="service_edit"),
    path("structures/<uuid:structure>/membres/<uuid:membership>/", views.member_edit, name="member_edit"),
    path(
        "structures/<uuid:structure>/membres/<uuid:membership>/desactiver/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "structures/<uuid:structure>/membres/<uuid:membership>/reactiver/",
        views.member_reactivate,
        name="member_reactivate",
    ),
    path(
        "structures/<uuid:structure>/demandes/<uuid:attachment_request>/",
        views.request_accept,
        name="request_accept",
    ),
    path(
        "structures/<uuid:structure>/demandes/<uuid:attachment_request>/refuser/",
        views.request_refuse,
        name="request_refuse",
    ),
    path(
        "structures/<uuid:structure>/comptes-techniques/", views.technical_accounts, name="technical_accounts"
    ),
    path(
        "structures/<uuid:structure>/comptes-techniques/chorus-pro/",
        views_cpro.cpro_credentials_create,
        name="cpro_credentials",
    ),
    path(
        "structures/<uuid:structure>/comptes-techniques/chorus-pro/<uuid:credential>/",
        views_cpro.cpro_password_renew,
        name="cpro_password",
    ),
]
