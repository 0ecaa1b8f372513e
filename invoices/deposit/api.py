"""The deposit API: `POST /api/v1/invoices/` (called by the invoice viewset's `create()`) and
`GET /api/v1/deposits/{id}/` (a deposit's report).

The upload is guarded before DRF parses it: a request larger than a deposit may be is refused from its
Content-Length alone, and a file past the per-file limit is never kept in memory or on disk.
"""

import json
import logging
import uuid as uuid_lib

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db.models import Q
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Empty
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.api.errors import ErrorSerializer, error_body, validation_body
from invoices.deposit.forms import TYPE_CHOICES, PlainPdfForm
from invoices.deposit.operations import (
    IDEMPOTENCY_KEY_MAX,
    OversizedUpload,
    deposit_files,
    deposit_for_key,
    get_deposit_for_user,
    sha256_of,
)
from invoices.deposit.quota import QuotaExceeded
from invoices.deposit.validation import (
    Limits,
    Size,
    deposit_finding,
    guard_uploads,
    installed_guard,
    request_length,
)
from invoices.lifecycle.serializers import InvoiceSerializer
from invoices.models import Deposit, DepositStatus, Invoice

log = logging.getLogger(__name__)

IDEMPOTENCY_HEADER = "Idempotency-Key"


# Schema (drf-spectacular): the lifecycle viewset's create() is decorated with CREATE_INVOICE_SCHEMA.


class FindingSerializer(serializers.Serializer):
    severity = serializers.ChoiceField(choices=["error", "warning"])
    rule = serializers.CharField(help_text="BR-…, BR-FR-…, FX-…, XSD or CHORALE-…")
    message = serializers.CharField(help_text="In the request's language (Accept-Language: fr or en).")
    location = serializers.CharField(help_text="XPath in the invoice, a form field name, or a file name.")


class DepositDocumentSerializer(serializers.Serializer):
    file = serializers.CharField()
    container = serializers.CharField(help_text="The ZIP the file came from, if any.")
    format = serializers.CharField(help_text="facturx, cii, ubl, pdf or unknown.")
    profile = serializers.CharField()
    accepted = serializers.BooleanField()
    number = serializers.CharField()
    invoice = serializers.UUIDField(allow_null=True)
    size = serializers.IntegerField(allow_null=True)
    sha256 = serializers.CharField()
    already_deposited = serializers.DictField(allow_null=True)
    findings = FindingSerializer(many=True)


class DepositReportSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=DepositStatus.choices)
    channel = serializers.CharField()
    created_at = serializers.DateTimeField()
    supplier = serializers.CharField(allow_null=True)
    integrated = serializers.IntegerField()
    refused = serializers.IntegerField()
    findings = FindingSerializer(many=True)
    documents = DepositDocumentSerializer(many=True)
    attachments = DepositDocumentSerializer(many=True)
    limits = serializers.DictField()


class DepositRequestSerializer(serializers.Serializer):
    """The multipart body (schema only: `PlainPdfForm` reads it, with the same limits; blank is absent)."""

    file = serializers.FileField(help_text="The invoice: Factur-X PDF, CII or UBL XML, or a plain PDF.")
    attachments = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        help_text="Pièces jointes (PDF, images, XML, office documents, ZIP).",
    )
    supplier = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The supplier structure (its id or SIRET), for a user who deposits for several.",
    )
    recipient_siret = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text="Plain PDF only (so are those below). As soon as one of them is given, the deposit is a "
        "plain PDF with typed-in data: recipient_siret (14 digits), number, issue_date and the three "
        "totals (total_with_vat = total_without_vat + total_vat) are then required, else 422.",
    )
    service_code = serializers.CharField(required=False, allow_blank=True, max_length=100)
    engagement = serializers.CharField(required=False, allow_blank=True, max_length=100)
    number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    type_code = serializers.ChoiceField(choices=[c for c, _label in TYPE_CHOICES], required=False)
    issue_date = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)
    preceding_invoice = serializers.CharField(required=False, allow_blank=True, max_length=100)
    currency = serializers.CharField(required=False, allow_blank=True, max_length=3)
    total_without_vat = serializers.DecimalField(max_digits=19, decimal_places=2, required=False)
    total_vat = serializers.DecimalField(max_digits=19, decimal_places=2, required=False)
    total_with_vat = serializers.DecimalField(max_digits=19, decimal_places=2, required=False)


