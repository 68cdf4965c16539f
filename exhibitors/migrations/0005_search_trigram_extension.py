# pg_trgm for the fair search's typo-tolerant words (exhibitors/search.py); nothing on SQLite.
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("exhibitors", "0004_booth_builder"),
    ]

    operations = [
        TrigramExtension(),
    ]
