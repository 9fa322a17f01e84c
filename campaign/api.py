"""The campaign app's HTTP face: structure and people, cut by the access policy."""

from django.db.models import ProtectedError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from campaign import choice, selectors, services
from campaign.models import Campaign, InspectionGroup, Liaison, Phase, Unit, User, WorkLine
from config.api import Conflict

# The largest id a database row can have (a 64-bit integer): a bigger one can name no record.
MAX_ID = 2**63 - 1


def query_int(request, name: str) -> int | None:
    """A whole-number filter (`?unit=12`): absent or blank is None; anything else that is not an
    id a record could have (letters, `null,null`, a sign, digits of another script, a number past
    64 bits) answers 400 naming the parameter."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
        raise serializers.ValidationError({name: _("“%(value)s” is not a whole number.") % {"value": raw[:50]}})
    return int(raw)


def query_bool(request, name: str) -> bool:
    return request.query_params.get(name, "").strip().lower() in ("1", "true", "yes")


def campaign_in_body(request) -> Campaign:
    """The campaign a creation endpoint creates in: `campaign` in the body (one the caller may
    see), else the campaign the request is about (`?campaign=`, the remembered choice, the
    newest)."""
    raw = request.data.get(choice.QUERY_PARAM) if hasattr(request.data, "get") else None
    if raw not in (None, ""):
        try:
            return choice.campaign_visible(request.user, raw)
        except Http404 as exc:
            raise serializers.ValidationError(
                {
                    choice.QUERY_PARAM: _(
                        "Campaign: there is no campaign %(value)s that you may see; give the id of one of yours."
                    )
                    % {"value": raw}
                }
            ) from exc
    campaign = choice.chosen_campaign(request, remember=False)
    if campaign is None:
        raise serializers.ValidationError({choice.QUERY_PARAM: _("Campaign: you take part in no campaign.")})
    return campaign


class PhaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Phase
        fields = ["id", "order", "name", "start_date", "end_date"]


class CampaignSerializer(serializers.ModelSerializer):
    phases = PhaseSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "name", "batch", "start_date", "end_date", "phases"]


class WorkLineSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = WorkLine
        fields = ["id", "number", "code", "name"]


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="display_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name", "phone"]


class UnitLiaisonSerializer(serializers.ModelSerializer):
    user = PersonSerializer(read_only=True)

    class Meta:
        model = Liaison
        fields = ["id", "user", "since", "until"]


class GroupRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionGroup
        fields = ["id", "number", "name"]


class UnitSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    inspection_group = serializers.SerializerMethodField()
    liaisons = UnitLiaisonSerializer(many=True, read_only=True)
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    parent = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), allow_null=True, required=False)

    class Meta:
        model = Unit
        fields = [
            "id",
            "campaign",
            "name",
            "kind",
            "kind_display",
            "parent",
            "batch",
            "head_name",
            "contact_phone",
            "address",
            "is_active",
            "inspection_group",
            "liaisons",
        ]
        # Uniqueness is checked by the service and the database, with the unit's own message.
        validators = []

    @extend_schema_field(GroupRefSerializer(allow_null=True))
    def get_inspection_group(self, unit: Unit):
        coverage = getattr(unit, "coverage", None)
        return GroupRefSerializer(coverage.group).data if coverage else None


class UnitViewSet(viewsets.ModelViewSet):
    """Units of the campaigns. Office: all, read and write. Inspector: the units of their
    groups, read only. Liaison: their own unit; they may change its contact details."""

    serializer_class = UnitSerializer
    list_filters = selectors.LIST_FILTERS[Unit]

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("kind", str, enum=Unit.Kind.values),
            OpenApiParameter("batch", int),
            OpenApiParameter("group", int),
            OpenApiParameter("campaign", int),
            OpenApiParameter("without_liaison", bool),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        request = self.request
        if self.action != "list":
            return (
                selectors.units_visible_to(request.user)
                .select_related("coverage__group")
                .prefetch_related("liaisons__user")
            )
        campaign_id = query_int(request, "campaign")
        units = selectors.unit_list(
            user=request.user,
            search=request.query_params.get("search", ""),
            kind=request.query_params.get("kind", ""),
            batch=query_int(request, "batch"),
            group_id=query_int(request, "group"),
            without_liaison=query_bool(request, "without_liaison"),
        )
        if campaign_id:
            units = units.filter(campaign_id=campaign_id)
        return units.prefetch_related("liaisons__user")

    def create(self, request, *args, **kwargs):
        services.require_office(request.user, _("add units"))
        return super().create(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        campaign = data.pop("campaign")
        serializer.instance = services.unit_create(by=self.request.user, campaign=campaign, **data)

    def perform_update(self, serializer):
        data = {
            k: v for k, v in serializer.validated_data.items() if k != "campaign" or v != serializer.instance.campaign
        }
        serializer.instance = services.unit_update(unit=serializer.instance, by=self.request.user, data=data)

    def perform_destroy(self, instance):
        try:
            services.unit_delete(unit=instance, by=self.request.user)
        except ProtectedError as exc:
            raise Conflict(_("This unit still has records or sub-units; deactivate it instead.")) from exc


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CampaignSerializer

    def get_queryset(self):
        return selectors.campaigns_visible_to(self.request.user).prefetch_related("phases")


class WorkLineViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkLineSerializer
    queryset = WorkLine.objects.all()
    pagination_class = None


class UserSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    liaison_unit = serializers.SerializerMethodField(help_text="the unit of the person's current liaison duty")

    class Meta:
        model = User
        fields = ["id", "username", "name", "role", "role_display", "phone", "email", "work_unit", "liaison_unit"]

    def get_liaison_unit(self, user) -> int | None:
        duties = [d for d in user.liaison_duties.all() if d.is_current]
        return duties[0].unit_id if duties else None


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """People the caller may look up; `me/` is the caller."""

    serializer_class = UserSerializer

    def get_queryset(self):
        users = selectors.users_visible_to(self.request.user).prefetch_related("liaison_duties").order_by("username")
        role = self.request.query_params.get("role", "")
        if role:
            users = users.filter(role=role)
        return users

    @action(detail=False, methods=["get"])
    def me(self, request):
        user = User.objects.prefetch_related("liaison_duties").get(pk=request.user.pk)
        return Response(self.get_serializer(user).data)


class LiaisonSerializer(serializers.ModelSerializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    name = serializers.CharField(source="user.display_name", read_only=True)
    phone = serializers.CharField(source="user.phone", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Liaison
        fields = ["id", "user", "name", "phone", "unit", "unit_name", "since", "until", "is_current"]
        read_only_fields = ["until"]
        extra_kwargs = {"since": {"required": False}}
        validators = []

    is_current = serializers.BooleanField(read_only=True)


class LiaisonEndInput(serializers.Serializer):
    until = serializers.DateField(required=False, help_text="the day the duty ended; today when left out")


class LiaisonViewSet(mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.ReadOnlyModelViewSet):
    """The liaison register: current duties, or `status=former` / `status=all` (with `as_of`, the
    duties that held that day). The office assigns a liaison (`since`: the day the duty began,
    today when left out) and ends a duty (`end/` with `until`, or DELETE: today); an ended duty is
    kept, so past figures stay as they were."""

    serializer_class = LiaisonSerializer
    list_filters = selectors.LIST_FILTERS[Liaison]

    def get_queryset(self):
        liaisons = selectors.liaisons_visible_to(self.request.user).order_by("unit__name", "user__username")
        unit_id = query_int(self.request, "unit")
        if unit_id:
            liaisons = liaisons.filter(unit_id=unit_id)
        if self.action == "list":
            liaisons = selectors.liaisons_by_status(liaisons, self.request.query_params)
        return liaisons

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        liaison = services.liaison_assign(
            unit=serializer.validated_data["unit"],
            user=serializer.validated_data["user"],
            by=request.user,
            since=serializer.validated_data.get("since"),
        )
        return Response(self.get_serializer(liaison).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LiaisonEndInput, responses=LiaisonSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the duty on `until` (today when left out; never in the future nor before `since`)."""
        data = LiaisonEndInput(data=request.data)
        data.is_valid(raise_exception=True)
        liaison = services.liaison_remove(
            liaison=self.get_object(), by=request.user, until=data.validated_data.get("until")
        )
        return Response(self.get_serializer(liaison).data)

    def perform_destroy(self, instance):
        services.liaison_remove(liaison=instance, by=self.request.user)


