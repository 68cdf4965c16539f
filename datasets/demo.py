"""The demo fair of `make run`: a generated fair, products from the sector catalogue, and demo logins.

`demo_fair_create` does nothing when the demo fair exists, so `make run` can
call it every time.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from datasets.generator import catalogue_for, generate_fair
from datasets.importing import fair_import
from exhibitors.models import Booth, Product
from fair.models import Fair, Participant, User
from kernel import events

DEMO_SLUG = "demo-expo"
DEMO_NAME = "K-Export Virtual Fair 2026"
DEMO_PASSWORD = "tradefair-demo"  # noqa: S105 (a published demo password, printed by make run)
DEMO_DOMAIN = "demo.tradefair"
DEMO_TIME_ZONE = "Asia/Seoul"
ORGANIZERS_GROUP = "Organizers"
EXHIBITOR_USERS = 3
# buyer logins: (market, time zone, UI language)
BUYER_USERS = (("US", "America/New_York", "en"), ("ID", "Asia/Jakarta", "id"), ("JP", "Asia/Tokyo", "ja"))


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    detail: str


def _email(name: str) -> str:
    return f"{name}@{DEMO_DOMAIN}"


def _user(email: str, password_hash: str, *, time_zone: str, language: str, first_name: str, **extra) -> User:
    user, _created = User.objects.update_or_create(
        username=email,
        defaults={
            "email": email,
            "password": password_hash,
            "time_zone": time_zone,
            "language": language,
            "first_name": first_name,
            "is_active": True,
            **extra,
        },
    )
    try:
        from allauth.account.models import EmailAddress
    except ImportError:  # allauth not installed: the ModelBackend login still works
        return user
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _organizers_group() -> Group:
    group, _created = Group.objects.get_or_create(name=ORGANIZERS_GROUP)
    perms = Permission.objects.filter(
        Q(content_type__app_label__in=["fair", "exhibitors"], codename__startswith="view_")
        | Q(
            content_type__app_label="django_q", codename__in=["view_failure", "view_success", "view_schedule"]
        )
    )
    group.permissions.add(*perms)
    return group


def _add_products(fair: Fair, seed: int) -> int:
    products = []
    for booth in Booth.objects.filter(fair=fair).order_by("pk"):
        rng = random.Random(f"{seed}:{booth.external_id}")  # noqa: S311 (demo data)
        items = catalogue_for(booth.hs_codes)[:6]
        rng.shuffle(items)
        for position, item in enumerate(items[: rng.randint(2, 4)]):
            low = Decimal(str(item.price_min))
            products.append(
                Product(
                    booth=booth,
                    name=item.name,
                    hs_code=item.hs_code,
                    description=f"{item.name}. Minimum order {item.moq:,} {item.moq_unit}; OEM welcome.",
                    moq=item.moq,
                    moq_unit=item.moq_unit,
                    price_min=low,
                    price_max=Decimal(str(item.price_max)),
                    currency="USD",
                    position=position,
                )
            )
    Product.objects.bulk_create(products)
    events.emit("dataset.products_added", fair_id=fair.pk, subject=fair, products=len(products))
    return len(products)


def demo_fair_create(*, exhibitors: int = 60, buyers: int = 200, seed: int = 2026) -> Fair | None:
    """Create the demo fair and its logins; return None (and change nothing) when it exists."""
    if Fair.objects.filter(slug=DEMO_SLUG).exists():
        return None
    today = timezone.now().astimezone(ZoneInfo(DEMO_TIME_ZONE)).date()
    with tempfile.TemporaryDirectory(prefix="tradefair-demo-") as folder:
        # behaviour logs over the first two days, which are already past
        generate_fair(
            folder, exhibitors=exhibitors, buyers=buyers, seed=seed, start=today - timedelta(days=2), days=2
        )
        with transaction.atomic():
            fair = Fair.objects.create(
                name=DEMO_NAME,
                slug=DEMO_SLUG,
                description=(
                    "Korean small and medium exporters of cosmetics, food, medical devices, fashion, toys, "
                    "electronics accessories and household goods meet overseas buyers."
                ),
                starts_on=today - timedelta(days=2),
                ends_on=today + timedelta(days=2),
                time_zone=DEMO_TIME_ZONE,
                published=True,
            )
            _demo_fair_texts(fair)
            fair_import(path=folder, fair_slug=DEMO_SLUG)
            _add_products(fair, seed)
            _dress_booths(fair, seed)
            _demo_users(fair)
            _demo_playbooks(fair)
    # Train the demo fair's matching model once, so `make run` shows recommendations (the web never trains).
    from matching.services import matching_train

    matching_train(fair=fair)
    return fair


def _demo_fair_texts(fair: Fair) -> None:
    """The fair's description in Korean too (the halls are named in every language by the import:
    fair/halls.py)."""
    fair.description_en = fair.description_en or fair.description
    fair.description_ko = (
        "화장품, 식품, 의료기기, 패션, 완구, 전자 액세서리, 생활용품을 만드는 한국 중소 수출기업이 "
        "해외 바이어를 만나는 온라인 박람회입니다."
    )
    fair.save(update_fields=["description_en", "description_ko"])


def _dress_booths(fair: Fair, seed: int) -> None:
    """Booth texts in English and Korean, and pictures drawn with Pillow (datasets/demo_content.py)."""
    from datasets.demo_content import demo_booths_dress

    demo_booths_dress(fair=fair, seed=seed)


def _demo_playbooks(fair: Fair) -> None:
    """The starter export playbooks (United States, China, Japan, Vietnam, Indonesia), so exhibitors see
    their readiness per market and the organizer the gaps."""
    from playbooks.services import import_starter_set

    import_starter_set(fair=fair)


def _demo_users(fair: Fair) -> None:
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: the demo users share the password
    organizer = _user(
        _email("organizer"),
        password_hash,
        time_zone=DEMO_TIME_ZONE,
        language="ko",
        first_name="Organizer",
        is_staff=True,
    )
    organizer.groups.add(_organizers_group())
    Participant.objects.create(
        fair=fair,
        user=organizer,
        role=Participant.Role.ORGANIZER,
        status=Participant.Status.APPROVED,
        languages=["ko", "en"],
    )
    booths = Booth.objects.filter(fair=fair).select_related("company").order_by("pk")[:EXHIBITOR_USERS]
    for n, booth in enumerate(booths, start=1):
        user = _user(
            _email(f"exhibitor{n}"),
            password_hash,
            time_zone=DEMO_TIME_ZONE,
            language="ko",
            first_name=f"Exhibitor {n}",
        )
        Participant.objects.create(
            fair=fair,
            user=user,
            company=booth.company,
            booth=booth,
            role=Participant.Role.EXHIBITOR,
            status=Participant.Status.APPROVED,
            languages=booth.company.languages or ["ko"],
        )
    imported = Participant.objects.filter(
        fair=fair, role=Participant.Role.BUYER, user__isnull=True
    ).select_related("company")
    for n, (country, time_zone, language) in enumerate(BUYER_USERS, start=1):
        buyer = (
            imported.filter(company__country=country).order_by("pk").first()
            or imported.order_by("pk").first()
        )
        user = _user(
            _email(f"buyer{n}"),
            password_hash,
            time_zone=time_zone,
            language=language,
            first_name=f"Buyer {n}",
        )
        buyer.user = user
        buyer.save(update_fields=["user"])
    interpreter = _user(
        _email("interpreter"),
        password_hash,
        time_zone=DEMO_TIME_ZONE,
        language="en",
        first_name="Interpreter",
    )
    Participant.objects.create(
        fair=fair,
        user=interpreter,
        role=Participant.Role.INTERPRETER,
        status=Participant.Status.APPROVED,
        languages=["ko", "en", "ja"],
    )


def demo_logins() -> list[DemoLogin]:
    """Every demo login with its role, read from the database."""
    fair = Fair.objects.filter(slug=DEMO_SLUG).first()
    if fair is None:
        return []
    order = {role: i for i, role in enumerate(["organizer", "exhibitor", "buyer", "interpreter"])}
    logins = []
    for p in (
        Participant.objects.filter(fair=fair, user__email__endswith=f"@{DEMO_DOMAIN}")
        .select_related("user", "company", "booth__hall")
        .order_by("user__email")
    ):
        if p.role == Participant.Role.EXHIBITOR and p.booth:
            detail = f"staff of {p.company.name} ({p.booth.hall.name if p.booth.hall else 'no hall'})"
        elif p.role == Participant.Role.BUYER and p.company:
            detail = f"{p.company.name}, {p.company.country.name}, {p.user.time_zone}"
        elif p.role == Participant.Role.INTERPRETER:
            detail = "interprets " + ", ".join(p.languages)
        else:
            detail = "staff user, can open the admin" if p.user.is_staff else ""
        logins.append(DemoLogin(p.role, p.user.email, detail))
    logins.sort(key=lambda login: (order.get(login.role, 9), login.email))
    return logins
