"""The import pipeline (campaign/imports.py) through the API, the same steps as its pages:

    POST /api/v1/imports/<kind>/?campaign=<id>   multipart `file`: upload and check → the check
    POST /api/v1/imports/<id>/confirm/            a checked file without errors → the worker applies it
    GET  /api/v1/imports/<id>/                    status, progress, errors, summary

Office only, as the pages are (campaign/views_imports.py). The check runs in the request, as on
the page: the file's bounds (campaign/xlsx.py) keep it short."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, re_path
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from campaign import choice, imports, selectors
from campaign.forms import ImportUploadForm
from campaign.models import ImportBatch


def _office_only(user) -> None:
    if not selectors.is_office(user):
        raise PermissionDenied(_("Only the leading-group office may import spreadsheets."))


class ImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="The spreadsheet's row number (none: the whole file).")
    column = serializers.CharField(help_text="The column's header, as the file has it.")
    message = serializers.CharField()


class ImportBatchSerializer(serializers.ModelSerializer):
    """An import: what the check found (every bad row, what applying would do) and how far the
    worker is (`progress` rows of `row_count`)."""

    errors = ImportRowErrorSerializer(many=True, read_only=True)
    summary = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "kind",
            "campaign",
            "filename",
            "status",
            "row_count",
            "progress",
            "errors",
            "summary",
            "message",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_progress(self, batch: ImportBatch) -> int:
        return imports.import_progress(batch)


UPLOAD = inline_serializer("ImportUpload", {"file": serializers.FileField(help_text="An Excel .xlsx file.")})


class ImportUploadView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="imports_upload",
        parameters=[
            OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=sorted(ImportBatch.Kind.values)),
            OpenApiParameter(choice.QUERY_PARAM, OpenApiTypes.INT, description="The campaign to import into."),
        ],
        request={"multipart/form-data": UPLOAD},
        responses={201: ImportBatchSerializer},
    )
    def post(self, request, kind: str):
        """Upload a spreadsheet of the kind; it is checked at once (nothing is written): the
        answer lists every bad row, or what confirming would create and update."""
        _office_only(request.user)
        if kind not in imports.IMPORTERS:
            raise exceptions.NotFound(_("No such import."))
        form = ImportUploadForm(request.data, request.FILES)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        campaign = choice.chosen_campaign(request, remember=False)
        if campaign is None:
            raise serializers.ValidationError({choice.QUERY_PARAM: _("Campaign: you take part in no campaign.")})
        upload = form.cleaned_data["file"]
        batch = imports.import_upload(
            kind=kind, campaign=campaign, by=request.user, filename=upload.name, data=upload.read()
        )
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_201_CREATED)


def _batch(request, pk: int) -> ImportBatch:
    _office_only(request.user)
    return get_object_or_404(ImportBatch.objects.select_related("campaign"), pk=pk)


class ImportDetailView(APIView):
    @extend_schema(operation_id="imports_retrieve", responses=ImportBatchSerializer)
    def get(self, request, pk: int):
        """The import's state: checked (with its errors), queued, applying (with its progress),
        applied or failed (with why)."""
        return Response(ImportBatchSerializer(_batch(request, pk)).data)


class ImportConfirmView(APIView):
    @extend_schema(operation_id="imports_confirm", request=None, responses={202: ImportBatchSerializer})
    def post(self, request, pk: int):
        """Confirm a checked file without errors: a worker applies it whole, or nothing."""
        batch = imports.import_confirm(batch=_batch(request, pk), by=request.user)
        return Response(ImportBatchSerializer(batch).data, status=status.HTTP_202_ACCEPTED)


urlpatterns = [
    path("imports/<int:pk>/", ImportDetailView.as_view(), name="api-import-detail"),
    path("imports/<int:pk>/confirm/", ImportConfirmView.as_view(), name="api-import-confirm"),
    # A kind is a word (roster, key_tasks…): "-1" or "1.5" match no route and answer 404, not 405.
    re_path(r"^imports/(?P<kind>[a-z_]+)/$", ImportUploadView.as_view(), name="api-import-upload"),
]
