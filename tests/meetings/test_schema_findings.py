"""What schemathesis found in issue 14, each checked against the served OpenAPI schema: /outcome/
answers what is documented, a fair's daily window is documented as what it is ("09:00:00", no
offset), and a booth id of 0 is not documented as valid."""

import re

from django.test import Client

from meetings.models import Meeting
from tests.meetings.test_services import request


def schema(client) -> dict:
    return client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def component(doc, ref_holder) -> dict:
    ref = ref_holder.get("$ref") or ref_holder["items"]["$ref"]
    return doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]


def test_the_outcome_answer_is_the_documented_shape(booking):
    meeting = request(booking)
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.HELD)
    staff = Client()
    staff.force_login(booking["staff"].user)
    response = staff.post(
        f"/api/meetings/{meeting.pk}/outcome/",
        {"rating": 4, "notes": "Samples next week", "deal_size_usd": "12000.50"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    doc = schema(staff)
    answer = doc["paths"]["/api/meetings/{id}/outcome/"]["post"]["responses"]["200"]
    documented = component(doc, answer["content"]["application/json"]["schema"])
    body = response.json()
    assert set(body) == set(documented["properties"]) == set(documented["required"])
    assert body["side"] == "exhibitor"
    assert body["rating"] == 4 and body["deal_size_usd"] == "12000.50"


def test_a_fairs_daily_window_is_documented_as_it_is_answered(booking):
    client = Client()
    doc = schema(client)
    fair_schema = doc["components"]["schemas"]["Fair"]["properties"]
    fair = client.get(f"/api/fairs/{booking['fair'].slug}/").json()
    for key in ("day_start", "day_end"):
        documented = fair_schema[key]
        assert documented.get("format") != "time"  # RFC 3339 full-time needs an offset: "09:00:00" has none
        assert re.match(documented["pattern"], fair[key]), (key, fair[key])
    assert fair["day_start"] == "09:00:00"


def test_a_booth_id_of_zero_is_not_documented_as_valid(booking):
    client = Client()
    client.force_login(booking["staff"].user)
    doc = schema(client)
    for path in ("/api/meeting-slots/", "/api/recommendations/buyers/", "/api/recommendations/markets/"):
        params = {p["name"]: p for p in doc["paths"][path]["get"]["parameters"]}
        assert params["booth"]["schema"]["minimum"] == 1, path
    answered = client.get("/api/recommendations/buyers/?booth=0")
    assert answered.status_code == 400  # what the schema now says: 0 is outside it
