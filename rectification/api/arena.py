"""Arena rounds (擂台比武) over HTTP: the rounds, the attendees' scores and the published
ranking."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign.api import campaign_in_body
from campaign.models import User
from campaign.selectors import is_office
from rectification import selectors
from rectification.api.common import validated
from rectification.models import ArenaRound, WorkTeam
from rectification.services import special as special_services


class ArenaRoundSerializer(serializers.ModelSerializer):
    criteria = serializers.SerializerMethodField()
    ranking = serializers.SerializerMethodField()

    class Meta:
        model = ArenaRound
        fields = ["id", "title", "held_on", "published_at", "criteria", "ranking"]

    def get_criteria(self, arena) -> list[dict]:
        return [{"id": c.pk, "name": c.name, "max_score": c.max_score} for c in arena.criteria.all()]

    def get_ranking(self, arena) -> list[dict] | None:
        user = self.context["request"].user
        if arena.published_at is None and not is_office(user):
            return None
        return [
            {
                "rank": row["rank"],
                "team": row["team"].pk,
                "team_name": row["team"].name,
                "scores": row["cells"],
                "scorers": row["scorers"],
                "total": row["total"],
            }
            for row in selectors.arena_ranking(round_=arena)
        ]


class ScoreInput(serializers.Serializer):
    team = serializers.IntegerField()
    scores = serializers.DictField(
        child=serializers.DecimalField(max_digits=5, decimal_places=1),
        help_text='Each criterion\'s id with its score: {"12": 8.5}.',
    )

    def validate_scores(self, value: dict) -> dict:
        if not all(key.isascii() and key.isdigit() and len(key) < 19 for key in map(str, value)):
            raise serializers.ValidationError(_('Give each score under its criterion\'s id, like {"12": 8.5}.'))
        return {int(key): score for key, score in value.items()}


class CriterionInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    max_score = serializers.IntegerField(min_value=1)


class ArenaRoundInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    held_on = serializers.DateField()
    teams = serializers.PrimaryKeyRelatedField(many=True, queryset=WorkTeam.objects.all())
    criteria = CriterionInput(many=True)
    attendees = serializers.PrimaryKeyRelatedField(many=True, queryset=User.objects.all(), required=False)


class ArenaRoundViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Arena rounds (擂台比武). The ranking (each team's mean score per criterion, the total
    and the rank) shows once published (the office sees it before). `score/` for attendees,
    `publish/` for the office."""

    serializer_class = ArenaRoundSerializer

    def get_queryset(self):
        return selectors.arena_rounds_visible_to(self.request.user).prefetch_related("criteria")

    @extend_schema(request=ArenaRoundInput, responses=ArenaRoundSerializer)
    def create(self, request, *args, **kwargs):
        values = validated(ArenaRoundInput(data=request.data))
        arena = special_services.arena_round_create(
            by=request.user,
            campaign=campaign_in_body(request),
            title=values["title"],
            held_on=values["held_on"],
            teams=values["teams"],
            criteria=[(c["name"], c["max_score"]) for c in values["criteria"]],
            attendees=values.get("attendees", []),
        )
        return Response(self.get_serializer(arena).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=ScoreInput,
        responses={200: inline_serializer("ArenaScoreSaved", {"saved": serializers.IntegerField()})},
    )
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        arena = self.get_object()
        data = validated(ScoreInput(data=request.data))
        team = get_object_or_404(WorkTeam, pk=data["team"])
        rows = special_services.arena_score_submit(by=request.user, arena=arena, team=team, scores=data["scores"])
        return Response({"saved": len(rows)})

    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        arena = special_services.arena_publish(by=request.user, arena=self.get_object())
        return Response(self.get_serializer(arena).data)
