from django.urls import path

from frontend import (
    agreement_views,
    audit_views,
    booth_views,
    dashboard_views,
    integration_views,
    join_views,
    matching_views,
    meeting_views,
    notice_views,
    organizer_views,
    outcome_views,
    playbook_views,
    privacy_views,
    rfq_views,
    show_views,
    standing_views,
    token_views,
    views,
)

_BOOTH = "fairs/<slug:fair_slug>/booths/<int:booth_id>/"
_SHOW = "fairs/<slug:fair_slug>/shows/<int:show_id>/"

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("profile/", views.profile, name="profile"),
    path("profile/api-tokens/", token_views.api_tokens, name="api_tokens"),
    path("profile/data/", integration_views.my_data, name="my_data"),
    path("profile/data/<uuid:uid>/", integration_views.data_export_download, name="data_export_download"),
    path("profile/privacy/", privacy_views.privacy_settings, name="privacy_settings"),
    path("profile/erase/", privacy_views.account_erase, name="account_erase"),
    path("fairs/<slug:fair_slug>/organize/retention/", privacy_views.fair_retention, name="fair_retention"),
    # The notification centre: frontend/notice_views.py
    path("notifications/", notice_views.notice_list, name="notice_list"),
    path("notifications/read-all/", notice_views.notice_read_all, name="notice_read_all"),
    path("notifications/<int:notice_id>/", notice_views.notice_open, name="notice_open"),
    path("notifications/<int:notice_id>/read/", notice_views.notice_read, name="notice_read"),
    path("fairs/", views.fair_list, name="fair_list"),
    path("fairs/<slug:fair_slug>/", views.fair_home, name="fair_home"),
    path("fairs/<slug:fair_slug>/halls/", views.hall_list, name="hall_list"),
    path("fairs/<slug:fair_slug>/halls/<slug:hall_slug>/", views.hall_detail, name="hall_detail"),
    # Booth pages, the booth builder, search and bookmarks: frontend/booth_views.py
    path("fairs/<slug:fair_slug>/booths/<int:booth_id>/", booth_views.booth_detail, name="booth_detail"),
    path(f"{_BOOTH}status/", booth_views.booth_status, name="booth_status"),
    path("fairs/<slug:fair_slug>/search/", booth_views.fair_search, name="fair_search"),
    path("fairs/<slug:fair_slug>/bookmarks/", booth_views.bookmark_list, name="bookmark_list"),
    path("hs/search.json", booth_views.hs_search_json, name="hs_search_json"),
    # Meetings: frontend/meeting_views.py
    path(f"{_BOOTH}meet/", meeting_views.meeting_book, name="meeting_book"),
    path(f"{_BOOTH}invite/<int:buyer_id>/", meeting_views.meeting_invite, name="meeting_invite"),
    path("schedule/", meeting_views.my_schedule, name="my_schedule"),
    path("schedule/calendar/", meeting_views.calendar_feed_change, name="calendar_feed_change"),
    path("schedule/<int:meeting_id>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("schedule/<int:meeting_id>/outcome/", meeting_views.meeting_outcome, name="meeting_outcome"),
    path("schedule/<int:meeting_id>/outcomes/", outcome_views.meeting_outcomes, name="meeting_outcomes"),
    path("schedule/<int:meeting_id>/<slug:action>/", meeting_views.meeting_action, name="meeting_action"),
    path("fairs/<slug:fair_slug>/availability/", meeting_views.availability, name="meeting_availability"),
    path(
        "fairs/<slug:fair_slug>/interpreting/",
        meeting_views.interpreter_schedule,
        name="interpreter_schedule",
    ),
    path("fairs/<slug:fair_slug>/meetings/", meeting_views.organizer_overview, name="meeting_overview"),
    path("fairs/<slug:fair_slug>/meetings/round/", meeting_views.organizer_round, name="meeting_round"),
    # The organizer's console, self-registration and the outcome ledger: frontend/organizer_views.py
    path("organize/new/", organizer_views.fair_create, name="fair_create"),
    path("fairs/<slug:fair_slug>/organize/", organizer_views.console, name="organizer_console"),
    path("fairs/<slug:fair_slug>/organize/fair/", organizer_views.fair_edit, name="organizer_fair_edit"),
    path("fairs/<slug:fair_slug>/organize/halls/", organizer_views.halls, name="organizer_halls"),
    path(
        "fairs/<slug:fair_slug>/organize/registrations/",
        organizer_views.registrations,
        name="organizer_registrations",
    ),
    path("fairs/<slug:fair_slug>/organize/invite/", organizer_views.invite, name="organizer_invite"),
    path(
        "fairs/<slug:fair_slug>/organize/invite/<str:token>/",
        organizer_views.invite_preview,
        name="organizer_invite_preview",
    ),
    path("fairs/<slug:fair_slug>/organize/rates/", organizer_views.rates, name="organizer_rates"),
    # The audit log: the fair's (organizers) and what was done to my data: frontend/audit_views.py
    path("fairs/<slug:fair_slug>/organize/log/", audit_views.fair_log, name="organizer_log"),
    path("profile/activity/", audit_views.my_activity, name="my_activity"),
    # Joining a fair, the first steps after approval, who may create fairs: frontend/join_views.py
    path("register/", join_views.register_start, name="register_start"),
    path("fairs/<slug:fair_slug>/register/", join_views.register, name="fair_register"),
    path("fairs/<slug:fair_slug>/first-steps/", join_views.first_steps, name="first_steps"),
    path("organizers/", join_views.fair_creators, name="fair_creators"),
    path("fairs/<slug:fair_slug>/organize/publish/", organizer_views.publish, name="organizer_publish"),
    path("leads/<int:meeting_id>/", organizer_views.meeting_ledger, name="meeting_ledger"),
    # Recommended for you (buyers); recommended buyers and markets (booth staff)
    path("recommended/", matching_views.recommended_index, name="recommended_index"),
    path("fairs/<slug:fair_slug>/recommended/", matching_views.recommended_booths, name="recommended_booths"),
    path(
        "fairs/<slug:fair_slug>/recommended/<int:booth_id>/mark/",
        matching_views.recommended_booth_mark,
        name="recommended_booth_mark",
    ),
    path(f"{_BOOTH}recommended/", matching_views.recommended_buyers, name="recommended_buyers"),
    path(
        f"{_BOOTH}recommended/<int:buyer_id>/mark/",
        matching_views.recommended_buyer_mark,
        name="recommended_buyer_mark",
    ),
    # The organizer's live dashboard, exports and report; a booth's own report: frontend/dashboard_views.py
    path("fairs/<slug:fair_slug>/dashboard/", dashboard_views.dashboard, name="fair_dashboard"),
    path("fairs/<slug:fair_slug>/dashboard/export.xlsx", dashboard_views.export_xlsx, name="dashboard_xlsx"),
    path(
        "fairs/<slug:fair_slug>/dashboard/export/<slug:table>.csv",
        dashboard_views.export_csv,
        name="dashboard_csv",
    ),
    path("fairs/<slug:fair_slug>/report/", dashboard_views.fair_report, name="fair_report"),
    path(f"{_BOOTH}report/<slug:fmt>/", dashboard_views.booth_report, name="booth_report"),
    path(f"{_BOOTH}bookmark/", booth_views.bookmark_toggle, name="bookmark_toggle"),
    path(f"{_BOOTH}products/<int:product_id>/", booth_views.product_detail, name="product_detail"),
    path(f"{_BOOTH}edit/", booth_views.booth_builder, name="booth_builder"),
    path(f"{_BOOTH}edit/media/", booth_views.booth_media, name="booth_media"),
    path(f"{_BOOTH}edit/publish/", booth_views.booth_publish, name="booth_publish"),
    path(f"{_BOOTH}edit/brochures/", booth_views.brochure_add, name="brochure_add"),
    path(
        f"{_BOOTH}edit/brochures/<int:document_id>/delete/",
        booth_views.brochure_remove,
        name="brochure_remove",
    ),
    path(f"{_BOOTH}edit/products/new/", booth_views.product_edit, name="product_new"),
    path(f"{_BOOTH}edit/products/<int:product_id>/", booth_views.product_edit, name="product_edit"),
    path(
        f"{_BOOTH}edit/products/<int:product_id>/delete/", booth_views.product_delete, name="product_delete"
    ),
    path(
        f"{_BOOTH}edit/products/<int:product_id>/images/<int:image_id>/delete/",
        booth_views.product_image_remove,
        name="product_image_remove",
    ),
    # Live product shows: frontend/show_views.py
    path("fairs/<slug:fair_slug>/shows/", show_views.programme, name="show_programme"),
    path(f"{_BOOTH}shows/new/", show_views.show_new, name="show_new"),
    path(_SHOW, show_views.show_detail, name="show_detail"),
    path(f"{_SHOW}show.ics", show_views.show_ics, name="show_ics"),
    path(f"{_SHOW}remind/", show_views.show_remind, name="show_remind"),
    path(f"{_SHOW}interpret/", show_views.show_interpret, name="show_interpret"),
    path(f"{_SHOW}interpreters/", show_views.show_interpreter_assign, name="show_interpreter_assign"),
    path(
        f"{_SHOW}interpreters/<int:interpretation_id>/answer/",
        show_views.show_interpretation_answer,
        name="show_interpretation_answer",
    ),
    path(
        f"{_SHOW}interpreters/<int:interpretation_id>/remove/",
        show_views.show_interpretation_remove,
        name="show_interpretation_remove",
    ),
    path(f"{_SHOW}<slug:action>/", show_views.show_action, name="show_action"),
    # Sourcing requests (RFQ) and quotations: frontend/rfq_views.py
    path("fairs/<slug:fair_slug>/rfq/", rfq_views.rfq_list, name="rfq_list"),
    path("fairs/<slug:fair_slug>/rfq/new/", rfq_views.rfq_new, name="rfq_new"),
    path("fairs/<slug:fair_slug>/rfq/<int:rfq_id>/", rfq_views.rfq_detail, name="rfq_detail"),
    # Standing halls (open all year): frontend/standing_views.py
    path(
        "fairs/<slug:fair_slug>/organize/all-year/", standing_views.standing_console, name="standing_console"
    ),
    path(f"{_BOOTH}weekly-hours/", standing_views.weekly_hours, name="weekly_hours"),
    # Agreements, signing ceremonies and declared outcomes: frontend/agreement_views.py, outcome_views.py
    path("fairs/<slug:fair_slug>/agreements/", agreement_views.agreement_list, name="agreement_list"),
    path("fairs/<slug:fair_slug>/agreements/new/", agreement_views.agreement_new, name="agreement_new"),
    path("fairs/<slug:fair_slug>/ceremonies/", agreement_views.ceremonies, name="ceremonies"),
    path(
        "fairs/<slug:fair_slug>/organize/agreement-templates/",
        agreement_views.templates,
        name="agreement_templates",
    ),
    path("agreements/<int:agreement_id>/", agreement_views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:agreement_id>/edit/", agreement_views.agreement_edit, name="agreement_edit"),
    path("agreements/<int:agreement_id>/sign/", agreement_views.agreement_sign, name="agreement_sign"),
    path("agreements/<int:agreement_id>/audit/", agreement_views.agreement_audit, name="agreement_audit"),
    path("agreements/<int:agreement_id>/ceremony/", agreement_views.ceremony, name="agreement_ceremony"),
    path(
        "agreements/<int:agreement_id>/ceremony/room/",
        agreement_views.ceremony_room,
        name="agreement_ceremony_room",
    ),
    path(
        "agreements/<int:agreement_id>/ceremony/stream/",
        agreement_views.ceremony_stream,
        name="agreement_ceremony_stream",
    ),
    path(
        "agreements/<int:agreement_id>/ceremony/watch/",
        agreement_views.ceremony_watch,
        name="agreement_ceremony_watch",
    ),
    path(
        "agreements/<int:agreement_id>/document.pdf", agreement_views.agreement_document, name="agreement_pdf"
    ),
    path(
        "agreements/<int:agreement_id>/signed.pdf",
        agreement_views.agreement_signed_pdf,
        name="agreement_signed_pdf",
    ),
    path(
        "agreements/<int:agreement_id>/comments/<int:comment_id>/<slug:answer>/",
        agreement_views.proposal_answer,
        name="agreement_proposal_answer",
    ),
    path("fairs/<slug:fair_slug>/outcomes/", outcome_views.fair_outcomes, name="fair_outcomes"),
    path("fairs/<slug:fair_slug>/organize/webhooks/", integration_views.fair_webhooks, name="fair_webhooks"),
    path(f"{_BOOTH}webhooks/", integration_views.booth_webhooks, name="booth_webhooks"),
    path(f"{_BOOTH}leads/<slug:crm_name>.csv", integration_views.crm_leads, name="crm_leads"),
    path(
        "fairs/<slug:fair_slug>/webhooks/<int:webhook_id>/",
        integration_views.webhook_detail,
        name="webhook_detail",
    ),
    path(
        "fairs/<slug:fair_slug>/webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/redeliver/",
        integration_views.webhook_redeliver,
        name="webhook_redeliver",
    ),
    path("fairs/<slug:fair_slug>/organize/playbooks/", playbook_views.playbooks, name="playbooks"),
    path(
        "fairs/<slug:fair_slug>/playbooks/<str:country>/<int:version>/",
        playbook_views.playbook_detail,
        name="playbook_detail",
    ),
    path(
        "fairs/<slug:fair_slug>/organize/playbooks/items/<int:item_id>/",
        playbook_views.playbook_item_edit,
        name="playbook_item_edit",
    ),
    path("fairs/<slug:fair_slug>/organize/readiness/", playbook_views.readiness_gaps, name="readiness_gaps"),
    path("fairs/<slug:fair_slug>/organize/briefings/new/", playbook_views.briefing_new, name="briefing_new"),
    path("fairs/<slug:fair_slug>/briefings/", playbook_views.briefings, name="briefings"),
    path(f"{_BOOTH}markets/", playbook_views.booth_markets, name="booth_markets"),
    path(
        f"{_BOOTH}products/<int:product_id>/ready/<str:country>/",
        playbook_views.readiness,
        name="readiness",
    ),
    path(
        "fairs/<slug:fair_slug>/outcomes/companies/<int:company_id>/",
        outcome_views.company_outcomes,
        name="company_outcomes",
    ),
    path("outcomes/<int:outcome_id>/", outcome_views.outcome_detail, name="outcome_detail"),
]
