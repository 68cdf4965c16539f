"""Meeting e-mails go through the outbox (kernel/outbox.py), with the ICS attached and links."""

from django.core import mail

from kernel import outbox
from kernel.models import OutboxMessage
from meetings import services


def test_acceptance_mail_leaves_through_the_outbox_with_an_ics_invitation(
    booking, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://fair.example.org"
    buyer, staff = booking["buyer"].user, booking["staff"].user
    m = services.meeting_request(
        actor=buyer,
        buyer=booking["buyer"],
        booth=booking["booth"],
        slot=booking["slots"][0],
        message="Samples, please",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_accept(actor=staff, meeting=m)
    # Written with the acceptance, delivered after its commit; each row marked delivered once.
    sent = OutboxMessage.objects.filter(kind=outbox.MAIL, event="meeting.accepted")
    assert sent.count() == len(mail.outbox) == 2 and not sent.filter(delivered_at__isnull=True).exists()
    to_buyer = next(x for x in mail.outbox if x.to == [buyer.email])
    assert "Meeting confirmed: Seoul Glow Co." in to_buyer.subject
    assert f"https://fair.example.org/meetings/{m.pk}/" in to_buyer.body
    name, content, mimetype = to_buyer.attachments[0]
    text = content.decode() if isinstance(content, bytes) else content
    assert name == "invite.ics" and mimetype.startswith("text/calendar") and "method=REQUEST" in mimetype
    assert "METHOD:REQUEST" in text and f"UID:{m.uid}@tradefair" in text
    assert f"URL:https://fair.example.org/meetings/{m.pk}/" in text


def test_nothing_is_queued_when_the_change_rolls_back(booking, django_capture_on_commit_callbacks):
    buyer = booking["buyer"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            services.meeting_request(
                actor=buyer.user,
                buyer=buyer,
                booth=booking["booth"],
                slot=booking["slots"][0],
                message="x" * 3000,
            )
        except Exception as e:  # meeting.text_too_long
            assert getattr(e, "code", "") == "meeting.text_too_long"
    assert callbacks == [] and mail.outbox == []
    assert not OutboxMessage.objects.exists()
