"""REST API of meetings (registered on the one router in config/urls.py). Thin: parse, check, call a service.

GET  /api/meeting-slots/?fair=<slug>[&booth=<id>]  the fair's slots; with a booth, those free for me and it
PUT  /api/meeting-slots/availability/              {"fair": slug, "slots": [ids], "booth": id?}
GET  /api/meetings/[?fair=<slug>]                  my schedule (buyer, booth staff or interpreter)
POST /api/meetings/                                {"booth": id, "slot": id, "message": "..."}: a request
POST /api/meetings/invite/                         {"booth": id, "buyer": id, "slot": id, "message": "..."}:
                                                    a booth's staff invite a buyer (the buyer answers)
GET  /api/meetings/{id}/                           one meeting, my time with the other side's next to it
POST /api/meetings/{id}/accept/                    {}
POST /api/meetings/{id}/decline/                   {"reason": "..."}
POST /api/meetings/{id}/propose/                   {"slot": id, "message": "..."}
POST /api/meetings/{id}/reschedule/                {"slot": id, "message": "..."}
POST /api/meetings/{id}/cancel/                    {"reason": "..."}
POST /api/meetings/{id}/held/                      {"held": true|false}
POST /api/meetings/{id}/outcome/                   {"rating", "notes", "interest_level", "deal_size_usd",
                                                    "follow_up_on"}
GET  /api/meetings/{id}/stages/                    the booth's ledger of the lead (its staff only)
POST /api/meetings/{id}/stages/                    {"stage": "sample_sent" | "quotation" | "order" |
                                                    "contract", "on": date, "value", "currency", "note"}

API tokens need the "meetings" scope to write here, "leads" for stages (fair/tokens.py).

Errors answer 4xx as {"code": "meeting.slot_taken", "message": "..."}.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from exhibitors.access import access_booth
from fair.access import access_fair, my_participant
from fair.models import Fair, Participant
from kernel.access import token_fair_id
from kernel.api import ID_SCHEMA, id_field, parse_id, validated
from kernel.errors import DomainError, PermissionDenied
from meetings import ledger, selectors, services
from meetings.access import access_meeting
from meetings.models import LeadUpdate, Meeting, Slot
from meetings.slots import format_dual


class SlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = Slot
        fields = ["id", "starts_at", "ends_at", "day"]


class AvailabilityIn(serializers.Serializer):
    fair = serializers.SlugField()
    slots = serializers.ListField(child=id_field(), max_length=2000)
    booth = id_field(required=False)


class RequestIn(serializers.Serializer):
    booth = id_field()
    slot = id_field()
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    buyer = id_field(required=False, help_text="organizers: the buyer participant to book for")


class InviteIn(serializers.Serializer):
    booth = id_field(help_text="the inviting booth (its staff or the fair's organizers)")
    buyer = id_field(help_text="the buyer participant invited")
    slot = id_field()
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class MoveIn(serializers.Serializer):
    slot = id_field()
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class HeldIn(serializers.Serializer):
    held = serializers.BooleanField()


class OutcomeIn(serializers.Serializer):
    rating = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    interest_level = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=3)
    deal_size_usd = serializers.DecimalField(
        required=False, allow_null=True, max_digits=14, decimal_places=2, min_value=0
    )
    follow_up_on = serializers.DateField(required=False, allow_null=True)


class StageIn(serializers.Serializer):
    stage = serializers.ChoiceField(choices=LeadUpdate.Stage.choices)
    on = serializers.DateField()
    value = serializers.DecimalField(
        required=False, allow_null=True, max_digits=16, decimal_places=2, min_value=0, default=None
    )
    currency = serializers.CharField(required=False, allow_blank=True, max_length=3, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class StageOut(serializers.Serializer):
    """One step of the lead after a held meeting, private to the booth's staff (meetings/ledger.py)."""

    id = serializers.IntegerField()
    stage = serializers.ChoiceField(choices=LeadUpdate.Stage.choices)
    on = serializers.DateField()
    value = serializers.DecimalField(allow_null=True, max_digits=16, decimal_places=2)
    currency = serializers.CharField(allow_blank=True)
    value_usd = serializers.DecimalField(allow_null=True, max_digits=18, decimal_places=2)
    note = serializers.CharField(allow_blank=True)


class OutcomeOut(serializers.Serializer):
    """What one side recorded after the meeting (POST /api/meetings/{id}/outcome/)."""

    side = serializers.ChoiceField(choices=["buyer", "exhibitor"])
    rating = serializers.IntegerField(allow_null=True, min_value=1, max_value=5)
    notes = serializers.CharField(allow_blank=True)
    interest_level = serializers.IntegerField(allow_null=True, min_value=0, max_value=3)
    deal_size_usd = serializers.DecimalField(allow_null=True, max_digits=14, decimal_places=2, min_value=0)
    follow_up_on = serializers.DateField(allow_null=True)


