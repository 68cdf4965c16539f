"""API tokens get scopes, an expiry date and an owner (personal, or an organization's).

Existing tokens: read -> ["read"]; write -> every scope but admin-of-fair; each expires 90 days from
this migration (docs/api-tokens.md)."""

from datetime import timedelta

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

ALL_BUT_ADMIN = ["read", "meetings", "leads", "rfq", "booth"]


def forwards(apps, schema_editor):
    ApiToken = apps.get_model("fair", "ApiToken")
    expires = timezone.now() + timedelta(days=90)
    for token in ApiToken.objects.all():
        token.scopes = ALL_BUT_ADMIN if token.scope == "write" else ["read"]
        token.expires_at = expires
        token.save(update_fields=["scopes", "expires_at"])


def backwards(apps, schema_editor):
    ApiToken = apps.get_model("fair", "ApiToken")
    for token in ApiToken.objects.all():
        token.scope = "write" if set(token.scopes) - {"read"} else "read"
        token.save(update_fields=["scope"])


class Migration(migrations.Migration):
    dependencies = [
        ("exhibitors", "0006_chat_client_id"),
        ("fair", "0008_company_size"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.JSONField(default=list, verbose_name="scopes"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expires"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="kind",
            field=models.CharField(
                choices=[("personal", "Personal"), ("organization", "Organization")],
                default="personal",
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="booth",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="api_tokens",
                to="exhibitors.booth",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="apitoken", name="scope"),
        migrations.AddConstraint(
            model_name="apitoken",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "organization"), ("booth__isnull", True), _connector="OR"),
                name="api_token_booth_is_organization",
            ),
        ),
    ]
