"""Public reports (举报) over HTTP: anyone sends one and follows it by its receipt code; the
staff read them and the office triages them (reject, merge into a problem, create one). The
triage serves TV questions too (rectification/api/tv.py)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.api import query_int, visible_unit
from campaign.client import client_address
from campaign.selectors import is_liaison
from campaign.text import LONG_TEXT
from config.files import FileDownloadViewSet, file_url
from rectification import selectors
from rectification.api.common import fresh, sent_files, throttled_when_rate_limited, validated
from rectification.models import PublicReport, PublicReportAttachment, TvQuestion
from rectification.models.public import Triage
from rectification.services import public as public_services


class IsStaffReader(permissions.BasePermission):
    """Public reports are read by the office, leaders and inspectors, never by unit liaisons."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and not is_liaison(request.user))


class PublicReportInput(serializers.Serializer):
    # Required and not blank, as the service refuses them otherwise (with these messages).
    subject = serializers.CharField(
        max_length=200,
        error_messages={"required": _("Give the report a subject."), "blank": _("Give the report a subject.")},
    )
    body = serializers.CharField(
        max_length=LONG_TEXT,
        error_messages={"required": _("Say what happened."), "blank": _("Say what happened.")},
    )
    about_unit = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    campaign = serializers.IntegerField(
        required=False, help_text="The campaign reported to (default: the one running today)."
    )


class PublicReportFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where to download the file with your token.")

    class Meta:
        model = PublicReportAttachment
        fields = ["id", "name", "size", "url"]

    def get_url(self, attachment) -> str:
        return file_url(self, "public-report-attachment", attachment.pk)


class PublicReportAttachmentViewSet(FileDownloadViewSet):
    """Files sent with public reports: `GET {id}/` downloads one, for the staff who may read the
    report (never a unit liaison)."""

    queryset = PublicReportAttachment.objects.none()
    permission_classes = [IsStaffReader]

    def files_visible_to(self, user):
        return PublicReportAttachment.objects.filter(report__in=selectors.public_reports_for_staff(user=user))


class PublicReportSerializer(serializers.ModelSerializer):
    triage_display = serializers.CharField(source="get_triage_display", read_only=True)
    problem_code = serializers.CharField(source="problem.code", read_only=True, default=None)
    attachments = serializers.SerializerMethodField()
    attachment_files = PublicReportFileSerializer(source="attachments", many=True, read_only=True)

    class Meta:
        model = PublicReport
        fields = [
            "id",
            "receipt",
            "channel",
            "subject",
            "body",
            "about_unit",
            "contact",
            "received_at",
            "triage",
            "triage_display",
            "triage_note",
            "problem",
            "problem_code",
            "triaged_at",
            "attachments",
            "attachment_files",
        ]

    def get_attachments(self, report) -> list[str]:
        return [a.name for a in report.attachments.all()]


class TriageInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["reject", "merge", "create"])
    reason = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")
    problem = serializers.IntegerField(required=False, allow_null=True, default=None)
    unit = serializers.IntegerField(required=False, allow_null=True, default=None)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


def triage_item(request, item: PublicReport | TvQuestion) -> PublicReport | TvQuestion:
    """The office triages a public report or a TV question as the body says (TriageInput)."""
    values = validated(TriageInput(data=request.data))
    problem_id, unit_id = values.pop("problem"), values.pop("unit")
    problem = get_object_or_404(selectors.problems_visible_to(request.user), pk=problem_id) if problem_id else None
    unit = visible_unit(user=request.user, pk=unit_id) if unit_id else None
    return public_services.item_triage(by=request.user, item=item, problem=problem, unit=unit, **values)


class ReceiptInput(serializers.Serializer):
    receipt = serializers.RegexField(r"^[A-Za-z0-9]+$", max_length=16)
    campaign = serializers.IntegerField(required=False, allow_null=True, default=None)


# What `status/` answers the reporter.
PUBLIC_REPORT_STATUS = inline_serializer(
    "PublicReportStatus",
    {
        "receipt": serializers.CharField(),
        "received_on": serializers.DateField(),
        "status": serializers.ChoiceField(choices=Triage.choices),
        "status_display": serializers.CharField(),
        "reply": serializers.CharField(allow_blank=True),
        "rectified": serializers.BooleanField(),
    },
)


class PublicReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Public reports (举报). `POST` is open to anyone (rate-limited per address) and answers a
    receipt code; `status/{receipt}/` shows the reporter the handling. Everything else is
    for staff; `triage/` (reject with a reason, merge into a problem, create a problem) is
    the office's."""

    serializer_class = PublicReportSerializer
    permission_classes = [IsStaffReader]
    list_filters = selectors.LIST_FILTERS[PublicReport]  # received / handled in a period (roll-ups)

    def get_permissions(self):
        if self.action in ("create", "status_by_receipt", "status_lookup"):
            return [permissions.AllowAny()]
        return super().get_permissions()

    def get_queryset(self):
        reports = selectors.public_reports_for_staff(user=self.request.user)
        triage = self.request.query_params.get("triage", "")
        return reports.filter(triage=triage) if triage else reports

    @extend_schema(
        request=PublicReportInput,
        responses={
            201: inline_serializer(
                "PublicReportReceipt",
                {"receipt": serializers.CharField(), "message": serializers.CharField()},
            )
        },
    )
    def create(self, request, *args, **kwargs):
        values = validated(PublicReportInput(data=request.data))
        values.pop("files")
        campaign = selectors.public_campaign(campaign_id=values.pop("campaign", None))
        if campaign is None:
            raise serializers.ValidationError({"campaign": _("Campaign: there is no such campaign to report to.")})
        with throttled_when_rate_limited():
            report = public_services.public_report_submit(
                campaign=campaign, files=sent_files(request), address=client_address(request), **values
            )
        return Response(
            {
                "receipt": report.receipt,
                "message": _("Keep this receipt code: it is the only way to follow your report."),
            },
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=ReceiptInput,
        responses={200: PUBLIC_REPORT_STATUS},
    )
    @action(detail=False, methods=["post"], url_path="status")
    def status_lookup(self, request):
        """The receipt code in the body, so it stays out of addresses and access logs."""
        data = validated(ReceiptInput(data=request.data))
        return self._status(request, data["receipt"], data.get("campaign"))

    @extend_schema(
        responses={200: PUBLIC_REPORT_STATUS}, parameters=[OpenApiParameter("campaign", int)], deprecated=True
    )
    @action(detail=False, methods=["get"], url_path=r"status/(?P<receipt>[A-Za-z0-9]+)")
    def status_by_receipt(self, request, receipt=None):
        """Kept for old clients; `POST status/` keeps the code out of the address."""
        return self._status(request, receipt, query_int(request, "campaign"))

    def _status(self, request, receipt, campaign_id):
        with throttled_when_rate_limited():
            campaign = selectors.public_campaign(campaign_id=campaign_id) if campaign_id else None
            if campaign_id and campaign is None:
                return Response({"detail": _("No report has this receipt code.")}, status=status.HTTP_404_NOT_FOUND)
            found = public_services.public_report_status(
                receipt=receipt, address=client_address(request), campaign=campaign
            )
        if found is None:
            return Response({"detail": _("No report has this receipt code.")}, status=status.HTTP_404_NOT_FOUND)
        found["received_on"] = found["received_on"].isoformat()
        return Response(found)

    @extend_schema(request=TriageInput, responses=PublicReportSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        report = triage_item(request, self.get_object())
        return Response(fresh(self, report.pk))
