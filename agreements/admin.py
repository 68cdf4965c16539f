from django.contrib import admin

from agreements.models import Agreement, Shipment, Template, TradeOutcome
from kernel.audit import AuditedAdmin


@admin.register(Agreement)
class AgreementAdmin(AuditedAdmin):
    list_display = ["title", "fair", "kind", "status", "version", "completed_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["final_pdf", "final_pdf_sha256", "completed_at", "version", "status"]


@admin.register(Template)
class TemplateAdmin(AuditedAdmin):
    list_display = ["title", "fair", "kind", "language", "updated_at"]


@admin.register(TradeOutcome)
class TradeOutcomeAdmin(AuditedAdmin):
    list_display = ["__str__", "fair", "booth", "buyer", "status", "value_usd"]
    list_filter = ["status", "type"]


@admin.register(Shipment)
class ShipmentAdmin(AuditedAdmin):
    list_display = ["__str__", "status", "declaration_number"]
