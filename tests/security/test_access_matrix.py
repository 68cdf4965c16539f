"""The authorization matrix: every URL pattern (read from the URL conf) and every API operation (read
from the OpenAPI schema) is requested by every role, and the answer is compared with ONE table of
expected status codes below. A route without a row fails the test, so a new page or API operation
cannot ship without someone deciding, cell by cell, who may reach it.

Roles (the columns, in this order):

    an  anonymous visitor                  st  staff of the booth (Seoul Glow)
    by  approved buyer of the fair         so  staff of another booth of the fair
    bo  approved buyer of another fair     or  organizer of the fair
    pe  pending buyer of the fair          oo  organizer of another fair
    re  rejected buyer of the fair         ip  interpreter proposed for the meeting
                                           ic  interpreter confirmed for the meeting

Objects: the published booth of Seoul Glow, a held meeting between the buyer and that booth with a
confirmed interpreter (the proposed interpreter is asked about a twin meeting that proposes them), an
agreement between the two companies, a declared order with one shipment. Pages are requested with
GET; API operations with their own method and an empty JSON body (refused callers get 401/403/404,
allowed ones the validation error or the answer). Every request runs in a savepoint that is rolled
back, so no cell sees another's changes.

Codes: 200 ok, 201 created, 204 no content, 302 a redirect (the sign-in page for a visitor, or where a
form goes next), 400 bad input, 401/403 refused, 404 not found (or not to be seen), 405 method not
allowed, 409 conflict. A cell written ``403!`` is a known wrong answer (today's code answers something
else): see KNOWN_WRONG, each cell named with the finding of issue #14 that fixes it.
"""

from __future__ import annotations

import json
import os
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from agreements import services as agreement_services
from agreements.models import Ceremony, Shipment, TradeOutcome
from fair.models import Participant
from meetings import services as meeting_services
from meetings.models import CalendarFeed, Meeting
from shows.models import Show, ShowInterpretation
from tests import factories

MARK = "interested"

ROLES = ("an", "by", "bo", "pe", "re", "st", "so", "or", "oo", "ip", "ic")

