"""The flows API, as Chorus Pro's: `POST /api/v1/flows/` takes one file or a ZIP and answers 202 at once with
the flow's id; `GET /api/v1/flows/{id}/` gives its status, its progress and, once done, its report.

The upload is guarded as the synchronous deposit's is (`invoices.deposit.api`), kept byte-for-byte with its
SHA-256 before the answer, and checked by the workers (`invoices.deposit.tasks`).
"""

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.errors import error_body, validation_body
from invoices.deposit.api import (
    _REFUSAL,
    IDEMPOTENCY_HEADER,
    DepositReportSerializer,
    _refusal,
    _supplier,
    deposit_report,
)
from invoices.deposit.flows import flow_progress, start_flow
from invoices.deposit.operations import (
    IDEMPOTENCY_KEY_MAX,
    OversizedUpload,
    deposit_for_key,
    get_deposit_for_user,
    sha256_of,
)
from invoices.deposit.tasks import queue_flow
from invoices.deposit.validation import Limits, Size, deposit_finding, guard_uploads, request_length
from invoices.models import Deposit, DepositStatus

log = logging.getLogger(__name__)

TAGS = ["flows"]


class FlowRequestSerializer(serializers.Serializer):
    """The multipart body (schema only: the view reads it)."""

    file = serializers.FileField(
        help_text="An invoice (Factur-X, CII, UBL) or a ZIP of invoices, each integrated or refused alone."
    )
    supplier = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The supplier structure (its id or SIRET), for a user who deposits for several; blank is "
        "absent.",
    )


class FlowSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(
        choices=DepositStatus.choices, help_text="en_cours until every file is done."
    )
    channel = serializers.CharField()
    created_at = serializers.DateTimeField()
    progress = inline_serializer(
        "FlowProgress",
        {
            "done": serializers.IntegerField(help_text="Invoice files checked so far."),
            "total": serializers.IntegerField(
                allow_null=True, help_text="Invoice files in the flow; null until its files are read."
            ),
        },
    )
    report = DepositReportSerializer(
        allow_null=True, help_text="Once the flow is done: the same report as GET /api/v1/deposits/{id}/."
    )
    url = serializers.CharField(help_text="This flow's address, to poll.")


def flow_body(deposit: Deposit) -> dict:
    done, total = flow_progress(deposit)
    return {
        "id": str(deposit.uuid),
        "status": deposit.status,
        "channel": deposit.channel,
        "created_at": deposit.created_at.isoformat(),
        "progress": {"done": done, "total": total},
        "report": deposit_report(deposit) if deposit.status != DepositStatus.EN_COURS else None,
        "url": f"/api/v1/flows/{deposit.uuid}/",
    }


