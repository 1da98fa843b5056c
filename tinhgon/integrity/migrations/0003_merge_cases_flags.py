# The cases and the red flags parts began apart: one graph from here on.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("integrity", "0001_flags"),
        ("integrity", "0002_cases_time_limits"),
    ]

    operations = []