# fmt: off
# route: URL name, "POST <name>", "METHOD /api/path/"      an  by  bo  pe  re  st  so  or  oo  ip  ic
MATRIX: dict[str, str] = {
    "healthz":                                            "200 200 200 200 200 200 200 200 200 200 200",
    "account_login":                                      "200 302 302 302 302 302 302 302 302 302 302",
    "account_logout":                                     "302 200 200 200 200 200 200 200 200 200 200",
    "account_inactive":                                   "200 200 200 200 200 200 200 200 200 200 200",
    "account_signup":                                     "200 302 302 302 302 302 302 302 302 302 302",
    "account_reauthenticate":                             "302 200 200 200 200 200 200 200 200 200 200",
    "account_request_reauthentication_code":              "302 200 200 200 200 200 200 200 200 200 200",
    "account_confirm_reauthentication_code":              "302 302 302 302 302 302 302 302 302 302 302",
    "account_email":                                      "302 200 200 200 200 200 200 200 200 200 200",
    "account_email_verification_sent":                    "200 200 200 200 200 200 200 200 200 200 200",
    "account_change_password":                            "302 200 200 200 200 200 200 200 200 200 200",
    "account_set_password":                               "302 302 302 302 302 302 302 302 302 302 302",
    "account_reset_password":                             "200 200 200 200 200 200 200 200 200 200 200",
    "account_confirm_login_code":                         "302 302 302 302 302 302 302 302 302 302 302",
    "account_confirm_email":                              "200 200 200 200 200 200 200 200 200 200 200",
    "account_reset_password_from_key_done":               "200 200 200 200 200 200 200 200 200 200 200",
    "account_reset_password_from_key":                    "200 200 200 200 200 200 200 200 200 200 200",
    "account_reset_password_done":                        "200 200 200 200 200 200 200 200 200 200 200",
    "POST set_language":                                  "302 302 302 302 302 302 302 302 302 302 302",
    "api-schema":                                         "200 200 200 200 200 200 200 200 200 200 200",
    "api-docs":                                           "200 200 200 200 200 200 200 200 200 200 200",
    "meetings:feed":                                      "200 200 200 200 200 200 200 200 200 200 200",
    "meetings:room":                                      "302 200 404 404 404 200 404 200 404 404 200",
    "meetings:group_room":                                "302 200 404 404 404 200 404 200 404 404 200",
    "home":                                               "200 200 200 200 200 200 200 200 200 200 200",
    "GET /api/crm-leads/":                                "403 400 400 400 400 400 400 400 400 400 400",
    "GET /api/notifications/":                            "403 200 200 200 200 200 200 200 200 200 200",
    "GET /api/notifications/unread/":                     "403 200 200 200 200 200 200 200 200 200 200",
    "GET /api/notifications/{id}/":                       "403 404 404 404 404 404 404 404 404 404 404",
    "POST /api/notifications/read-all/":                  "403 200 200 200 200 200 200 200 200 200 200",
    "POST /api/notifications/{id}/read/":                 "403 404 404 404 404 404 404 404 404 404 404",
    "GET /api/quotes/{id}/":                              "403 404 404 404 404 404 404 404 404 404 404",
    "POST /api/quotes/{id}/accept/":                      "403 404 404 404 404 404 404 404 404 404 404",
    "POST /api/quotes/{id}/messages/":                    "403 404 404 404 404 404 404 404 404 404 404",
    "POST /api/quotes/{id}/reject/":                      "403 400 400 400 400 400 400 400 400 400 400",
    "POST /api/quotes/{id}/shortlist/":                   "403 404 404 404 404 404 404 404 404 404 404",
    "GET /api/rfqs/":                                     "403 200 200 200 200 200 200 200 200 200 200",
    "POST /api/rfqs/":                                    "403 400 400 400 400 400 400 400 400 400 400",
    "GET /api/rfqs/{id}/":                                "403 404 404 404 404 404 404 404 404 404 404",
    "GET /api/rfqs/{id}/quotes/":                         "403 404 404 404 404 404 404 404 404 404 404",
    "POST /api/rfqs/{id}/close/":                         "403 404 404 404 404 404 404 404 404 404 404",
    "POST /api/rfqs/{id}/invite/":                        "403 404 404 404 404 404 404 404 404 404 404",
    "POST /api/rfqs/{id}/pass/":                          "403 404 404 404 404 404 404 404 404 404 404",
    "POST /api/rfqs/{id}/quote/":                         "403 404 404 404 404 404 404 404 404 404 404",
    "GET /api/playbooks/":                                "403 200 403 403 403 200 200 200 403 200 200",
    "GET /api/playbooks/{country}/":                      "403 404 403 403 403 404 404 404 403 404 404",
    "GET /api/readiness/":                                "403 403 403 403 403 200 403 403 403 403 403",
    "POST /api/readiness/mark/":                          "403 400 400 400 400 400 400 400 400 400 400",
    "GET /api/readiness/promising/":                      "403 403 403 403 403 403 403 200 403 403 403",
    "GET /api/readiness/gaps/":                           "403 403 403 403 403 403 403 200 403 403 403",
    "GET /api/rfqs/traffic/":                             "403 403 403 403 403 403 403 200 403 403 403",
    "GET /api/standing/weekly-hours/":                    "403 404 404 404 404 404 404 404 404 404 404",
    "POST /api/standing/carry-over/":                     "403 400 400 400 400 400 400 400 400 400 400",
    "POST /api/standing/permanent/":                      "403 400 400 400 400 400 400 400 400 400 400",
    "POST /api/standing/weekly-hours/":                   "403 400 400 400 400 400 400 400 400 400 400",
    "POST /api/booths/{id}/status/":                      "403 403 403 403 403 400 403 403 403 403 403",
    "POST /api/meetings/invite/":                         "403 400 400 400 400 400 400 400 400 400 400",
    "api_tokens":                                         "302 200 200 200 200 200 200 200 200 200 200",
    "booth_status":                                       "302 405 405 405 405 405 405 405 405 405 405",
    "crm_leads":                                          "302 403 403 403 403 200 403 403 403 403 403",
    "data_export_download":                               "404 404 404 404 404 404 404 404 404 404 404",
    "meeting_invite":                                     "302 403 403 403 403 200 403 200 403 403 403",
    "my_data":                                            "302 200 200 200 200 200 200 200 200 200 200",
    "privacy_settings":                                   "302 200 200 200 200 200 200 200 200 200 200",
    "account_erase":                                      "302 200 200 200 200 200 200 200 200 200 200",
    "POST fair_retention":                                "302 403 403 403 403 403 403 302 403 403 403",
    "GET /api/account/consents/":                         "403 200 200 200 200 200 200 200 200 200 200",
    "POST /api/account/consents/":                        "403 400 400 400 400 400 400 400 400 400 400",
    "POST /api/account/erase/":                           "403 400 400 400 400 400 400 400 400 400 400",
    "notice_list":                                        "302 200 200 200 200 200 200 200 200 200 200",
    "notice_open":                                        "302 404 404 404 404 404 404 404 404 404 404",
    "notice_read":                                        "302 405 405 405 405 405 405 405 405 405 405",
    "notice_read_all":                                    "302 405 405 405 405 405 405 405 405 405 405",
    "rfq_detail":                                         "302 404 404 404 404 404 404 404 404 404 404",
    "rfq_list":                                           "302 200 200 200 200 200 200 200 200 200 200",
    "show_programme":                                     "200 200 200 200 200 200 200 200 200 200 200",
    "show_detail":                                        "200 200 200 200 200 200 200 200 200 200 200",
    "show_ics":                                           "200 200 200 200 200 200 200 200 200 200 200",
    "show_new":                                           "302 403 403 403 403 200 403 403 403 403 403",
    "show_remind":                                        "302 405 405 405 405 405 405 405 405 405 405",
    "show_action":                                        "302 405 405 405 405 405 405 405 405 405 405",
    "show_interpret":                                     "302 403 403 403 403 403 403 403 403 403 200",
    "POST show_interpreter_assign":                       "302 403 403 403 403 302 403 302 403 403 403",
    "POST show_interpretation_answer":                    "302 403 403 403 403 403 403 403 403 403 302",
    "POST show_interpretation_remove":                    "302 403 403 403 403 302 403 302 403 403 403",
    "rfq_new":                                            "302 200 403 403 403 403 403 403 403 403 403",
    "standing_console":                                   "302 403 403 403 403 403 403 200 403 403 403",
    "weekly_hours":                                       "302 403 403 403 403 200 403 200 403 403 403",
    "favicon":                                            "301 301 301 301 301 301 301 301 301 301 301",
    "profile":                                            "302 200 200 200 200 200 200 200 200 200 200",
    "fair_list":                                          "200 200 200 200 200 200 200 200 200 200 200",
    "fair_home":                                          "200 200 200 200 200 200 200 200 200 200 200",
    "hall_list":                                          "200 200 200 200 200 200 200 200 200 200 200",
    "hall_detail":                                        "200 200 200 200 200 200 200 200 200 200 200",
    "booth_detail":                                       "200 200 200 200 200 200 200 200 200 200 200",
    "fair_search":                                        "200 200 200 200 200 200 200 200 200 200 200",
    "bookmark_list":                                      "302 200 200 200 200 200 200 200 200 200 200",
    "hs_search_json":                                     "200 200 200 200 200 200 200 200 200 200 200",
    "meeting_book":                                       "302 200 403 403 403 403 403 403 403 403 403",
    "my_schedule":                                        "302 200 200 200 200 200 200 200 200 200 200",
    "POST calendar_feed_change":                          "302 302 302 302 302 302 302 302 302 302 302",
    "meeting_detail":                                     "302 200 404 404 404 200 404 200 404 404 200",
    "POST meeting_outcome":                               "302 302 404 404 404 302 404 400 404 404 400",
    "meeting_outcomes":                                   "302 200 404 404 404 200 404 200 404 404 200",
    "POST meeting_action":                                "302 302 404 404 404 302 404 302 404 404 403",
    "meeting_availability":                               "302 200 403 403 403 200 200 403 403 200 200",
    "interpreter_schedule":                               "302 403 403 403 403 403 403 403 403 200 200",
    "meeting_overview":                                   "302 403 403 403 403 403 403 200 403 403 403",
    "POST meeting_round":                                 "302 403 403 403 403 403 403 404 403 403 403",
    "fair_create":                                        "302 200 200 200 200 200 200 200 200 200 200",
    "organizer_console":                                  "302 403 403 403 403 403 403 200 403 403 403",
    "organizer_fair_edit":                                "302 403 403 403 403 403 403 200 403 403 403",
    "organizer_halls":                                    "302 403 403 403 403 403 403 200 403 403 403",
    "organizer_registrations":                            "302 403 403 403 403 403 403 200 403 403 403",
    "organizer_invite":                                   "302 403 403 403 403 403 403 200 403 403 403",
    "organizer_invite_preview":                           "302 403 403 403 403 403 403 302 403 403 403",
    "organizer_rates":                                    "302 403 403 403 403 403 403 200 403 403 403",
    "organizer_log":                                      "302 403 403 403 403 403 403 200 403 403 403",
    "my_activity":                                        "302 200 200 200 200 200 200 200 200 200 200",
    "register_start":                                     "200 200 200 200 200 200 200 200 200 200 200",
    "fair_register":                                      "302 200 200 200 200 200 200 200 200 200 200",
    "first_steps":                                        "302 200 403 403 403 200 200 200 403 200 200",
    "fair_creators":                                      "302 403 403 403 403 403 403 200 200 403 403",
    "organizer_publish":                                  "302 403 403 403 403 403 403 302 403 403 403",
    "meeting_ledger":                                     "302 403 404 404 404 200 404 403 404 404 403",
    "recommended_index":                                  "302 302 302 200 200 302 302 200 200 200 200",
    "recommended_booths":                                 "302 200 403 403 403 403 403 403 403 403 403",
    "POST recommended_booth_mark":                        "302 302 403 403 403 403 403 403 403 403 403",
    "recommended_buyers":                                 "302 403 403 403 403 200 403 403 403 403 403",
    "POST recommended_buyer_mark":                        "302 403 403 403 403 302 403 403 403 403 403",
    "fair_dashboard":                                     "302 403 403 403 403 403 403 200 403 403 403",
    "dashboard_xlsx":                                     "302 403 403 403 403 403 403 200 403 403 403",
    "dashboard_csv":                                      "302 403 403 403 403 403 403 200 403 403 403",
    "fair_report":                                        "302 403 403 403 403 403 403 200 403 403 403",
    "booth_report":                                       "302 403 403 403 403 200 403 200 403 403 403",
    "POST bookmark_toggle":                               "302 302 403 403 403 403 403 403 403 403 403",
    "product_detail":                                     "200 200 200 200 200 200 200 200 200 200 200",
    "booth_builder":                                      "302 403 403 403 403 200 403 200 403 403 403",
    "POST booth_media":                                   "302 403 403 403 403 400 403 400 403 403 403",
    "POST booth_publish":                                 "302 403 403 403 403 302 403 302 403 403 403",
    "POST brochure_add":                                  "302 403 403 403 403 400 403 400 403 403 403",
    "POST brochure_remove":                               "302 403 403 403 403 404 403 404 403 403 403",
    "product_new":                                        "302 403 403 403 403 200 403 200 403 403 403",
    "product_edit":                                       "302 403 403 403 403 200 403 200 403 403 403",
    "POST product_delete":                                "302 403 403 403 403 302 403 302 403 403 403",
    "POST product_image_remove":                          "302 403 403 403 403 404 403 404 403 403 403",
    "agreement_list":                                     "302 200 200 200 200 200 200 200 200 200 200",
    "agreement_new":                                      "302 200 403 403 403 200 200 200 403 403 403",
    "ceremonies":                                         "302 200 200 200 200 200 200 200 200 200 200",
    "agreement_templates":                                "302 403 403 403 403 403 403 200 403 403 403",
    "agreement_detail":                                   "302 200 404 404 404 200 404 200 404 404 404",
    "agreement_edit":                                     "302 200 404 404 404 200 404 200 404 404 404",
    "agreement_sign":                                     "302 200 404 404 404 200 404 404 404 404 404",
    "agreement_audit":                                    "302 200 404 404 404 200 404 200 404 404 404",
    "agreement_ceremony":                                 "302 200 404 404 404 200 404 200 404 404 404",
    "agreement_ceremony_room":                            "302 200 404 404 404 200 404 200 404 404 200",
    "agreement_ceremony_watch":                           "404 200 404 404 404 200 200 200 404 200 200",
    "POST agreement_ceremony_stream":                     "302 403 404 404 404 403 404 302 404 404 403",
    "agreement_pdf":                                      "302 200 404 404 404 200 404 200 404 404 404",
    "agreement_signed_pdf":                               "302 404 404 404 404 404 404 404 404 404 404",
    "POST agreement_proposal_answer":                     "302 404 404 404 404 404 404 404 404 404 404",
    "fair_outcomes":                                      "302 200 200 200 200 200 200 200 200 200 200",
    "company_outcomes":                                   "302 403 403 403 403 403 403 200 403 403 403",
    "outcome_detail":                                     "302 200 404 404 404 200 404 200 404 404 404",
    "GET /api/agreements/":                               "403 200 200 200 200 200 200 200 200 200 200",
    "POST /api/agreements/":                              "403 400 403 403 403 400 400 201 403 403 403",
    "GET /api/agreements/{id}/":                          "403 200 404 404 404 200 404 200 404 404 404",
    "GET /api/agreements/{id}/audit/":                    "403 200 404 404 404 200 404 200 404 404 404",
    "POST /api/agreements/{id}/ceremony/":                "403 200 404 404 404 200 404 200 404 404 404",
    "POST /api/agreements/{id}/ceremony/stream/":         "403 403 404 404 404 403 404 400 404 404 403",
    "POST /api/agreements/{id}/code/":                    "403 202 404 404 404 202 404 404 404 404 404",
    "POST /api/agreements/{id}/comments/":                "403 201 404 404 404 201 404 201 404 404 404",
    "POST /api/agreements/{id}/decline/":                 "403 200 404 404 404 200 404 404 404 404 404",
    "POST /api/agreements/{id}/edit/":                    "403 200 404 404 404 200 404 200 404 404 404",
    "POST /api/agreements/{id}/sign/":                    "403 400 404 404 404 400 404 404 404 404 404",
    "GET /api/agreements/{id}/signed/":                   "403 404 404 404 404 404 404 404 404 404 404",
    "GET /api/booths/":                                   "200 200 200 200 200 200 200 200 200 200 200",
    "GET /api/booths/{id}/":                              "200 200 200 200 200 200 200 200 200 200 200",
    "GET /api/booths/{id}/products/":                     "200 200 200 200 200 200 200 200 200 200 200",
    "PATCH /api/booths/{id}/":                            "403 403 403 403 403 200 403 200 403 403 403",
    "POST /api/booths/{id}/publish/":                     "403 403 403 403 403 200 403 200 403 403 403",
    "POST /api/booths/{id}/products/":                    "403 403 403 403 403 201 403 201 403 403 403",
    "GET /api/booths/{id}/products/{product}/":           "200 200 200 200 200 200 200 200 200 200 200",
    "PATCH /api/booths/{id}/products/{product}/":         "403 403 403 403 403 200 403 200 403 403 403",
    "DELETE /api/booths/{id}/products/{product}/":        "403 403 403 403 403 204 403 204 403 403 403",
    "GET /api/fairs/":                                    "200 200 200 200 200 200 200 200 200 200 200",
    "GET /api/fairs/{slug}/":                             "200 200 200 200 200 200 200 200 200 200 200",
    "GET /api/fairs/{slug}/halls/":                       "200 200 200 200 200 200 200 200 200 200 200",
    "GET /api/fairs/{slug}/registration/":                "403 200 404 200 200 404 404 404 404 404 404",
    "POST /api/fairs/{slug}/registration/":               "403 400 400 400 400 400 400 400 400 400 400",
    "GET /api/meeting-slots/":                            "403 200 403 403 403 403 403 403 403 403 403",
    "PUT /api/meeting-slots/availability/":               "403 200 403 403 403 403 403 403 403 200 200",
    "GET /api/meetings/":                                 "403 200 200 200 200 200 200 200 200 200 200",
    "POST /api/meetings/":                                "403 400 403 403 403 403 403 403 403 403 403",
    "GET /api/meetings/{id}/":                            "403 200 404 404 404 200 404 200 404 404 200",
    "POST /api/meetings/{id}/accept/":                    "403 400 404 404 404 400 404 400 404 404 403",
    "POST /api/meetings/{id}/cancel/":                    "403 400 404 404 404 400 404 400 404 404 403",
    "POST /api/meetings/{id}/decline/":                   "403 400 404 404 404 400 404 400 404 404 403",
    "POST /api/meetings/{id}/held/":                      "403 400 404 404 404 400 404 400 404 404 403",
    "POST /api/meetings/{id}/outcome/":                   "403 200 404 404 404 200 404 403 404 404 403",
    "POST /api/meetings/{id}/propose/":                   "403 400 404 404 404 400 404 400 404 404 403",
    "POST /api/meetings/{id}/reschedule/":                "403 400 404 404 404 400 404 400 404 404 403",
    "GET /api/fairs/{slug}/shows/":                       "200 200 200 200 200 200 200 200 200 200 200",
    "POST /api/fairs/{slug}/shows/":                      "403 403 403 403 403 201 403 403 403 403 403",
    "GET /api/shows/{id}/":                               "200 200 200 200 200 200 200 200 200 200 200",
    "POST /api/shows/{id}/follow/":                       "403 201 201 201 201 201 201 201 201 201 201",
    "DELETE /api/shows/{id}/follow/":                     "403 200 200 200 200 200 200 200 200 200 200",
    "POST /api/shows/{id}/cancel/":                       "403 403 403 403 403 200 403 403 403 403 403",
    "GET /api/meetings/{id}/stages/":                     "403 403 404 404 404 200 404 403 404 404 403",
    "POST /api/meetings/{id}/stages/":                    "403 403 404 404 404 201 404 403 404 404 403",
    "GET /api/outcomes/":                                 "403 200 200 200 200 200 200 200 200 200 200",
    "POST /api/outcomes/":                                "403 201 404 404 404 201 404 403 404 404 403",
    "GET /api/outcomes/{id}/":                            "403 200 404 404 404 200 404 200 404 404 404",
    "POST /api/outcomes/{id}/confirm/":                   "403 400 404 404 404 403 404 403 404 404 404",
    "POST /api/outcomes/{id}/dispute/":                   "403 400 404 404 404 403 404 403 404 404 404",
    "POST /api/outcomes/{id}/shipments/":                 "403 403 404 404 404 201 404 403 404 404 404",
    "POST /api/outcomes/{id}/shipments/{shipment}/":      "403 200 404 404 404 403 404 403 404 404 404",
    "POST /api/outcomes/{id}/withdraw/":                  "403 403 404 404 404 400 404 403 404 404 404",
    "GET /api/outcomes/verified/":                        "403 403 403 403 403 403 403 200 403 403 403",
    "GET /api/recommendations/buyers/":                   "403 403 403 403 403 400 403 403 403 403 403",
    "GET /api/recommendations/exhibitors/":               "403 400 403 403 403 403 403 403 403 403 403",
    "GET /api/recommendations/markets/":                  "403 403 403 403 403 400 403 403 403 403 403",
    "POST /api/recommendations/marks/":                   "403 201 403 403 403 403 403 403 403 403 403",
    "GET /api/meeting-slots/?fair={fair}&booth={draft_booth}": "403 404 403 403 403 404 404 403 403 404 404",
    "booth_markets":                                      "302 403 403 403 403 200 403 403 403 403 403",
    "booth_webhooks":                                     "302 403 403 403 403 200 403 200 403 403 403",
    "briefing_new":                                       "302 403 403 403 403 403 403 404 403 403 403",
    "briefings":                                          "302 200 403 403 403 200 200 200 403 200 200",
    "fair_webhooks":                                      "302 403 403 403 403 403 403 200 403 403 403",
    "playbook_detail":                                    "302 404 403 403 403 404 404 404 403 404 404",
    "playbook_item_edit":                                 "302 403 403 403 403 403 403 404 403 403 403",
    "playbooks":                                          "302 403 403 403 403 403 403 200 403 403 403",
    "readiness":                                          "302 403 403 403 403 200 403 403 403 403 403",
    "readiness_gaps":                                     "302 403 403 403 403 403 403 200 403 403 403",
    "webhook_detail":                                     "302 404 404 404 404 404 404 404 404 404 404",
    "POST webhook_redeliver":                             "302 404 404 404 404 404 404 404 404 404 404",
    "admin:*":                                            "302 302 302 302 302 302 302 302 302 302 302",
    "admin:login":                                        "302 403 403 403 403 403 403 403 403 403 403",
}
# fmt: on

