from django.urls import path

from accounts import views_auth

urlpatterns = [
    path("connexion/", views_auth.login_view, name="login"),
    path("second-facteur/", views_auth.otp_view, name="otp"),
    path("deconnexion/", views_auth.logout_view, name="logout"),
]