class DepositRefusalSerializer(ErrorSerializer):
    """The API's error body, with the deposit's findings when its files were read.

    A deposit refused on its files (422) or its size (413) carries `deposit`, `status`, `findings` and
    `report`; typed-in plain-PDF data that is incomplete (422) carries `field` and `errors` instead.
    """

    deposit = serializers.UUIDField(allow_null=True, required=False)
    status = serializers.CharField(required=False)
    findings = FindingSerializer(many=True, required=False)
    report = serializers.CharField(allow_null=True, required=False, help_text="The deposit report's URL.")


_REFUSAL = DepositRefusalSerializer


class DepositedInvoiceSerializer(InvoiceSerializer):
    """The 201 answer: the invoice, its deposit and the warnings it was accepted with (schema only)."""

    deposit = serializers.UUIDField(read_only=True)
    findings = FindingSerializer(many=True, read_only=True, help_text="Warnings: the invoice was accepted.")

    class Meta(InvoiceSerializer.Meta):
        fields = [*InvoiceSerializer.Meta.fields, "deposit", "findings"]
        read_only_fields = fields


CREATE_INVOICE_SCHEMA = {
    "summary": "Deposit an invoice",
    "description": (
        "Deposits one invoice file (Factur-X, CII, UBL; a plain PDF with the routing and amount fields), "
        "with optional attachments. 201 with the invoice, delivered to its recipient; 422 with every "
        "finding when it is refused (the deposit and its report are kept: GET /api/v1/deposits/{id}/). "
        "A retry with the same Idempotency-Key returns the first answer and creates nothing."
    ),
    "request": {"multipart/form-data": DepositRequestSerializer},
    "responses": {
        201: DepositedInvoiceSerializer,
        400: OpenApiResponse(
            description="Missing file, unreadable upload or a typed-in value out of its type."
        ),
        413: OpenApiResponse(_REFUSAL, description="Upload larger than a deposit may be."),
        422: OpenApiResponse(
            _REFUSAL, description="Deposit refused (every finding), or typed-in plain-PDF data incomplete."
        ),
        429: OpenApiResponse(
            _REFUSAL, description="Too many requests, or the supplier's daily deposit quota is reached."
        ),
    },
    "parameters": [
        OpenApiParameter(
            IDEMPOTENCY_HEADER,
            {"type": "string", "maxLength": IDEMPOTENCY_KEY_MAX},
            OpenApiParameter.HEADER,
            required=False,
            description=f"Any unique string of at most {IDEMPOTENCY_KEY_MAX} characters.",
        ),
    ],
}


# For the viewset whose `create()` deposits: the upload guard goes in before DRF authenticates. Session
# authentication checks the CSRF token, and Django's CSRF check reads the whole body with the default upload
# handlers (spooling any size to disk) unless the guard is already first. (A comment, not a docstring: the
# schema generator would take a mixin's docstring for the description of the viewset's every operation.)
class DepositUploadGuardMixin:
    def initialize_request(self, request, *args, **kwargs):
        if request.method == "POST" and (getattr(self, "action_map", None) or {}).get("post") == "create":
            guard_uploads(request, Limits.from_settings())
        return super().initialize_request(request, *args, **kwargs)


