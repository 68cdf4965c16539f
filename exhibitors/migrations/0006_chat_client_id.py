from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exhibitors", "0005_search_trigram_extension"),
    ]

    operations = [
        migrations.AddField(
            model_name="chatmessage",
            name="client_id",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddConstraint(
            model_name="chatmessage",
            constraint=models.UniqueConstraint(
                condition=models.Q(("client_id", ""), _negated=True),
                fields=("author", "client_id"),
                name="chat_author_client_id_once",
            ),
        ),
    ]