# Cells where today's code answers wrongly; the expected code above is the right one. Each is an
# xfail(strict=True) test below: when the finding's fix lands, it passes, and the strict xfail fails
# until the cell is removed from this list.
KNOWN_WRONG: dict[tuple[str, str], str] = {}

# Routes walked but answered by libraries we configure rather than write: one row for the whole family.
FAMILIES = {"admin:": "admin:*"}

# Routes that exist only in some configurations (DEBUG's media server).
NOT_WALKED = {"^media/(?P<path>.*)$"}


# --- the routes ------------------------------------------------------------------------------------


def _page_routes():
    """(key, route pattern, parameter names) of every URL pattern that is not the REST API."""

    def walk(patterns, prefix="", namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), (f"{namespace}:" if namespace else "") + (p.name or "")

    seen = set()
    for route, name in walk(get_resolver().url_patterns):
        if route.lstrip("^").startswith("api/") and route not in ("api/schema/", "api/docs/"):
            continue  # the REST API is walked from its schema
        if route in NOT_WALKED or "<drf_format_suffix" in route:
            continue
        key = name or route
        if (key, route) in seen:
            continue
        seen.add((key, route))
        yield key, route


def _api_operations():
    """(key, method, path with its query) of every operation of the OpenAPI schema, its required
    query parameters filled in (``{fair}``, ``{booth}``), and the PROBES."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            key = f"{method.upper()} {path}"
            names = [
                p["name"] for p in operation.get("parameters", []) if p["in"] == "query" and p.get("required")
            ]
            names += [n for n in QUERIES.get(key, ()) if n not in names]
            query = "&".join(f"{n}={{{n}}}" for n in names)
            yield key, method, path + (f"?{query}" if query else "")
    for key in PROBES:
        method, path = key.split(" ", 1)
        yield key, method.lower(), path


# Query parameters an operation needs besides those its schema marks required.
QUERIES = {"GET /api/meeting-slots/": ("fair", "booth")}

# Requests worth a row of their own: a draft booth's slots must be as hidden as the booth.
PROBES = ("GET /api/meeting-slots/?fair={fair}&booth={draft_booth}",)


def _bodies(world) -> dict[str, dict]:
    """A well-formed body for each operation that takes one, so that the answer is about who asks."""
    slot = world["free_slot"].pk
    return {
        "POST /api/agreements/": {
            "fair": world["fair"].slug,
            "kind": "mou",
            "language": "en",
            "title": "Probe",
            "text": "Probe",
        },
        "POST /api/agreements/{id}/ceremony/": {"starts_at": world["free_slot"].starts_at.isoformat()},
        "POST /api/agreements/{id}/comments/": {"text": "Probe"},
        "POST /api/agreements/{id}/edit/": {"title": "Probe", "text": "Probe"},
        "POST /api/agreements/{id}/sign/": {"code": "000000"},
        "POST /api/agreements/{id}/decline/": {"reason": "Probe"},
        "PUT /api/meeting-slots/availability/": {"fair": world["fair"].slug, "slots": [slot]},
        "POST /api/meetings/": {"booth": world["booth"].pk, "slot": slot},
        "POST /api/meetings/{id}/cancel/": {"reason": "Probe"},
        "POST /api/meetings/{id}/decline/": {"reason": "Probe"},
        "POST /api/meetings/{id}/held/": {"held": True},
        "POST /api/meetings/{id}/outcome/": {"rating": 4},
        "POST /api/meetings/{id}/propose/": {"slot": slot},
        "POST /api/meetings/{id}/reschedule/": {"slot": slot},
        "POST /api/meetings/{id}/stages/": {"stage": "sample_sent", "on": "2027-01-05"},
        "PATCH /api/booths/{id}/": {"tagline": {"en": "Probe"}},
        "POST /api/booths/{id}/publish/": {"published": True},
        "POST /api/booths/{id}/products/": {"names": {"en": "Probe"}, "hs_code": "330499"},
        "PATCH /api/booths/{id}/products/{product}/": {"names": {"en": "Probe"}},
        "POST /api/outcomes/": {
            "origin_id": world["held"].pk,
            "type": "order",
            "value": "10",
            "currency": "USD",
            "products": "Probe",
        },
        "POST /api/outcomes/{id}/dispute/": {"note": "Probe"},
        "POST /api/outcomes/{id}/shipments/": {"shipped_on": "2027-01-06", "value": "10", "currency": "USD"},
        "POST /api/outcomes/{id}/shipments/{shipment}/": {"confirm": True},
        "POST /api/recommendations/marks/": {"booth": world["booth"].pk, "value": MARK},
        "POST /api/fairs/{slug}/shows/": {
            "booth": world["booth"].pk,
            "title": "Probe",
            "language": "en",
            "starts": (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "zone": "Asia/Seoul",
            "minutes": 30,
        },
    }


_PARAM = re.compile(
    r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<rname>\w+)>[^)]*\)|\{(?P<oname>\w+)\}"
)


def _fill(route: str, values: dict) -> str:
    def value(m):
        name = m.group("name") or m.group("rname") or m.group("oname")
        return str(values.get(name, 1))  # admin's object ids and the like: any id will do

    url = _PARAM.sub(value, route)
    return "/" + url.replace("^", "").replace("$", "").lstrip("/")


# --- the world -------------------------------------------------------------------------------------


def _verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def world(small_fair):
    f = small_fair["fair"]
    booth = small_fair["booths"]["cosmetics"]
    other = factories.fair()
    people = {
        "by": small_fair["buyer"],
        "bo": factories.buyer(other),
        "pe": factories.buyer(f, status=Participant.Status.PENDING),
        "re": factories.buyer(f, status=Participant.Status.REJECTED),
        "st": small_fair["staff"],
        "so": factories.staff(small_fair["booths"]["snacks"]),
        "or": small_fair["organizer"],
        "oo": factories.participant(other, "organizer"),
        "ic": small_fair["interpreter"],
        "ip": factories.participant(f, "interpreter", languages=["ko", "ja"]),
    }
    for p in people.values():
        _verified(p.user)
    slots = meeting_services.slots_generate(fair=f)

    def meeting(slot, interpreter, status):
        return Meeting.objects.create(
            fair=f,
            buyer=people["by"],
            booth=booth,
            exhibitor=people["st"],
            slot=slot,
            status=Meeting.Status.HELD,
            interpreter=interpreter,
            interpreter_status=status,
        )

    held = meeting(slots[0], people["ic"], Meeting.InterpreterStatus.CONFIRMED)
    proposed = meeting(slots[1], people["ip"], Meeting.InterpreterStatus.PROPOSED)
    agreement = agreement_services.agreement_draft(
        actor=people["st"].user,
        fair=f,
        kind="mou",
        title="Memorandum of understanding",
        language="en",
        text="Both sides mean to trade.",
        signatories=[(people["st"], "CEO"), (people["by"], "Buyer")],
    )
    # Its signing ceremony, now, in the held meeting's room (whose interpreter joins it too), streamed
    # to the fair's participants.
    Ceremony.objects.create(
        agreement=agreement,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=1),
        meeting=held,
        stream_audience=Ceremony.Audience.PARTICIPANTS,
    )
    outcome = TradeOutcome.objects.create(
        fair=f,
        origin_kind="meeting",
        origin_id=held.pk,
        meeting=held,
        booth=booth,
        buyer=people["by"],
        declared_side="exhibitor",
        declared_by=people["st"].user,
        type="order",
        value=Decimal("1000"),
        currency="USD",
        value_usd=Decimal("1000"),
        products="Snail cream",
        status=TradeOutcome.Status.CONFIRMED,
        answered_by=people["by"].user,
        answered_at=timezone.now(),
    )
    shipment = Shipment.objects.create(
        outcome=outcome,
        shipped_on=date(2027, 1, 5),
        value=Decimal("500"),
        currency="USD",
        value_usd=500,
        recorded_by=people["st"].user,
    )
    feed = CalendarFeed.objects.create(user=people["by"].user)
    show = Show.objects.create(
        fair=f,
        booth=booth,
        title="New serums, live",
        starts_at=timezone.now() + timedelta(days=1),
        ends_at=timezone.now() + timedelta(days=1, minutes=30),
        zone="Asia/Seoul",
    )
    interpretation = ShowInterpretation.objects.create(
        show=show, interpreter=people["ic"], language="ja", status=ShowInterpretation.Status.CONFIRMED
    )
    product = booth.products.first()
    values = {
        "interpretation_id": interpretation.pk,
        "fair_slug": f.slug,
        "slug": f.slug,
        "hall_slug": small_fair["halls"]["beauty"].slug,
        "booth_id": booth.pk,
        "show_id": show.pk,
        "product_id": product.pk,
        "product": product.pk,
        "image_id": 999999,
        "document_id": 999999,
        "buyer_id": people["by"].pk,
        "company_id": booth.company_id,
        "agreement_id": agreement.pk,
        "comment_id": 999999,
        "answer": "accept",
        "outcome_id": outcome.pk,
        "shipment": shipment.pk,
        "table": "online_by_role",
        "fmt": "xlsx",
        "country": "JP",
        "crm_name": "hubspot",
        "version": 1,
        "item_id": 999999,
        "webhook_id": 999999,
        "delivery_id": 999999,
        "fair": f.slug,
        "booth": booth.pk,
        "draft_booth": small_fair["booths"]["draft"].pk,
        "action": "cancel",
        "key": "no-such-key",
        "uidb36": "zz",
        "object_id": 1,
        "app_label": "fair",
        "content_type_id": 1,
        "url": "x",
    }
    return {
        "fair": f,
        "people": people,
        "held": held,
        "proposed": proposed,
        "values": values,
        "agreement": agreement,
        "outcome": outcome,
        "feed": feed,
        "booth": booth,
        "free_slot": slots[5],
        "show": show,
    }


def _values_for(world, role: str, key: str) -> dict:
    values = dict(world["values"])
    meeting = world["proposed"] if role == "ip" else world["held"]
    values["meeting_id"] = meeting.pk
    values["token"] = world["feed"].token if key == "meetings:feed" else "no-such-upload"
    api_id = {
        "/api/meetings/": meeting.pk,
        "/api/booths/": world["booth"].pk,
        "/api/agreements/": world["agreement"].pk,
        "/api/outcomes/": world["outcome"].pk,
        "/api/shows/": world["show"].pk,
    }
    for prefix, pk in api_id.items():
        if f" {prefix}" in key:
            values["id"] = values["pk"] = pk
    return values


def _request(client: Client, method: str, url: str, body: dict | None = None):
    cookies = client.cookies
    with transaction.atomic():
        if method == "get":
            response = client.get(url)
        else:
            data = json.dumps(body or {})
            response = client.generic(method.upper(), url, data=data, content_type="application/json")
        transaction.set_rollback(True)
    client.cookies = cookies
    return response.status_code


def _observe(world, role: str) -> dict[str, tuple[str, int]]:
    """key -> (url, status) for every route, as ``role`` is answered today."""
    client = Client(raise_request_exception=False)
    if role != "an":
        client.force_login(world["people"][role].user)
    seen: dict[str, tuple[str, int]] = {}
    for name, route in _page_routes():
        url = _fill(route, _values_for(world, role, name))
        key = _page_key(name)
        method = "post" if key.startswith("POST ") else "get"
        seen[key if not key.startswith("admin:") else f"{key} {route}"] = (url, _request(client, method, url))
    bodies = _bodies(world)
    for key, method, path in _api_operations():
        url = _fill(path, _values_for(world, role, key))
        seen[key] = (url, _request(client, method, url, bodies.get(key)))
    return seen


def _page_key(name: str) -> str:
    """The row of a page: its URL name, or "POST <name>" for a page that only takes a form."""
    return f"POST {name}" if f"POST {name}" in MATRIX else name


def _expected(key: str) -> list[str]:
    if key in MATRIX:
        return MATRIX[key].split()
    for prefix, row in FAMILIES.items():
        if key.startswith(prefix):
            return MATRIX[row].split()
    return MATRIX[key].split()


def _row_exists(key: str) -> bool:
    return any(key.startswith(p) for p in FAMILIES) or key in MATRIX


# --- the tests -------------------------------------------------------------------------------------


def test_every_route_has_a_row(db):
    keys = [_page_key(k) for k, _route in _page_routes()] + [k for k, _m, _p in _api_operations()]
    missing = sorted({k for k in keys if not _row_exists(k)})
    assert missing == [], f"routes without a row in MATRIX: {missing}"
    stale = sorted(set(MATRIX) - set(keys) - set(FAMILIES.values()))
    assert stale == [], f"rows of routes that no longer exist: {stale}"
    for key, row in MATRIX.items():
        assert len(row.split()) == len(ROLES), key


@pytest.mark.parametrize("role", ROLES)
def test_every_route_answers_each_role_as_the_matrix_says(world, role):
    column = ROLES.index(role)
    observed = _observe(world, role)
    if os.environ.get("MATRIX_PRINT"):
        with open(f"/tmp/matrix-{role}.json", "w") as f:
            json.dump({k: v[1] for k, v in observed.items()}, f)
    wrong = []
    for key, (url, status) in observed.items():
        name = key.split(" ")[0] if key.startswith("admin:") else key
        if not _row_exists(name):
            continue  # test_every_route_has_a_row says so
        expected = _expected(name)[column]
        if (key, role) in KNOWN_WRONG:
            continue  # its own xfail test below
        if str(status) != expected.rstrip("!"):
            wrong.append(f"{key} ({url}): expected {expected}, got {status}")
    assert wrong == [], "\n".join(wrong)


# The known wrong cells, one strict xfail each; defined only while there are some (an empty
# parametrization would show as a skip).
if KNOWN_WRONG:

    @pytest.mark.parametrize(
        ("key", "role"),
        [
            pytest.param(k, r, id=f"{k}-{r}", marks=pytest.mark.xfail(strict=True, reason=why))
            for (k, r), why in KNOWN_WRONG.items()
        ],
    )
    def test_known_wrong_cells(world, key, role):
        observed = _observe_one(world, role, key)
        assert str(observed) == _expected(key)[ROLES.index(role)].rstrip("!")


def _api_path(key: str) -> str:
    return next(path for k, _m, path in _api_operations() if k == key)


def _observe_one(world, role: str, key: str) -> int:
    client = Client(raise_request_exception=False)
    if role != "an":
        client.force_login(world["people"][role].user)
    if key[:4] in ("GET ", "POST", "PUT ", "PATC", "DELE"):
        method, path = key.split(" ", 1)
        url = _fill(_api_path(key), _values_for(world, role, key))
        return _request(client, method.lower(), url, _bodies(world).get(key))
    name = key.removeprefix("POST ")
    route = dict(_page_routes())[name]
    return _request(client, "post" if key != name else "get", _fill(route, _values_for(world, role, name)))
