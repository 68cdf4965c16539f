"""The daily breaks move to the fair (its whole schedule in one place, fair.Fair.breaks); a slot the
schedule no longer gives can be retired (kept for the closed meetings it holds)."""

from django.db import migrations, models


def breaks_to_the_fair(apps, schema_editor):
    MeetingRules = apps.get_model("meetings", "MeetingRules")
    Fair = apps.get_model("fair", "Fair")
    for rules in MeetingRules.objects.exclude(breaks=[]):
        Fair.objects.filter(pk=rules.fair_id).update(breaks=rules.breaks)


def breaks_back(apps, schema_editor):
    MeetingRules = apps.get_model("meetings", "MeetingRules")
    Fair = apps.get_model("fair", "Fair")
    for fair in Fair.objects.exclude(breaks=[]):
        MeetingRules.objects.update_or_create(fair_id=fair.pk, defaults={"breaks": fair.breaks})


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_room"),
        ("fair", "0003_fair_breaks"),
    ]

    operations = [
        migrations.RunPython(breaks_to_the_fair, breaks_back),
        migrations.RemoveField(model_name="meetingrules", name="breaks"),
        migrations.AddField(
            model_name="slot",
            name="retired",
            field=models.BooleanField(default=False, verbose_name="retired"),
        ),
    ]
