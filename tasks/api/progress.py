"""Weekly progress over HTTP: the same rules as the pages, through the same services."""

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from campaign.api import query_int
from campaign.models import Unit
from campaign.text import LONG_TEXT
from config.api import BuiltOnceFields
from config.files import FileDownloadViewSet, file_url
from tasks import weeks
from tasks.models import ProgressItem, ReportAttachment, ReportTransition, SimilarityFlag, WeeklyProgress
from tasks.selectors.progress import REPORT_DETAIL_PREFETCHES, REPORT_FILTERS, report_detail, reports_visible_to
from tasks.services import progress as services


class ItemSerializer(BuiltOnceFields, serializers.ModelSerializer):
    key_task_number = serializers.IntegerField(source="key_task.number", read_only=True)
    key_task_title = serializers.CharField(source="key_task.title", read_only=True)

    class Meta:
        model = ProgressItem
        fields = ["key_task", "key_task_number", "key_task_title", "status", "note", "value"]
        read_only_fields = ["key_task"]


class TransitionSerializer(BuiltOnceFields, serializers.ModelSerializer):
    by = serializers.CharField(source="by.display_name", read_only=True)

    class Meta:
        model = ReportTransition
        fields = ["action", "from_status", "to_status", "by", "at", "comment"]


class AttachmentSerializer(BuiltOnceFields, serializers.ModelSerializer):
    file = serializers.SerializerMethodField(help_text="Where to download the file with your token.")

    class Meta:
        model = ReportAttachment
        fields = ["id", "original_name", "size", "uploaded_at", "file"]

    def get_file(self, attachment) -> str:
        return file_url(self, "report-attachment", attachment.pk)


class ReportAttachmentViewSet(FileDownloadViewSet):
    """Evidence files of weekly reports: `GET {id}/` downloads one, for whoever may read the
    report (a unit's draft stays the unit's)."""

    filename_field = "original_name"
    queryset = ReportAttachment.objects.none()

    def files_visible_to(self, user):
        return ReportAttachment.objects.filter(report__in=reports_visible_to(user))


class FlagSerializer(BuiltOnceFields, serializers.ModelSerializer):
    other_unit = serializers.CharField(source="other.unit.name", read_only=True)
    other_week = serializers.DateField(source="other.week_start", read_only=True)

    class Meta:
        model = SimilarityFlag
        fields = ["other", "other_unit", "other_week", "score", "passage", "same_unit"]


class ReportSerializer(BuiltOnceFields, serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    week = serializers.CharField(source="week_label", read_only=True)
    items = ItemSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    similarity_flags = FlagSerializer(many=True, read_only=True)

    class Meta:
        model = WeeklyProgress
        fields = [
            "id",
            "unit",
            "unit_name",
            "week",
            "week_start",
            "deadline",
            "status",
            "is_late",
            "first_submitted_at",
            "submitted_at",
            "reviewed_at",
            "expectation",
            "highlights",
            "problems",
            "next_week_plan",
            "version",
            "items",
            "transitions",
            "attachments",
            "similarity_flags",
        ]
        read_only_fields = fields


class OpenSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    week = serializers.CharField(help_text="ISO week like 2026-W48 or a date inside it")


class ItemWriteSerializer(serializers.Serializer):
    key_task = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ProgressItem.Status.choices, required=False)
    note = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)


class SaveSerializer(serializers.Serializer):
    version = serializers.IntegerField(help_text="The version you read; a stale one answers 409.")
    highlights = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    problems = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    next_week_plan = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)
    items = ItemWriteSerializer(many=True, required=False)


class SubmitSerializer(SaveSerializer):
    version = serializers.IntegerField(
        required=False, help_text="Give it (and any fields a save takes) to save and submit in one request."
    )


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True)


class ProgressReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Weekly progress reports. POST opens (creates) a unit's draft for a week; PATCH saves
    the draft with optimistic locking; `submit/`, `return/`, `accept/` move it; `attachments/`
    uploads evidence. Filters: `unit`, `week`, `status`, `late`, and those of the dashboard's
    numbers (tasks.selectors.progress.REPORT_FILTERS): `as_of`, `due_by`, `submitted_by`,
    `returned_by` (days), `on_time=1`."""

    serializer_class = ReportSerializer
    list_filters = REPORT_FILTERS  # the roll-up columns' and the dashboard's filters

    def get_queryset(self):
        reports = reports_visible_to(self.request.user).select_related("unit")
        if self.action == "list":
            params = self.request.query_params
            unit_id = query_int(self.request, "unit")
            if unit_id:
                reports = reports.filter(unit_id=unit_id)
            if params.get("week"):
                week_start = weeks.parse_week(params["week"])
                if week_start is None:
                    raise serializers.ValidationError({"week": _("Use an ISO week like 2026-W48 or a date.")})
                reports = reports.filter(week_start=week_start)
            if params.get("status"):
                reports = reports.filter(status=params["status"])
            if params.get("late") in ("true", "1"):
                reports = reports.filter(is_late=True)
            return reports.prefetch_related(
                "items__key_task", "transitions__by", "attachments", "similarity_flags__other__unit"
            ).order_by("-week_start", "unit__name")
        return reports

    # Writes read the report again (under its lock) in the service and answer with
    # `report_detail` afterwards, so they need only the report and its unit first, not the
    # items, transitions, flags and attachments of the full detail (bench/README.md).
    WRITE_ACTIONS = frozenset({"partial_update", "submit", "return_", "accept", "attachments"})

    def get_object(self):
        try:
            report_id = int(self.kwargs["pk"])
            if self.action in self.WRITE_ACTIONS:
                return reports_visible_to(self.request.user).select_related("unit__campaign").get(pk=report_id)
            return report_detail(user=self.request.user, report_id=report_id)
        except (WeeklyProgress.DoesNotExist, ValueError):
            from django.http import Http404

            raise Http404 from None

    @extend_schema(
        parameters=[
            OpenApiParameter("unit", int),
            OpenApiParameter("week", str),
            OpenApiParameter("status", str),
            OpenApiParameter("late", bool),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=OpenSerializer, responses=ReportSerializer)
    def create(self, request):
        data = OpenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The unit with what the new report's deadline needs; whether the caller is its liaison
        # is the service's check (a unit not theirs is refused as one that does not exist).
        unit = Unit.objects.select_related("campaign__reporting_rule").filter(pk=data.validated_data["unit"]).first()
        week_start = weeks.parse_week(data.validated_data["week"])
        if unit is None:
            raise PermissionDenied(_("Only the unit's liaison may write its weekly report."))
        if week_start is None:
            raise serializers.ValidationError({"week": _("Use an ISO week like 2026-W48 or a date.")})
        report = services.report_open(unit=unit, week_start=week_start, by=request.user)
        # A report just created comes with its lines; one opened before is read like the detail.
        prefetch_related_objects([report], *REPORT_DETAIL_PREFETCHES)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=SaveSerializer, responses=ReportSerializer)
    def partial_update(self, request, pk=None):
        report = self.get_object()
        try:
            services.report_save(report=report, by=request.user, **self._changes(request, SaveSerializer))
        except services.StaleReport as stale:
            return self._stale(request, stale)
        return Response(ReportSerializer(report_detail(user=request.user, report_id=report.pk)).data)

    @staticmethod
    def _changes(request, serializer_class) -> dict:
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        items = values.get("items", [])
        return {
            "version": values["version"],
            "data": {k: values[k] for k in services.TEXT_FIELDS if k in values},
            "items": {row["key_task"]: {k: v for k, v in row.items() if k != "key_task"} for row in items},
        }

    @staticmethod
    def _stale(request, stale: services.StaleReport) -> Response:
        return Response(
            {
                "detail": _("Someone else saved this report after you opened it; reload and merge your text."),
                "current": ReportSerializer(report_detail(user=request.user, report_id=stale.current.pk)).data,
            },
            status=status.HTTP_409_CONFLICT,
        )

    def _move(self, request, move, **kwargs):
        report = self.get_object()
        move(report=report, by=request.user, **kwargs)
        return Response(ReportSerializer(report_detail(user=request.user, report_id=report.pk)).data)

    @extend_schema(request=SubmitSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the report. With `version` (and any fields a save takes), the changes are saved
        first in the same request, as the form's Submit button does: one request from a phone
        instead of a save and a submit. A refused submission keeps the saved text as a draft."""
        if "version" not in request.data:
            return self._move(request, services.report_submit)
        report = self.get_object()
        try:
            report = services.report_save_and_submit(
                report=report, by=request.user, **self._changes(request, SaveSerializer)
            )
        except services.StaleReport as stale:
            return self._stale(request, stale)
        # The service answers the report it wrote, with its lines: the rest of the detail is read
        # onto it rather than the whole report again.
        prefetch_related_objects([report], *REPORT_DETAIL_PREFETCHES)
        return Response(ReportSerializer(report).data)

    @staticmethod
    def _comment(request) -> str:
        data = CommentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data.get("comment", "")

    @extend_schema(request=CommentSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        return self._move(request, services.report_return, comment=self._comment(request))

    @extend_schema(request=CommentSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The unit takes back its submitted report before review, to correct it (`comment`: what)."""
        data = request.data if hasattr(request.data, "get") else {}
        return self._move(request, services.report_withdraw, reason=str(data.get("comment") or ""))

    @extend_schema(request=CommentSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._move(request, services.report_accept, comment=self._comment(request))

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def attachments(self, request, pk=None):
        report = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            raise serializers.ValidationError({"file": _("Choose a file to upload.")})
        attachment = services.report_attach(report=report, by=request.user, upload=upload)
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


def register(router) -> None:
    router.register("progress-reports", ProgressReportViewSet, basename="progress-report")
