"""Institution documents over HTTP: `institution-documents/` with `{id}/issue/`."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.api import query_bool, query_int
from tasks.api.records import RecordSerializer, RecordViewSet
from tasks.models import InnovationMeasure, InstitutionDocument
from tasks.selectors.records import LIST_FILTERS, institution_document_list
from tasks.services import institutions as services


class InstitutionDocumentSerializer(RecordSerializer):
    measure = serializers.PrimaryKeyRelatedField(
        queryset=InnovationMeasure.objects.all(), required=False, allow_null=True
    )
    issued_by_display = serializers.CharField(source="get_issued_by_display", read_only=True)

    class Meta:
        model = InstitutionDocument
        fields = [
            *RecordSerializer.COMMON,
            "title",
            "issued_by",
            "issued_by_display",
            "doc_number",
            "status",
            "started_on",
            "issued_on",
            "institutionalises",
            "measure",
            *RecordSerializer.READ_ONLY,
        ]
        read_only_fields = ["status", "issued_on", *RecordSerializer.READ_ONLY]


class IssueSerializer(serializers.Serializer):
    issued_on = serializers.DateField()
    doc_number = serializers.CharField(required=False, allow_blank=True, default="")


class InstitutionDocumentViewSet(RecordViewSet):
    """Rules drafted and issued (制度文件). Filters: `status`, `issued_by`, `by_city=true`
    (in the city committee's or government's name), `unit`, `search`. `{id}/issue/` issues one."""

    serializer_class = InstitutionDocumentSerializer
    list_filters = LIST_FILTERS[InstitutionDocument]
    create_service = services.institution_document_create
    update_service = services.institution_document_update
    instance_arg = "document"

    @extend_schema(
        parameters=[
            OpenApiParameter("status", str, enum=InstitutionDocument.Status.values),
            OpenApiParameter("issued_by", str, enum=InstitutionDocument.IssuedBy.values),
            OpenApiParameter("by_city", bool),
            OpenApiParameter("unit", int),
            OpenApiParameter("search", str),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        return institution_document_list(
            user=self.request.user,
            status=self.params().get("status", ""),
            issued_by=self.params().get("issued_by", ""),
            by_city=query_bool(self.request, "by_city"),
            unit_id=query_int(self.request, "unit"),
            search=self.params().get("search", ""),
        )

    @extend_schema(request=IssueSerializer, responses=InstitutionDocumentSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        document = self.get_object()
        serializer = IssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.institution_document_issue(document=document, by=request.user, **serializer.validated_data)
        return Response(self.get_serializer(document).data)


def register(router) -> None:
    router.register("institution-documents", InstitutionDocumentViewSet, basename="institution-document")
