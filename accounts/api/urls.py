"""Accounts API under /api/v1/: structure-scoped routes name their structure `<uuid:structure>`."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import claims, views

router = SimpleRouter(use_regex_path=False)
router.register("structures", views.StructureViewSet, basename="structure")
router.register("attachment-requests", views.AttachmentRequestViewSet, basename="attachment-request")
router.register("principal-claims", claims.PrincipalClaimViewSet, basename="principal-claim")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api-me"),
    path("principal-transfers/", views.PrincipalTransferView.as_view(), name="api-principal-transfer"),
    *router.urls,
]
