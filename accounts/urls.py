from django.urls import include, path

app_name = "accounts"

urlpatterns = [
    path("", include("accounts.urls_auth")),
    path("", include("accounts.urls_passkeys")),
    path("", include("accounts.urls_structures")),
    path("", include("accounts.urls_directory")),
]
