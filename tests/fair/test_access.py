"""The access layer: one rule per permission (kernel/access.py's table, filled by each app's
access.py), answered from a person's approved roles in the fair, and the access functions that
load an object and ask it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from exhibitors.access import access_booth, viewer_of
from fair.access import access_fair, forget_roles
from kernel.access import RULES, allowed, require
from kernel.errors import NotFound, PermissionDenied
from meetings import services as meeting_services
from meetings.access import access_meeting, side_of
from tests import factories


def test_every_permission_is_namespaced_and_documented():
    assert {"fair:organize", "booth:edit", "booth:chat", "meeting:join", "meeting:view"} <= set(RULES)
    for perm, rule in RULES.items():
        assert perm.count(":") == 1 and rule.code.count(".") >= 1 and rule.doc, perm


def test_anyone_sees_a_fair_and_its_published_booths(small_fair):
    anon = AnonymousUser()
    assert allowed(anon, "fair:view", small_fair["fair"])
    assert allowed(anon, "booth:view", small_fair["booths"]["cosmetics"])
    assert not allowed(anon, "booth:view", small_fair["booths"]["draft"])
    assert not allowed(anon, "fair:organize", small_fair["fair"])


def test_organizer_organizes_only_their_own_fair(small_fair):
    organizer = small_fair["organizer"].user
    assert allowed(organizer, "fair:organize", small_fair["fair"])
    assert allowed(organizer, "fair:organize", small_fair["booths"]["cosmetics"])  # via the booth's fair
    assert not allowed(organizer, "fair:organize", factories.fair())
    for role in ("buyer", "staff", "interpreter"):
        assert not allowed(small_fair[role].user, "fair:organize", small_fair["fair"]), role


def test_a_pending_or_rejected_participant_is_an_outsider(small_fair):
    for status in ("pending", "rejected"):
        p = factories.participant(small_fair["fair"], "organizer", status=status)
        assert not allowed(p.user, "fair:organize", small_fair["fair"])
        assert not allowed(p.user, "fair:attend", small_fair["fair"])


def test_only_approved_staff_of_that_booth_and_organizers_edit_it(small_fair):
    cosmetics, snacks = small_fair["booths"]["cosmetics"], small_fair["booths"]["snacks"]
    staff = small_fair["staff"].user
    assert allowed(staff, "booth:edit", cosmetics)
    assert not allowed(staff, "booth:edit", snacks)
    assert allowed(small_fair["organizer"].user, "booth:edit", cosmetics)  # organizers run the fair
    # ... but they do not answer the booth chat as its staff
    assert not allowed(small_fair["organizer"].user, "booth:staff", cosmetics)
    assert not allowed(small_fair["buyer"].user, "booth:edit", cosmetics)
    pending = factories.staff(snacks, status="pending").user
    assert not allowed(pending, "booth:edit", snacks)


def test_draft_booths_are_visible_to_their_staff_and_the_organizers_only(small_fair):
    draft = small_fair["booths"]["draft"]
    assert allowed(factories.staff(draft).user, "booth:view", draft)
    assert allowed(small_fair["organizer"].user, "booth:view", draft)
    assert not allowed(small_fair["staff"].user, "booth:view", draft)  # staff of another booth
    assert not allowed(small_fair["buyer"].user, "booth:view", draft)
    other_organizer = factories.participant(factories.fair(), "organizer").user
    assert not allowed(other_organizer, "booth:view", draft)


def test_superusers_pass_every_rule_while_active(small_fair):
    root = factories.user(is_superuser=True)
    draft = small_fair["booths"]["draft"]
    for perm in ("fair:organize", "booth:edit", "booth:staff", "booth:chat", "booth:knock"):
        assert allowed(root, perm, draft), perm
    root.is_active = False
    assert not allowed(root, "booth:edit", draft)


def test_the_chat_rule_is_the_one_the_live_booth_uses(small_fair):
    """booth:chat answers both the rule table and the live booth's Viewer: they cannot disagree."""
    cosmetics, draft = small_fair["booths"]["cosmetics"], small_fair["booths"]["draft"]
    people = [small_fair[k].user for k in ("buyer", "staff", "organizer", "interpreter")]
    people += [factories.user(), factories.staff(draft).user]
    for booth in (cosmetics, draft):
        for user in people:
            assert viewer_of(user, booth).can_post == allowed(user, "booth:chat", booth), (user, booth)
    assert allowed(small_fair["organizer"].user, "booth:chat", draft)  # organizers may, drafts too
    assert not allowed(small_fair["buyer"].user, "booth:chat", draft)
    assert not allowed(factories.user(), "booth:chat", cosmetics)  # not in the fair