class InspectionGroupSerializer(serializers.ModelSerializer):
    leader = PersonSerializer(read_only=True)
    members = PersonSerializer(many=True, read_only=True)
    units = serializers.PrimaryKeyRelatedField(many=True, queryset=Unit.objects.all())

    class Meta:
        model = InspectionGroup
        fields = ["id", "campaign", "number", "name", "formed_on", "leader", "members", "units"]
        read_only_fields = ["campaign", "number", "name"]
        extra_kwargs = {"units": {"required": False}}


class InspectionGroupViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Inspection groups with the units they cover; the office changes a group's coverage."""

    serializer_class = InspectionGroupSerializer
    list_filters = selectors.LIST_FILTERS[InspectionGroup]

    def get_queryset(self):
        return (
            selectors.inspection_groups_visible_to(self.request.user)
            .select_related("leader")
            .prefetch_related("members", "units")
            .order_by("campaign", "number")
        )

    def perform_update(self, serializer):
        """The office changes a group's coverage (`units`) and the day it was formed (`formed_on`)."""
        units = serializer.validated_data.get("units")
        formed_on = serializer.validated_data.get("formed_on")
        if units is None and formed_on is None:
            services.require_office(self.request.user, _("change inspection-group coverage"))
        if formed_on is not None:
            services.inspection_group_formed_on_set(
                group=serializer.instance, by=self.request.user, formed_on=formed_on
            )
        if units is not None:
            services.coverage_set(group=serializer.instance, units=units, by=self.request.user)


def visible_unit(*, user: User, pk: int | str | None) -> Unit:
    """The unit a request body names, one the caller may see (another is 404); none named is a
    400 asking for one."""
    if pk in (None, ""):
        raise serializers.ValidationError({"unit": _("Choose a unit.")})
    return get_object_or_404(selectors.units_visible_to(user), pk=pk)
