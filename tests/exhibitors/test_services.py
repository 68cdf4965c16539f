"""The live booth's rules, called directly: what the consumer relies on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from exhibitors import selectors, services
from exhibitors.access import ANONYMOUS, viewer_of
from exhibitors.models import Bookmark, ChatMessage, Knock
from fair.models import Interaction
from kernel.errors import DomainError
from tests import factories

pytestmark = pytest.mark.django_db


def viewer(participant_or_user, booth):
    user = getattr(participant_or_user, "user", participant_or_user)
    return viewer_of(user, booth)


def test_viewer_roles_and_names_never_carry_an_email(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    buyer, staff = small_fair["buyer"], small_fair["staff"]
    buyer.user.first_name = ""
    buyer.user.save()
    v = viewer(buyer, booth)
    assert v.role == "buyer" and v.name == buyer.company.name and "@" not in v.name
    assert viewer(staff, booth).is_staff
    assert viewer(staff, small_fair["booths"]["snacks"]).role == "participant"  # staff elsewhere: a visitor
    assert viewer(small_fair["organizer"], booth).can_moderate
    pending = factories.buyer(small_fair["fair"], status="pending")
    assert viewer(pending, booth).role == "user" and not viewer(pending, booth).can_post


def test_chat_post_validates_stores_and_records_one_chat_interaction_a_day(small_fair):
    booth, buyer = small_fair["booths"]["cosmetics"], small_fair["buyer"]
    v = viewer(buyer, booth)
    first = services.chat_post(booth=booth, viewer=v, body="  <script>alert(1)</script>  ")
    services.chat_post(booth=booth, viewer=v, body="second")
    assert first.body == "<script>alert(1)</script>"  # plain text, stored as typed; escaped on display
    assert Interaction.objects.filter(buyer=buyer, booth=booth, kind="chat").count() == 1
    with pytest.raises(DomainError) as e:
        services.chat_post(booth=booth, viewer=v, body="bell\x07")
    assert e.value.code == "chat.invalid"
    with pytest.raises(DomainError) as e:
        services.chat_post(booth=booth, viewer=ANONYMOUS, body="hi")
    assert e.value.code == "chat.login_required"
    assert ChatMessage.objects.count() == 2


def test_rate_limit_is_per_user(small_fair, settings):
    settings.BOOTH_LIVE = {"CHAT_RATE": (2, 60)}
    booth = small_fair["booths"]["cosmetics"]
    a, b = viewer(small_fair["buyer"], booth), viewer(small_fair["staff"], booth)
    services.chat_post(booth=booth, viewer=a, body="1")
    services.chat_post(booth=booth, viewer=a, body="2")
    with pytest.raises(DomainError) as e:
        services.chat_post(booth=booth, viewer=a, body="3")
    assert e.value.code == "chat.rate_limited"
    services.chat_post(booth=booth, viewer=b, body="staff still talk")


def test_booth_visit_is_recorded_once_per_buyer_booth_and_day(small_fair):
    booth, buyer = small_fair["booths"]["cosmetics"], small_fair["buyer"]
    assert services.booth_visit_record(booth=booth, viewer=viewer(buyer, booth)) is True
    assert services.booth_visit_record(booth=booth, viewer=viewer(buyer, booth)) is False
    assert services.booth_visit_record(booth=booth, viewer=viewer(small_fair["staff"], booth)) is False
    assert Interaction.objects.filter(kind="booth_visit").count() == 1


def test_one_pending_knock_per_buyer_is_kept_by_the_database(small_fair):
    booth, buyer = small_fair["booths"]["cosmetics"], small_fair["buyer"]
    knock, created = services.knock_create(booth=booth, viewer=viewer(buyer, booth))
    again, created_again = services.knock_create(booth=booth, viewer=viewer(buyer, booth))
    assert created and not created_again and again.pk == knock.pk
    with pytest.raises(IntegrityError):
        Knock.objects.create(booth=booth, buyer=buyer, created_at=timezone.now())


def test_the_first_answer_wins_and_a_late_answer_finds_the_knock_missed(small_fair):
    booth, buyer, staff = small_fair["booths"]["cosmetics"], small_fair["buyer"], small_fair["staff"]
    colleague = factories.staff(booth)
    knock, _ = services.knock_create(booth=booth, viewer=viewer(buyer, booth))
    services.knock_answer(booth=booth, viewer=viewer(staff, booth), knock_id=knock.pk)
    with pytest.raises(DomainError) as e:
        services.knock_answer(booth=booth, viewer=viewer(colleague, booth), knock_id=knock.pk)
    assert e.value.code == "knock.taken"
    with pytest.raises(DomainError) as e:
        services.knock_answer(booth=booth, viewer=viewer(buyer, booth), knock_id=knock.pk)
    assert e.value.code == "protocol.denied"

    other = factories.buyer(small_fair["fair"])
    late, _ = services.knock_create(booth=booth, viewer=viewer(other, booth))
    Knock.objects.filter(pk=late.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    with pytest.raises(DomainError) as e:
        services.knock_answer(booth=booth, viewer=viewer(staff, booth), knock_id=late.pk)
    assert e.value.code == "knock.missed"
    assert Knock.objects.get(pk=late.pk).status == "missed"


def test_expiry_marks_each_overdue_knock_once_and_the_dashboard_lists_it(small_fair):
    booth = small_fair["booths"]["cosmetics"]
    buyers = [small_fair["buyer"], factories.buyer(small_fair["fair"])]
    knocks = [services.knock_create(booth=booth, viewer=viewer(b, booth))[0] for b in buyers]
    Knock.objects.filter(pk=knocks[0].pk).update(created_at=timezone.now() - timedelta(seconds=121))
    assert [k.pk for k in services.knock_expire_due()] == [knocks[0].pk]
    assert services.knock_expire_due() == []  # a second sweep (another process) marks nothing again
    assert services.knock_expire(knock_id=knocks[1].pk) is None  # not overdue yet
    services.knock_leave_message(
        booth=booth, viewer=viewer(buyers[0], booth), knock_id=knocks[0].pk, body="Call me"
    )
    assert [(k.pk, k.message) for k in selectors.knocks_missed(booth=booth)] == [(knocks[0].pk, "Call me")]


def test_status_needs_staff_and_an_http_link_for_live(small_fair):
    booth, staff = small_fair["booths"]["cosmetics"], small_fair["staff"]
    for bad in ("ftp://example.test/x", "javascript:alert(1)", "", "https://"):
        with pytest.raises(DomainError) as e:
            services.booth_status_set(booth=booth, viewer=viewer(staff, booth), status="live", stream_url=bad)
        assert e.value.code == "status.bad_url"
    services.booth_status_set(
        booth=booth, viewer=viewer(staff, booth), status="away", stream_url="https://x.test"
    )
    booth.refresh_from_db()
    assert (booth.live_status, booth.stream_url) == ("away", "")  # a link only goes with a live broadcast


def test_bookmarks_of_booths_and_products_are_kept_once(small_fair):
    booth, buyer = small_fair["booths"]["cosmetics"], small_fair["buyer"]
    product = booth.products.get()
    services.bookmark_add(participant=buyer, booth=booth)
    services.bookmark_add(participant=buyer, booth=booth)
    services.bookmark_add(participant=buyer, product=product)
    assert Bookmark.objects.filter(participant=buyer).count() == 2
    with pytest.raises(DomainError) as e:
        services.bookmark_add(participant=buyer, booth=small_fair["booths"]["draft"])
    assert e.value.code == "bookmark.not_found"
    assert services.bookmark_remove(participant=buyer, product=product) == 1
    with pytest.raises(IntegrityError):
        Bookmark.objects.create(participant=buyer, booth=booth, product=product)


def test_the_worker_job_marks_overdue_knocks_and_tells_the_booth(small_fair):
    from django_q.models import Schedule

    from exhibitors import jobs

    booth, buyer = small_fair["booths"]["cosmetics"], small_fair["buyer"]
    assert Schedule.objects.filter(name=jobs.SCHEDULE_NAME, func="exhibitors.jobs.knocks_expire").exists()
    knock, _ = services.knock_create(booth=booth, viewer=viewer(buyer, booth))
    assert jobs.knocks_expire() == 0
    Knock.objects.filter(pk=knock.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    assert jobs.knocks_expire() == 1
    assert Knock.objects.get(pk=knock.pk).status == "missed"


def test_the_rate_counter_counts_and_expires_in_one_step_on_every_cache(settings):
    """On Redis one script (INCR, EXPIRE on the first count); elsewhere cache.add + cache.incr."""
    import uuid

    from django.core.cache import caches

    from kernel.redis_cache import redis_of

    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"t-{uuid.uuid4().hex[:8]}"}}
    key = "booth-chat-rate:test"
    assert [services._count(key, 5) for _ in range(3)] == [1, 2, 3]
    assert caches["default"].get(key) == 3  # the cache's own reading of the same key
    backend = caches["default"]
    client = redis_of("default")
    if client is not None:
        full = backend.make_and_validate_key(key)
        assert 0 < client.ttl(full) <= 5
    backend.delete(key)
