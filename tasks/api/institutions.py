"""Institution documents over HTTP: `institution-documents/` with `{id}/issue/`."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from tasks.api.records import SEARCH, UNIT, RecordSerializer, RecordViewSet
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

    list_selector = institution_document_list
    list_params = {
        "status": OpenApiParameter("status", str, enum=InstitutionDocument.Status.values),
        "issued_by": OpenApiParameter("issued_by", str, enum=InstitutionDocument.IssuedBy.values),
        "by_city": OpenApiParameter("by_city", bool),
        "unit_id": UNIT,
        "search": SEARCH,
    }

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