class MeetingOut(serializers.Serializer):
    """A meeting as the viewer sees it (meeting_json)."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    awaiting = serializers.CharField(allow_null=True, help_text="the side whose answer is awaited")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    when = serializers.CharField(help_text="the viewer's local time with the other side's next to it")
    buyer = serializers.CharField(help_text="the buyer's company")
    booth = serializers.CharField(help_text="the exhibitor's company")
    interpreter_status = serializers.CharField()
    reason = serializers.CharField(allow_blank=True)
    slot = serializers.IntegerField()
    booth_id = serializers.IntegerField()
    buyer_id = serializers.IntegerField()


def meeting_json(meeting: Meeting, viewer) -> dict:
    data = selectors.meeting_for(meeting=meeting, viewer=viewer)
    data["slot"] = meeting.slot_id
    data["booth_id"] = meeting.booth_id
    data["buyer_id"] = meeting.buyer_id
    return data


class SlotViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]
    api_scope = "meetings"  # what an API token needs to write here (fair/tokens.py)

    @extend_schema(
        parameters=[
            OpenApiParameter("fair", str, required=True, description="the fair's slug (you take part in it)"),
            OpenApiParameter(
                "booth", ID_SCHEMA, description="only the slots when you and this booth are both free"
            ),
        ],
        responses=SlotSerializer(many=True),
    )
    def list(self, request):
        fair = access_fair(request.user, request.query_params.get("fair", ""), perm="fair:attend")
        if booth_id := request.query_params.get("booth"):
            booth = access_booth(request.user, parse_id(booth_id) or 0, fair=fair)
            buyer = my_participant(request.user, fair, "buyer")
            if buyer is None:
                raise PermissionDenied("meeting.denied", "Only buyers book meetings.")
            slots = selectors.slots_mutually_free(buyer=buyer, booth=booth)
        else:
            slots = selectors.slots_of(fair=fair)
        zone = request.user.time_zone
        out = []
        for slot in slots:
            row = SlotSerializer(slot).data
            row["local"] = format_dual(slot.starts_at, viewer_zone=zone, other_zone=fair.time_zone)
            out.append(row)
        return Response(out)

    @extend_schema(request=AvailabilityIn, responses={200: None})
    @action(detail=False, methods=["put"])
    def availability(self, request):
        data = validated(AvailabilityIn, request.data, code="meeting.bad_input")
        fair = access_fair(request.user, data["fair"])
        slots = list(Slot.objects.filter(fair=fair, retired=False, pk__in=data["slots"]))
        if len(slots) != len(set(data["slots"])):
            raise DomainError("meeting.no_such_slot", "A slot does not belong to this fair.")
        if "booth" in data:
            booth = access_booth(request.user, data["booth"], fair=fair)
            n = services.availability_set(actor=request.user, fair=fair, slots=slots, booth=booth)
        else:
            me = my_participant(request.user, fair, "buyer") or my_participant(
                request.user, fair, "interpreter"
            )
            if me is None:
                raise PermissionDenied(
                    "meeting.denied", "Buyers and interpreters set their own availability."
                )
            n = services.availability_set(actor=request.user, fair=fair, slots=slots, participant=me)
        return Response({"available": n})


_MEETING_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="the meeting")


@extend_schema_view(
    list=extend_schema(responses=MeetingOut(many=True)),
    retrieve=extend_schema(parameters=[_MEETING_ID], responses=MeetingOut),
    create=extend_schema(request=RequestIn, responses={201: MeetingOut}),
    invite=extend_schema(request=InviteIn, responses={201: MeetingOut}),
    accept=extend_schema(parameters=[_MEETING_ID], request=None, responses=MeetingOut),
    decline=extend_schema(parameters=[_MEETING_ID], request=ReasonIn, responses=MeetingOut),
    cancel=extend_schema(parameters=[_MEETING_ID], request=ReasonIn, responses=MeetingOut),
    propose=extend_schema(parameters=[_MEETING_ID], request=MoveIn, responses=MeetingOut),
    reschedule=extend_schema(parameters=[_MEETING_ID], request=MoveIn, responses=MeetingOut),
    held=extend_schema(parameters=[_MEETING_ID], request=HeldIn, responses=MeetingOut),
    outcome=extend_schema(parameters=[_MEETING_ID], request=OutcomeIn, responses=OutcomeOut),
    stages=extend_schema(parameters=[_MEETING_ID], request=StageIn, responses=StageOut(many=True)),
)
class MeetingViewSet(viewsets.ViewSet):
    permission_classes = [IsAuthenticated]
    api_scope = "meetings"

    def _get(self, request, pk) -> Meeting:
        return access_meeting(request.user, parse_id(pk) or 0)

    def _answer(self, request, meeting: Meeting, code=status.HTTP_200_OK) -> Response:
        return Response(meeting_json(selectors.meeting_get(meeting_id=meeting.pk), request.user), status=code)

    def list(self, request):
        fair = (
            access_fair(request.user, request.query_params["fair"])
            if request.query_params.get("fair")
            else None
        )
        if fair is None and (scope := token_fair_id(request.user)) is not None:
            fair = Fair.objects.get(pk=scope)  # a token sees the meetings of its own fair only
        meetings = selectors.schedule_for(user=request.user, fair=fair)
        return Response([meeting_json(m, request.user) for m in meetings])

    def retrieve(self, request, pk=None):
        return self._answer(request, self._get(request, pk))

    def create(self, request):
        data = validated(RequestIn, request.data, code="meeting.bad_input")
        booth = access_booth(request.user, data["booth"])
        slot = get_object_or_404(Slot, pk=data["slot"], retired=False)
        if "buyer" in data:
            buyer = get_object_or_404(Participant, pk=data["buyer"], fair=booth.fair, role="buyer")
        else:
            buyer = my_participant(request.user, booth.fair, "buyer")
            if buyer is None:
                raise PermissionDenied(
                    "meeting.denied", "Only approved buyers of this fair request meetings."
                )
        meeting = services.meeting_request(
            actor=request.user, buyer=buyer, booth=booth, slot=slot, message=data.get("message", "")
        )
        return self._answer(request, meeting, status.HTTP_201_CREATED)

    @action(detail=False, methods=["post"])
    def invite(self, request):
        data = validated(InviteIn, request.data, code="meeting.bad_input")
        booth = access_booth(request.user, data["booth"], perm="meeting:invite")
        buyer = get_object_or_404(Participant, pk=data["buyer"], fair=booth.fair, role="buyer")
        slot = get_object_or_404(Slot, pk=data["slot"], retired=False)
        meeting = services.meeting_invite(
            actor=request.user, booth=booth, buyer=buyer, slot=slot, message=data.get("message", "")
        )
        return self._answer(request, meeting, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._answer(
            request, services.meeting_accept(actor=request.user, meeting=self._get(request, pk))
        )

    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        meeting = self._get(request, pk)
        data = validated(ReasonIn, request.data, code="meeting.bad_input")
        meeting = services.meeting_decline(actor=request.user, meeting=meeting, reason=data["reason"])
        return self._answer(request, meeting)

    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        meeting = self._get(request, pk)
        data = validated(ReasonIn, request.data, code="meeting.bad_input")
        meeting = services.meeting_cancel(actor=request.user, meeting=meeting, reason=data["reason"])
        return self._answer(request, meeting)

    def _move(self, request, pk, service):
        meeting = self._get(request, pk)
        data = validated(MoveIn, request.data, code="meeting.bad_input")
        slot = get_object_or_404(Slot, pk=data["slot"], fair=meeting.fair)
        return self._answer(
            request, service(actor=request.user, meeting=meeting, slot=slot, message=data.get("message", ""))
        )

    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        return self._move(request, pk, services.meeting_propose)

    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        return self._move(request, pk, services.meeting_reschedule)

    @action(detail=True, methods=["post"])
    def held(self, request, pk=None):
        meeting = self._get(request, pk)  # who asks, before what they sent
        data = validated(HeldIn, request.data, code="meeting.bad_input")
        meeting = services.meeting_mark_held(actor=request.user, meeting=meeting, held=data["held"])
        return self._answer(request, meeting)

    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        meeting = self._get(request, pk)  # who asks, before what they sent
        data = validated(OutcomeIn, request.data, code="meeting.bad_input")
        outcome = services.outcome_record(actor=request.user, meeting=meeting, **data)
        return Response(OutcomeOut(outcome).data)

    @action(detail=True, methods=["get", "post"], api_scope="leads")
    def stages(self, request, pk=None):
        """The lead's steps after a held meeting (sample sent, quotation, order, contract)."""
        meeting = access_meeting(request.user, parse_id(pk) or 0, perm="lead:keep")
        if request.method == "POST":
            data = validated(StageIn, request.data, code="ledger.bad_input")
            ledger.lead_update_add(actor=request.user, meeting=meeting, **data)
        rows = selectors.lead_updates_of(meeting=meeting)
        return Response(StageOut(rows, many=True).data, status=201 if request.method == "POST" else 200)


def register(router) -> None:
    router.register("meeting-slots", SlotViewSet, basename="meeting-slot")
    router.register("meetings", MeetingViewSet, basename="meeting")
