"""TV questioning (电视问政) over HTTP: the office records the sessions and triages each of the
public's questions as it triages public reports."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.api import campaign_in_body
from campaign.models import Unit
from rectification import selectors
from rectification.api.common import fresh, validated
from rectification.api.public import IsStaffReader, TriageInput, triage_item
from rectification.models import TvQuestion, TvSession
from rectification.services import public as public_services


class TvQuestionSerializer(serializers.ModelSerializer):
    triage_display = serializers.CharField(source="get_triage_display", read_only=True)

    class Meta:
        model = TvQuestion
        fields = ["id", "text", "triage", "triage_display", "triage_note", "problem"]


class TvSessionSerializer(serializers.ModelSerializer):
    questions = TvQuestionSerializer(many=True, read_only=True)
    question_count = serializers.IntegerField(read_only=True)
    handled_count = serializers.IntegerField(read_only=True)
    question_texts = serializers.ListField(child=serializers.CharField(), write_only=True, required=False, default=list)
    departments = serializers.PrimaryKeyRelatedField(many=True, queryset=Unit.objects.all(), required=False)

    class Meta:
        model = TvSession
        fields = [
            "id",
            "number",
            "title",
            "aired_on",
            "viewers",
            "departments",
            "question_count",
            "handled_count",
            "questions",
            "question_texts",
        ]
        validators = []


class TvSessionViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """TV-questioning sessions (电视问政) with viewers and the public's questions; the office
    records them and triages each question (`triage/` with `question`)."""

    serializer_class = TvSessionSerializer
    list_filters = selectors.LIST_FILTERS[TvSession]
    permission_classes = [IsStaffReader]

    def get_queryset(self):
        return selectors.tv_sessions_visible_to(self.request.user).prefetch_related("questions").order_by("-aired_on")

    def create(self, request, *args, **kwargs):
        data = validated(self.get_serializer(data=request.data))
        session = public_services.tv_session_record(
            by=request.user,
            campaign=campaign_in_body(request),
            questions=data.pop("question_texts"),
            departments=data.pop("departments", []),
            **data,
        )
        return Response(fresh(self, session.pk), status=201)

    @extend_schema(request=TriageInput, responses=TvQuestionSerializer)
    @action(detail=True, methods=["post"])
    def triage(self, request, pk=None):
        session = self.get_object()
        question = get_object_or_404(session.questions.all(), pk=question_id(request))
        return Response(TvQuestionSerializer(triage_item(request, question)).data)


def question_id(request) -> int:
    """The question a triage is about: `question` in the body, an id."""
    raw = str(request.data.get("question", "")).strip()
    if not raw.isdigit():
        raise serializers.ValidationError({"question": _("Give the question's id.")})
    return int(raw)