def create_invoice_from_request(request) -> Response:
    """POST /api/v1/invoices/: deposit one invoice file (and its attachments) for the authenticated user."""
    limits = Limits.from_settings()
    length = request_length(request)
    if length > limits.max_request_bytes:
        log.warning("API deposit refused before reading: %d bytes from user %s", length, request.user.pk)
        return _refusal(
            413,
            deposit_finding(
                "CHORALE-DEPOSIT-TOO-LARGE", "", size=Size(length), limit=Size(limits.max_invoice_bytes)
            ),
        )
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        return _refusal(
            400,
            deposit_finding(
                "CHORALE-IDEMPOTENCY-KEY", IDEMPOTENCY_HEADER, length=len(key), limit=IDEMPOTENCY_KEY_MAX
            ),
        )
    guard = installed_guard(request._request) or (
        guard_uploads(request._request, limits) if request._data is Empty else None
    )
    try:
        data, files = request.data, request.FILES
    except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
        log.warning("API deposit refused: %s", exc)
        return _refusal(413, deposit_finding("CHORALE-DEPOSIT-UNREADABLE", "", detail=str(exc)))
    except (ParseError, MultiPartParserError, UnreadablePostError, UnsupportedMediaType) as exc:
        log.warning("API deposit refused, unreadable upload: %s", exc)
        return _refusal(400, deposit_finding("CHORALE-DEPOSIT-UNREADABLE", "", detail=str(exc)))
    if guard is not None and guard.request_too_large:
        return _refusal(
            413,
            deposit_finding(
                "CHORALE-DEPOSIT-TOO-LARGE", "", size=Size(length), limit=Size(limits.max_invoice_bytes)
            ),
        )
    skipped = guard.oversized if guard is not None else []
    uploads = files.getlist("file") + [OversizedUpload(n) for field, n in skipped if field == "file"]
    attachments = files.getlist("attachments") + [
        OversizedUpload(n) for field, n in skipped if field == "attachments"
    ]
    if len(uploads) != 1:
        message = _("Un fichier de facture, et un seul, est requis (champ « file »).")
        return Response(validation_body({"file": [message]}), status=400)
    if key:
        first = deposit_for_key(request.user, key)
        if first is not None:
            return _replay(request, first, uploads[0], key)
    form = PlainPdfForm(data)
    if not form.is_valid():
        return _form_refusal(form)
    supplier = None
    if data.get("supplier"):
        supplier = _supplier(request.user, data["supplier"])
        if supplier is None:
            message = _("Structure inconnue, ou pour laquelle vous ne déposez pas.")
            return Response(error_body(message, error="refused", field="supplier"), status=422)
    try:
        deposit = deposit_files(
            request.user,
            uploads,
            supplier=supplier,
            attachments=attachments,
            routing_form=form.routing_data(),
            channel=Deposit.Channel.API,
            idempotency_key=key,
            archives=False,
        )
    except QuotaExceeded as exceeded:  # nothing recorded: a retry with the same key is a new deposit
        response = _refusal(429, exceeded.finding)
        response["Retry-After"] = str(exceeded.retry_after)
        return response
    if getattr(deposit, "replayed", False):
        return _replay(request, deposit, uploads[0], key)
    status, body = deposit_answer(deposit)
    if key:
        # Kept so that a retry gets this very answer, whatever happens to the invoice meanwhile.
        report = {**deposit.report, "response": {"status": status, "body": body}}
        Deposit.objects.filter(pk=deposit.pk).update(report=report)
    return _response(status, body, deposit)


def deposit_answer(deposit: Deposit) -> tuple[int, dict]:
    """201 with the invoice when the deposit's one invoice was integrated, else 422 with the findings."""
    english = _english()
    documents = deposit.report.get("documents", [])
    if deposit.status == DepositStatus.INTEGRE and len(documents) == 1:
        invoice = Invoice.objects.select_related("supplier", "recipient", "service").get(
            uuid=documents[0]["invoice"]
        )
        body = {
            **InvoiceSerializer(invoice).data,
            "deposit": str(deposit.uuid),
            "findings": _findings(documents[0].get("findings", []), english),
        }
        return 201, _jsonable(body)
    findings = _findings(deposit.report.get("findings", []), english)
    for document in documents:
        findings += _findings(document.get("findings", []), english)
        for attachment in document.get("attachments", []):
            findings += _findings(attachment.get("findings", []), english)
    errors = [f for f in findings if f["severity"] == "error"] or findings
    body = {
        **error_body(errors[0]["message"] if errors else deposit.get_status_display(), error="refused"),
        "deposit": str(deposit.uuid),
        "status": deposit.status,
        "findings": findings,
        "report": f"/api/v1/deposits/{deposit.uuid}/",
    }
    return 422, body


def _replay(request, deposit: Deposit, upload, key: str) -> Response:
    """The first answer for this idempotency key; a different file under the same key is an error."""
    digests = [d.get("sha256") for d in deposit.report.get("documents", []) if d.get("sha256")]
    first_digest = digests[0] if digests else None
    if upload is not None and first_digest and not isinstance(upload, OversizedUpload):
        upload.seek(0)
        if sha256_of(upload.read()) != first_digest:
            return _refusal(422, deposit_finding("CHORALE-IDEMPOTENCY-MISMATCH", IDEMPOTENCY_HEADER, key=key))
    stored = deposit.report.get("response")
    status, body = (stored["status"], stored["body"]) if stored else deposit_answer(deposit)
    log.info("idempotent replay of deposit %s for user %s", deposit.uuid, request.user.pk)
    response = _response(status, body, deposit)
    response["Idempotent-Replayed"] = "true"
    return response