def test_meeting_requests_by_approved_buyers_towards_published_booths(small_fair):
    cosmetics, draft = small_fair["booths"]["cosmetics"], small_fair["booths"]["draft"]
    buyer = small_fair["buyer"].user
    assert allowed(buyer, "meeting:request", cosmetics)
    assert not allowed(buyer, "meeting:request", draft)
    assert not allowed(small_fair["staff"].user, "meeting:request", cosmetics)  # exhibitors invite instead
    assert allowed(small_fair["staff"].user, "meeting:invite", cosmetics)


@pytest.fixture
def meeting(small_fair):
    f, booth = small_fair["fair"], small_fair["booths"]["cosmetics"]
    slots = meeting_services.slots_generate(fair=f)
    org = small_fair["organizer"].user
    meeting_services.availability_set(actor=org, fair=f, slots=slots, booth=booth)
    meeting_services.availability_set(actor=org, fair=f, slots=slots, participant=small_fair["buyer"])
    return meeting_services.meeting_request(
        actor=small_fair["buyer"].user, buyer=small_fair["buyer"], booth=booth, slot=slots[0]
    )


def test_a_meeting_is_seen_by_its_members_only(small_fair, meeting):
    colleague = factories.staff(small_fair["booths"]["cosmetics"]).user  # works in the same booth
    for user in (small_fair["buyer"].user, small_fair["staff"].user, colleague, small_fair["organizer"].user):
        assert access_meeting(user, meeting.pk) == meeting
        assert allowed(user, "meeting:join", meeting)
    strangers = [
        factories.buyer(small_fair["fair"]).user,
        factories.staff(small_fair["booths"]["snacks"]).user,
        factories.participant(factories.fair(), "organizer").user,
        AnonymousUser(),
    ]
    for user in strangers:
        with pytest.raises(NotFound) as e:
            access_meeting(user, meeting.pk)
        assert e.value.code == "meeting.not_found"  # never "forbidden": a refusal hides that it exists


def test_membership_follows_the_status(small_fair, meeting):
    """A rejected buyer and a merely proposed interpreter no longer read the meeting."""
    interpreter = small_fair["interpreter"]
    meeting.interpreter, meeting.interpreter_status = interpreter, "proposed"
    meeting.save()
    with pytest.raises(NotFound):
        access_meeting(interpreter.user, meeting.pk)
    meeting.interpreter_status = "confirmed"
    meeting.save()
    assert access_meeting(interpreter.user, meeting.pk) == meeting
    with pytest.raises(PermissionDenied):
        side_of(interpreter.user, meeting)  # sees it, answers nothing
    buyer = small_fair["buyer"]
    buyer.status = "rejected"
    buyer.save()
    forget_roles(buyer.user)
    with pytest.raises(NotFound):
        access_meeting(buyer.user, meeting.pk)


def test_access_functions_answer_not_found_then_forbidden(small_fair):
    buyer = small_fair["buyer"].user
    with pytest.raises(NotFound):
        access_fair(buyer, "no-such-fair")
    with pytest.raises(PermissionDenied) as e:
        access_fair(buyer, small_fair["fair"].slug, perm="fair:organize")
    assert e.value.code == "fair.denied"
    with pytest.raises(NotFound):
        access_booth(buyer, small_fair["booths"]["draft"].pk)  # a draft is hidden, not forbidden
    with pytest.raises(NotFound):
        access_booth(buyer, small_fair["booths"]["cosmetics"].pk, fair=factories.fair())  # another fair
    with pytest.raises(PermissionDenied) as e:
        access_booth(buyer, small_fair["booths"]["cosmetics"].pk, perm="booth:edit")
    assert e.value.code == "booth.denied"
    with pytest.raises(PermissionDenied) as e:
        require(AnonymousUser(), "booth:chat", small_fair["booths"]["cosmetics"])
    assert e.value.code == "chat.login_required"  # a visitor could pass by signing in


def test_answers_cost_one_query_per_user_and_fair(small_fair, django_assert_num_queries):
    user = small_fair["staff"].user
    with django_assert_num_queries(1):
        for perm in ("booth:edit", "booth:chat", "fair:organize", "meeting:request"):
            allowed(user, perm, small_fair["booths"]["cosmetics"])


def test_docs_list_every_rule():
    from pathlib import Path

    from django.conf import settings

    docs = (Path(settings.BASE_DIR) / "docs" / "access.md").read_text(encoding="utf-8")
    missing = [perm for perm in RULES if f"| `{perm}` |" not in docs]
    assert not missing, f"docs/access.md does not list {missing}"
