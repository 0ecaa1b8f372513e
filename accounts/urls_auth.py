"""Login steps, account recovery and the user's security pages.

The paths of the first group are the ones `accounts.middleware` leaves open before the second factor;
everything under securite/ is reached only with a verified session.
"""

from django.urls import path

from accounts import views_auth as views

urlpatterns = [
    path("connexion/", views.login_view, name="login"),
    path("second-facteur/", views.otp_view, name="otp"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("inscription/", views.signup_view, name="signup"),
    path("inscription/envoyee/", views.signup_done_view, name="signup_done"),
    path("activation/<str:token>/", views.activate_view, name="activate"),
    path("mot-de-passe/oubli/", views.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oubli/envoye/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("mot-de-passe/modifie/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("email/confirmer/<str:token>/", views.email_confirm_view, name="email_confirm"),
    # Past the second factor.
    path("securite/", views.security_view, name="security"),
    path("securite/verifier/", views.reverify_view, name="reverify"),
    path("securite/application/", views.totp_enrol_view, name="totp_enrol"),
    path("securite/application/retirer/", views.totp_remove_view, name="totp_remove"),
    path("securite/codes-de-secours/", views.recovery_codes_view, name="recovery_codes"),
    path("securite/email/", views.email_change_view, name="email_change"),
    path("securite/mot-de-passe/", views.PasswordChangeView.as_view(), name="password_change"),
    path("securite/journal/", views.journal_view, name="journal"),
    path("securite/jetons/", views.api_tokens_view, name="api_tokens"),
    path("securite/jetons/<uuid:token_uuid>/revoquer/", views.api_token_revoke_view, name="api_token_revoke"),
]