def _response(status: int, body: dict, deposit: Deposit) -> Response:
    response = Response(body, status=status)
    if status == 201:
        response["Location"] = f"/api/v1/invoices/{body['id']}/"
    return response


def _form_refusal(form) -> Response:
    """400 when a typed-in value cannot be read (a date, an amount), 422 when the entry is incomplete."""
    errors = form.errors.as_data()
    body = validation_body({name: [m for e in found for m in e.messages] for name, found in errors.items()})
    unreadable = any(e.code != PlainPdfForm.ENTRY_ERROR for found in errors.values() for e in found)
    return Response(body, status=400 if unreadable else 422)


REFUSAL_CODES = {400: "invalid", 413: "too_large", 422: "refused", 429: "quota_exceeded"}


def _refusal(status: int, finding) -> Response:
    english = _english()
    message = finding.message_en if english else finding.message
    body = {
        **error_body(message, error=REFUSAL_CODES.get(status, "refused")),
        "deposit": None,
        "status": DepositStatus.REJETE,
        "findings": [
            {
                "severity": finding.severity,
                "rule": finding.rule,
                "message": message,
                "location": finding.location,
            }
        ],
        "report": None,
    }
    return Response(body, status=status)


def _supplier(user, value: str):
    structures = access.structures_with_right(user, access.DEPOSIT)
    try:
        return structures.filter(uuid=uuid_lib.UUID(str(value))).first()
    except ValueError:
        return structures.filter(Q(identifier=str(value).replace(" ", ""))).first()


def _english() -> bool:
    return (get_language() or "fr").startswith("en")


def _findings(findings: list[dict], english: bool) -> list[dict]:
    return [
        {
            "severity": f["severity"],
            "rule": f["rule"],
            "message": (f.get("message_en") or f["message"]) if english else f["message"],
            "location": f.get("location", ""),
        }
        for f in findings
    ]


def _jsonable(body: dict) -> dict:
    """Serializer output (Decimal, datetime) as plain JSON values, to be stored and replayed as is."""
    return json.loads(JSONRenderer().render(body))


# GET /api/v1/deposits/{id}/


class DepositDetailView(APIView):
    """A deposit's report: every file, what became of it, every finding (404 to anyone else)."""

    @extend_schema(summary="A deposit's report", tags=["deposits"], responses={200: DepositReportSerializer})
    def get(self, request, id):
        deposit = get_deposit_for_user(request.user, id)
        return Response(deposit_report(deposit))


def deposit_report(deposit: Deposit) -> dict:
    english = _english()
    report = deposit.report or {}

    def document(doc: dict) -> dict:
        return {
            "file": doc.get("file") or "",
            "container": doc.get("container") or "",
            "format": doc.get("format") or "",
            "profile": doc.get("profile") or "",
            "accepted": bool(doc.get("accepted")),
            "number": doc.get("number") or "",
            "invoice": doc.get("invoice"),
            "size": doc.get("size"),
            "sha256": doc.get("sha256") or "",
            "already_deposited": doc.get("already_deposited"),
            "findings": _findings(doc.get("findings", []), english),
            "attachments": [document(a) for a in doc.get("attachments", [])],
        }

    return {
        "id": str(deposit.uuid),
        "status": deposit.status,
        "channel": deposit.channel,
        "created_at": deposit.created_at.isoformat(),
        "supplier": deposit.supplier.identifier if deposit.supplier_id else None,
        "integrated": report.get("integrated", 0),
        "refused": report.get("refused", 0),
        "findings": _findings(report.get("findings", []), english),
        "documents": [document(d) for d in report.get("documents", [])],
        "attachments": [document(d) for d in report.get("attachments", [])],
        "limits": report.get("limits", {}),
    }


urlpatterns = [
    path("deposits/<uuid:id>/", DepositDetailView.as_view(), name="deposit-detail"),
]
