"""Closure and its evidence, shared by measures and special tasks (both close under the same
rules): what a closure shows, what a request to close, sign off, return or reopen carries, and
the evidence files' downloads."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.models import User
from campaign.text import LONG_TEXT
from config.files import FileDownloadViewSet, file_url
from rectification import selectors
from rectification.api.common import sent_files, validated
from rectification.models import Closure, Evidence


class EvidenceFileSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where to download the file with your token.")

    class Meta:
        model = Evidence
        fields = ["id", "name", "size", "url"]

    def get_url(self, evidence) -> str:
        return file_url(self, "evidence", evidence.pk)


class ClosureSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True, help_text="requested, returned, signed_off or reopened")
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    requested_by_name = serializers.CharField(source="requested_by.display_name", read_only=True)
    decided_by_name = serializers.CharField(source="decided_by.display_name", read_only=True, default=None)
    reopened_by_name = serializers.CharField(source="reopened_by.display_name", read_only=True, default=None)
    below_target = serializers.BooleanField(read_only=True)
    evidence = serializers.SerializerMethodField()
    evidence_files = EvidenceFileSerializer(source="evidence", many=True, read_only=True)

    class Meta:
        model = Closure
        fields = [
            "id",
            "measure",
            "special_task",
            "unit",
            "status",
            "status_display",
            "statement",
            "result_value",
            "result_percent",
            "below_target",
            "shortfall",
            "due_on",
            "late",
            "after_reopen",
            "evidence",
            "evidence_files",
            "snapshot",
            "requested_by_name",
            "requested_at",
            "decided_by_name",
            "decided_at",
            "decision_note",
            "reopened_by_name",
            "reopened_at",
            "reopen_reason",
        ]

    def get_evidence(self, closure) -> list[str]:
        return [e.name for e in closure.evidence.all()]


class ClosureInput(serializers.Serializer):
    statement = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")
    result_value = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True, default=None)
    result_percent = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True, default=None
    )
    shortfall = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=LONG_TEXT, required=False, allow_blank=True, default="")


class EvidenceViewSet(FileDownloadViewSet):
    """Evidence files of measure progress and closures: `GET {id}/` downloads one, for whoever
    may read the measure or the special task it supports."""

    queryset = Evidence.objects.none()

    def files_visible_to(self, user):
        return selectors.evidence_visible_to(user)


class ClosureActions:
    """`close/`, `sign-off/`, `return/` and `reopen/` of a record that closes under the closure
    rules (a measure, a special task). Each reads the record the caller may see, checks the body
    and hands both to the viewset's service: `closure_request`, `closure_decide`, `closure_reopen`."""

    def closure_request(self, record, *, by: User, data: dict, files: list) -> Closure:
        raise NotImplementedError

    def closure_decide(self, record, *, by: User, approve: bool, text: str) -> Closure:
        raise NotImplementedError

    def closure_reopen(self, record, *, by: User, reason: str) -> Closure:
        raise NotImplementedError

    @extend_schema(request=ClosureInput, responses={201: ClosureSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        record = self.get_object()
        data = validated(ClosureInput(data=request.data))
        closure = self.closure_request(record, by=request.user, data=data, files=sent_files(request))
        return Response(ClosureSerializer(closure).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteInput, responses=ClosureSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        record = self.get_object()
        data = validated(NoteInput(data=request.data))
        closure = self.closure_decide(record, by=request.user, approve=True, text=data["note"])
        return Response(ClosureSerializer(closure).data)

    @extend_schema(request=ReasonInput, responses=ClosureSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None):
        record = self.get_object()
        data = validated(ReasonInput(data=request.data))
        closure = self.closure_decide(record, by=request.user, approve=False, text=data["reason"])
        return Response(ClosureSerializer(closure).data)

    @extend_schema(request=ReasonInput, responses=ClosureSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        record = self.get_object()
        data = validated(ReasonInput(data=request.data))
        closure = self.closure_reopen(record, by=request.user, reason=data["reason"])
        return Response(ClosureSerializer(closure).data)