class FlowListView(APIView):
    """Deposit a flow: one invoice file or a ZIP of invoices, checked asynchronously."""

    def initialize_request(self, request, *args, **kwargs):
        # Before DRF authenticates: the session's CSRF check would otherwise read the whole body unguarded.
        if request.method == "POST":
            guard_uploads(request, Limits.from_settings())
        return super().initialize_request(request, *args, **kwargs)

    @extend_schema(
        summary="Deposit a flow (asynchronous)",
        description=(
            "Deposits one file: an invoice (Factur-X, CII, UBL) or a ZIP of invoices. The file is kept "
            "byte-for-byte with its SHA-256 and the answer comes at once, 202 with the flow's id; workers "
            "then check each invoice. Poll GET /api/v1/flows/{id}/ for the status (en_cours, integre, "
            "integre_partiellement, rejete), the progress and, once done, the per-invoice report. A retry "
            "with the same Idempotency-Key returns the first flow and creates nothing."
        ),
        tags=TAGS,
        request={"multipart/form-data": FlowRequestSerializer},
        responses={
            202: FlowSerializer,
            400: OpenApiResponse(description="Missing file, several files, or an unreadable upload."),
            413: OpenApiResponse(_REFUSAL, description="Upload larger than a deposit may be."),
            422: OpenApiResponse(
                _REFUSAL,
                description="A supplier unknown or that the caller does not deposit for, or an "
                "Idempotency-Key already used for another file.",
            ),
        },
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description=f"Any unique string of at most {IDEMPOTENCY_KEY_MAX} characters.",
            ),
        ],
    )
    def post(self, request):
        limits = Limits.from_settings()
        length = request_length(request)
        too_large = deposit_finding(
            "CHORALE-DEPOSIT-TOO-LARGE", "", size=Size(length), limit=Size(limits.max_invoice_bytes)
        )
        if length > limits.max_request_bytes:
            log.warning("flow refused before reading: %d bytes from user %s", length, request.user.pk)
            return _refusal(413, too_large)
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX:
            finding = deposit_finding(
                "CHORALE-IDEMPOTENCY-KEY", IDEMPOTENCY_HEADER, length=len(key), limit=IDEMPOTENCY_KEY_MAX
            )
            return _refusal(400, finding)
        guard = guard_uploads(request._request, limits)
        try:
            data, files = request.data, request.FILES
        except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
            return _refusal(413, deposit_finding("CHORALE-DEPOSIT-UNREADABLE", "", detail=str(exc)))
        except (ParseError, MultiPartParserError, UnreadablePostError, UnsupportedMediaType) as exc:
            return _refusal(400, deposit_finding("CHORALE-DEPOSIT-UNREADABLE", "", detail=str(exc)))
        if guard is not None and guard.request_too_large:
            return _refusal(413, too_large)
        skipped = guard.oversized if guard is not None else []
        uploads = files.getlist("file") + [OversizedUpload(n) for field, n in skipped if field == "file"]
        if len(uploads) != 1:
            message = _(
                "Un fichier, et un seul, est requis (champ « file ») : une facture ou un ZIP de factures."
            )
            return Response(validation_body({"file": [message]}), status=400)
        if key and (first := deposit_for_key(request.user, key)) is not None:
            return _replay(first, uploads[0], key)
        supplier = None
        if data.get("supplier"):
            supplier = _supplier(request.user, data["supplier"])
            if supplier is None:
                message = _("Structure inconnue, ou pour laquelle vous ne déposez pas.")
                return Response(error_body(message, error="refused", field="supplier"), status=422)
        deposit = start_flow(
            request.user, uploads, supplier=supplier, channel=Deposit.Channel.API, idempotency_key=key
        )
        if deposit.replayed:
            return _replay(deposit, uploads[0], key)
        queue_flow(deposit)
        return _accepted(deposit)


def _accepted(deposit: Deposit) -> Response:
    body = flow_body(deposit)
    return Response(body, status=202, headers={"Location": body["url"]})


def _replay(deposit: Deposit, upload, key: str) -> Response:
    """The first flow deposited under this key; a different file under the same key is an error."""
    digests = [s.get("sha256") for s in deposit.report.get("sources", []) if s.get("sha256")]
    if digests and not isinstance(upload, OversizedUpload):
        upload.seek(0)
        if sha256_of(upload.read()) != digests[0]:
            return _refusal(422, deposit_finding("CHORALE-IDEMPOTENCY-MISMATCH", IDEMPOTENCY_HEADER, key=key))
    response = _accepted(deposit)
    response["Idempotent-Replayed"] = "true"
    return response


class FlowDetailView(APIView):
    """A flow's status, progress and, once done, its report (404 to anyone else)."""

    @extend_schema(
        summary="A flow's status, progress and report",
        tags=TAGS,
        responses={200: FlowSerializer, 404: OpenApiResponse(description="No such flow for this user.")},
    )
    def get(self, request, id):
        return Response(flow_body(get_deposit_for_user(request.user, id)))


urlpatterns = [
    path("flows/", FlowListView.as_view(), name="flow-list"),
    path("flows/<uuid:id>/", FlowDetailView.as_view(), name="flow-detail"),
]
