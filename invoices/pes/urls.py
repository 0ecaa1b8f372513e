"""/factures/pes/: the PES export pages (included under the `invoices` namespace)."""

from django.urls import path

from invoices.pes import views, views_acknowledgements

urlpatterns = [
    path("", views.pes_home, name="pes_home"),
    path("structures/<uuid:structure>/", views.pes_structure, name="pes_structure"),
    path(
        "structures/<uuid:structure>/exports/",
        views_acknowledgements.structure_exports_readonly,
        name="pes_exports_readonly",
    ),
    path("acquittements/", views_acknowledgements.acknowledgement_upload, name="pes_acknowledgement_upload"),
    path("structures/<uuid:structure>/apercu/", views.pes_preview, name="pes_preview"),
    path("structures/<uuid:structure>/exporter/", views.pes_run, name="pes_run"),
    path("exports/<uuid:export>/", views.pes_export_detail, name="pes_export"),
    path("exports/<uuid:export>/reexporter/", views.pes_reexport, name="pes_reexport"),
    path("exports/<uuid:export>/fichiers/<int:n>/", views.pes_file_download, name="pes_file"),
    path("exports/<uuid:export>/liste.csv", views.pes_pj_list, {"fmt": "csv"}, name="pes_pj_list_csv"),
    path("certificats/", views.pes_certificates, name="pes_certificates"),
    path(
        "certificats/<uuid:certificate>/retirer/", views.pes_certificate_revoke, name="pes_certificate_revoke"
    ),
    path("exports/<uuid:export>/liste.json", views.pes_pj_list, {"fmt": "json"}, name="pes_pj_list_json"),
]
