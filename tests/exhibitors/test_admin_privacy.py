"""Private knock threads never show in the admin (issue 14): the live booth hides them from
organizers, and an administrator reading the chat tables does not see them either."""

from django.utils import timezone

from exhibitors.models import ChatMessage, Knock
from tests import factories


def test_the_admin_lists_public_chat_lines_but_no_private_thread(client, small_fair):
    booth = small_fair["booths"]["cosmetics"]
    buyer = small_fair["buyer"]
    now = timezone.now()
    knock = Knock.objects.create(
        booth=booth,
        buyer=buyer,
        status="answered",
        created_at=now,
        answered_at=now,
        answered_by=small_fair["staff"],
        message="Call me on +81 90 1234 5678",
    )
    ChatMessage.objects.create(
        booth=booth, author_name="Aiko", body="Hello booth, all of you", created_at=now
    )
    private = ChatMessage.objects.create(
        booth=booth, knock=knock, author_name="Aiko", body="our secret price is 4.20", created_at=now
    )
    client.force_login(factories.user(is_staff=True, is_superuser=True))
    listing = client.get("/admin/exhibitors/chatmessage/").content.decode()
    assert "Hello booth, all of you" in listing and "secret price" not in listing
    assert client.get(f"/admin/exhibitors/chatmessage/{private.pk}/change/").status_code == 302  # no such row
    searched = client.get("/admin/exhibitors/chatmessage/?q=secret").content.decode()
    assert "secret price" not in searched
    knock_page = client.get(f"/admin/exhibitors/knock/{knock.pk}/change/").content.decode()
    assert "+81 90 1234 5678" not in knock_page
    # Searching the knocks by what a buyer wrote finds nothing: the message is not searchable there.
    assert client.get("/admin/exhibitors/knock/?q=1234").context["cl"].result_count == 0
