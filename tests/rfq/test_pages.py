"""The sourcing-request pages, as a buyer, an invited exhibitor, another exhibitor and the organizer."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import Meeting, Slot
from rfq.models import Invitation, Quote, Rfq
from tests import media_samples
from tests.rfq.conftest import quote


def _english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def _form(w, **extra):
    local = (timezone.now() + timedelta(days=5)).astimezone(timezone.get_default_timezone())
    data = {
        "product": "Vitamin C serum 30 ml",
        "hs_code": "330499",
        "description": "CPNP notified, HALAL",
        "quantity": "20000",
        "unit": "pcs",
        "target_price": "2.10",
        "currency": "USD",
        "incoterm": "CIF",
        "destination_country": "ID",
        "destination_port": "Tanjung Priok",
        "certifications": "HALAL",
        "deadline": local.strftime("%Y-%m-%dT%H:%M"),
        "max_quotes": "5",
        "max_accepted": "1",
    }
    data.update(extra)
    return data


def test_a_buyer_posts_invites_compares_and_accepts(client, rfq_world):
    w = rfq_world
    client.force_login(_english(w["buyer"].user))
    page = client.get(f"/fairs/{w['fair'].slug}/rfq/new/")
    assert page.status_code == 200
    assert 'list="hs-options"' in page.content.decode()
    bad = client.post(f"/fairs/{w['fair'].slug}/rfq/new/", _form(w, hs_code="7700"))
    assert bad.status_code == 400 and not Rfq.objects.exists()
    assert "chapter 77" in bad.content.decode()
    response = client.post(f"/fairs/{w['fair'].slug}/rfq/new/", _form(w))
    rfq = Rfq.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/fairs/{w['fair'].slug}/rfq/{rfq.pk}/"
    # The buyer is in Jakarta: the deadline typed in their time is stored in UTC.
    page = client.get(response["Location"]).content.decode()
    assert "Seoul Glow Co." in page and "holds HALAL, which you require" in page
    assert "Busan Ocean Foods" not in page.split("proposed-heading")[1].split("</form>")[0]
    seoul, busan = w["booths"]["seoul"], w["booths"]["busan"]
    client.post(response["Location"], {"action": "invite", "booth": [seoul.pk, busan.pk]})
    assert set(rfq.invitations.filter(status="invited").values_list("booth_id", flat=True)) == {
        seoul.pk,
        busan.pk,
    }
    qs = quote(w, "seoul", rfq, unit_price="2700", currency="KRW")
    quote(w, "busan", rfq, unit_price="1.95", currency="USD")
    page = client.get(response["Location"]).content.decode()
    assert "31,641 IDR" in page and "30,469 IDR" in page  # compared in the buyer's currency
    assert (
        "Converted at the organizer&#x27;s rates of" in page
        or "Converted at the organizer's rates of" in page
    )
    page = client.get(response["Location"] + "?currency=USD").content.decode()
    assert "2.03 USD" in page
    client.post(response["Location"], {"action": "ask", "quote": qs.pk, "text": "Halal certificate number?"})
    client.post(response["Location"], {"action": "accept", "quote": qs.pk})
    qs.refresh_from_db()
    assert qs.status == Quote.Status.ACCEPTED and qs.thread.get().text == "Halal certificate number?"


def test_an_invited_exhibitor_quotes_and_revises_and_sees_only_its_own(client, rfq, rfq_world):
    w = rfq_world
    quote(w, "busan", rfq, unit_price="1.95", currency="USD")
    url = f"/fairs/{w['fair'].slug}/rfq/{rfq.pk}/"
    client.force_login(_english(w["staff"]["seoul"].user))
    page = client.get(url).content.decode()
    assert "a buyer from Indonesia" in page and "Busan Skin Lab" not in page
    data = {"action": "quote", "unit_price": "2800", "currency": "KRW", "incoterm": "CIF", "samples": "free"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "unit_price": "2650"}).status_code == 302
    page = client.get(url).content.decode()
    assert "version 2" in page and "2800" in page and "1.95" not in page
    bad = client.post(url, {**data, "currency": "ZZZ"})
    assert bad.status_code == 400 and "ISO 4217" in bad.content.decode()
    assert Quote.objects.get(booth=w["booths"]["seoul"]).version == 2


def test_other_exhibitors_and_strangers_get_404(client, rfq, rfq_world):
    w = rfq_world
    url = f"/fairs/{w['fair'].slug}/rfq/{rfq.pk}/"
    client.force_login(_english(w["staff"]["fish"].user))
    assert client.get(url).status_code == 404
    response = client.post(url, {"action": "quote", "unit_price": "1", "currency": "USD", "incoterm": "CIF"})
    assert response.status_code == 404 and not Quote.objects.exists()


def test_the_organizer_routes_and_sees_traffic(client, rfq, rfq_world):
    w = rfq_world
    client.force_login(w["organizer"].user)
    url = f"/fairs/{w['fair'].slug}/rfq/{rfq.pk}/"
    fish = w["booths"]["fish"]
    client.post(url, {"action": "invite", "booth": fish.pk})
    inv = Invitation.objects.get(rfq=rfq, booth=fish)
    assert inv.status == "invited" and inv.source == "organizer"
    page = client.get(f"/fairs/{w['fair'].slug}/rfq/").content.decode()
    assert "RFQ traffic" in page and "Requests per hall" in page


def test_after_accepting_the_buyer_books_a_consultation(client, rfq, rfq_world):
    w = rfq_world
    f = w["fair"]
    meeting_services.slots_generate(fair=f)
    slots = list(Slot.objects.filter(fair=f).order_by("starts_at")[:3])
    seoul = w["booths"]["seoul"]
    meeting_services.availability_set(actor=w["buyer"].user, fair=f, participant=w["buyer"], slots=slots)
    meeting_services.availability_set(actor=w["staff"]["seoul"].user, fair=f, booth=seoul, slots=slots[1:])
    q = quote(w, "seoul", rfq)
    client.force_login(_english(w["buyer"].user))
    url = f"/fairs/{f.slug}/rfq/{rfq.pk}/"
    client.post(url, {"action": "accept", "quote": q.pk})
    page = client.get(url).content.decode()
    assert "Book a consultation" in page
    offered = [int(x) for x in re.findall(r'name="slot" value="(\d+)"', page)]
    assert offered == [s.pk for s in slots[1:]]
    response = client.post(url, {"action": "book", "quote": q.pk, "slot": offered[0]})
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/schedule/{meeting.pk}/"
    assert (meeting.booth_id, meeting.slot_id) == (seoul.pk, offered[0])
    lead = meeting.lead_updates.get()
    assert lead.stage == "quotation" and lead.value == 40000 and lead.currency == "USD"


def test_the_pages_speak_the_viewers_language(client, rfq, rfq_world):
    w = rfq_world
    quote(w, "seoul", rfq, unit_price="2700", currency="KRW")
    client.force_login(w["buyer"].user)  # Indonesian, in Jakarta
    page = client.get(f"/fairs/{w['fair'].slug}/rfq/{rfq.pk}/").content.decode()
    assert '<html lang="id"' in page and "Penawaran berdampingan" in page and "Harga satuan dalam IDR" in page
    client.force_login(w["staff"]["seoul"].user)  # Korean
    page = client.get(f"/fairs/{w['fair'].slug}/rfq/{rfq.pk}/").content.decode()
    assert "내 견적" in page and "인도네시아의 바이어" in page


def test_a_specification_pdf_is_attached_and_a_non_pdf_is_refused(client, rfq_world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = rfq_world
    client.force_login(_english(w["buyer"].user))
    url = f"/fairs/{w['fair'].slug}/rfq/new/"
    fake = SimpleUploadedFile("spec.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    bad = client.post(url, {**_form(w), "attachments": fake})
    assert bad.status_code == 400 and "not a PDF" in bad.content.decode() and not Rfq.objects.exists()
    pdf = SimpleUploadedFile("spec.pdf", media_samples.pdf(), content_type="application/pdf")
    response = client.post(url, {**_form(w), "attachments": pdf})
    rfq = Rfq.objects.get()
    attachment = rfq.attachments.get()
    assert response.status_code == 302 and attachment.name == "spec.pdf" and attachment.quote is None
    page = client.get(response["Location"]).content.decode()
    assert f'href="{attachment.file.url}"' in page
