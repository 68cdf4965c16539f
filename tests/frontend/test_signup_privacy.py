"""Sign-up tells nobody which addresses have accounts, and a fair takes registrations from confirmed
addresses only (issue 14); allauth's mails leave through the outbox."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from fair.models import Participant, User
from kernel.models import OutboxMessage
from tests import factories

FORM = {"password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9", "language": "en"}


def mails_to(address):
    return [
        p
        for p in OutboxMessage.objects.filter(kind="mail").values_list("payload", flat=True)
        if address in p["to"]
    ]


def test_sign_up_answers_the_same_for_a_taken_and_a_free_address(db):
    taken = factories.user(email="taken@example.test")
    answers, followed = [], []
    for email in ("taken@example.test", "free@example.test"):
        client = Client()
        response = client.post(reverse("account_signup"), {**FORM, "email": email})
        answers.append((response.status_code, response.get("Location")))
        assert "_auth_user_id" not in client.session
        followed.append(client.get(response["Location"]).content.decode().replace(email, "ADDRESS"))
    assert answers[0] == answers[1] and answers[0][0] == 302
    assert User.objects.filter(email="taken@example.test").count() == 1
    assert User.objects.filter(email="free@example.test").exists()
    # Each address gets a mail; only its owner learns which kind.
    assert len(mails_to(taken.email)) == 1 and len(mails_to("free@example.test")) == 1
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", followed[0]) == strip.sub("", followed[1])


def test_a_new_account_signs_in_by_confirming_its_address(client, db):
    client.post(reverse("account_signup"), {**FORM, "email": "new@example.test"})
    assert "_auth_user_id" not in client.session
    body = mails_to("new@example.test")[0]["body"]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[-:A-Za-z0-9_]+/)", body).group(1)
    client.post(link)
    assert EmailAddress.objects.get(email="new@example.test").verified
    assert client.session["_auth_user_id"] == str(User.objects.get(email="new@example.test").pk)


REGISTRATION = {"role": "buyer", "company_name": "Osaka Beauty", "country": "JP", "hs_codes": "3304"}


@pytest.mark.parametrize("mode", ["optional", "mandatory"])
def test_registering_for_a_fair_needs_a_confirmed_address(client, small_fair, settings, mode):
    settings.ACCOUNT_EMAIL_VERIFICATION = mode
    user = factories.user()
    address = EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)
    url = reverse("fair_register", args=["demo-expo"])
    page = client.post(url, REGISTRATION)
    assert "Confirm your e-mail address first" in page.content.decode()
    assert not Participant.objects.filter(user=user).exists()
    address.verified = True
    address.save()
    client.post(url, REGISTRATION)
    assert Participant.objects.get(user=user).status == Participant.Status.PENDING


def test_a_closed_network_without_mail_registers_unconfirmed_addresses(client, small_fair, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    user = factories.user()
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    client.force_login(user)
    client.post(reverse("fair_register", args=["demo-expo"]), REGISTRATION)
    assert Participant.objects.filter(user=user).exists()
