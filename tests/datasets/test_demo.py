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
