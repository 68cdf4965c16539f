"""demo_fair: the fair of `make run`, created once, with logins that work."""

import io

import pytest
from django.core.management import call_command

from datasets.demo import DEMO_PASSWORD
from exhibitors.models import Booth, Product
from fair.models import Fair, Interaction, Participant, User

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("demo_fair", *args, stdout=out)
    return out.getvalue()


def test_demo_fair_is_created_once_and_its_logins_work(client):
    out = run("--print-logins", "--url", "http://127.0.0.1:9000/")
    fair = Fair.objects.get(slug="demo-expo")
    assert fair.name == "K-Export Virtual Fair 2026" and fair.time_zone == "Asia/Seoul"
    assert fair.starts_on <= fair.ends_on
    booths = Booth.objects.filter(fair=fair)
    assert booths.count() == 60 and not booths.filter(hall__isnull=True).exists()
    assert Participant.objects.filter(fair=fair, role="buyer").count() == 200
    assert Interaction.objects.filter(fair=fair).exists()
    per_booth = [booth.products.count() for booth in booths]
    assert min(per_booth) >= 1 and max(per_booth) <= 4
    product = Product.objects.filter(booth__fair=fair).first()
    assert product.moq and product.price_min <= product.price_max and len(product.hs_code) == 6

    assert "http://127.0.0.1:9000/" in out and DEMO_PASSWORD in out
    emails = [
        "organizer",
        "exhibitor1",
        "exhibitor2",
        "exhibitor3",
        "buyer1",
        "buyer2",
        "buyer3",
        "interpreter",
    ]
    for name in emails:
        assert f"{name}@demo.tradefair" in out
        assert client.login(username=f"{name}@demo.tradefair", password=DEMO_PASSWORD), name
        client.logout()

    # The organizer runs the fair from its console, not the admin (issue 14: the admin showed every
    # fair's participants, every e-mail address and private knock threads).
    organizer = User.objects.get(email="organizer@demo.tradefair")
    assert not organizer.is_staff and not organizer.groups.exists()
    assert not organizer.has_perm("fair.view_user")
    client.force_login(organizer)
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/fair/user/").status_code == 302
    assert client.get("/admin/login/").status_code == 403
    client.logout()
    staff = Participant.objects.get(user__email="exhibitor1@demo.tradefair")
    assert staff.role == "exhibitor" and staff.booth == booths.order_by("pk").first() and staff.is_approved
    buyer = Participant.objects.get(user__email="buyer1@demo.tradefair")
    assert buyer.role == "buyer" and buyer.external_id and buyer.company.country == "US"
    assert buyer.user.time_zone == "America/New_York"
    assert Participant.objects.get(user__email="interpreter@demo.tradefair").languages == ["ko", "en", "ja"]

    # A lived-in meeting calendar: slots, availability for the demo people, meetings in every state.
    from meetings.models import Availability, Meeting, Slot

    assert Slot.objects.filter(fair=fair).count() > 20
    for login in ("exhibitor1", "buyer1", "buyer2", "buyer3"):
        p = Participant.objects.get(user__email=f"{login}@demo.tradefair")
        party = {"booth": p.booth} if p.role == "exhibitor" else {"participant": p}
        assert Availability.objects.filter(**party).exists(), login
    states = set(Meeting.objects.filter(fair=fair).values_list("status", flat=True))
    assert states == {s.value for s in Meeting.Status}, states
    assert Meeting.objects.filter(fair=fair, requested_by="exhibitor", status="requested").exists()
    assert Meeting.objects.filter(fair=fair, status="held", outcomes__isnull=False).exists()
    client.login(username="exhibitor1@demo.tradefair", password=DEMO_PASSWORD)
    agenda = client.get("/schedule/").content.decode()
    assert 'id="waiting-heading"' in agenda and 'class="button join"' in agenda  # in Korean
    client.logout()

    counts = (
        Booth.objects.count(),
        Product.objects.count(),
        User.objects.count(),
        Interaction.objects.count(),
    )
    again = run()
    assert "exists" in again
    assert (
        Booth.objects.count(),
        Product.objects.count(),
        User.objects.count(),
        Interaction.objects.count(),
    ) == counts
