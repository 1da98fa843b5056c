"""The statutory time limits of cases, with the article each comes from (docs/integrity-cases.md).

The laws count "ngày"; issue 11 asks for them on the working-day calendar, which is what the
services do with these figures (the stricter reading is for the lead to confirm).
"""

from django.db import migrations

COMPLAINTS = "Luật Khiếu nại 2011 (02/2011/QH13), Điều 28"
DENUNCIATIONS = "Luật Tố cáo 2018 (25/2018/QH14), Điều 30"
FEEDBACK = "Nghị định 20/2008/NĐ-CP (sửa đổi: Nghị định 92/2017/NĐ-CP), Điều 15 — to verify"

# kind, variant, days, days of one extension, extensions allowed, source
LIMITS = [
    ("complaint", "normal", 30, 15, 1, COMPLAINTS + ", khoản 1: 30 ngày; phức tạp ≤ 45"),
    ("complaint", "complex", 45, 0, 0, COMPLAINTS + ", khoản 1: vụ việc phức tạp ≤ 45 ngày"),
    (
        "complaint",
        "remote",
        45,
        15,
        1,
        COMPLAINTS + ", khoản 2: vùng sâu, vùng xa 45; phức tạp ≤ 60",
    ),
    ("denunciation", "normal", 30, 30, 2, DENUNCIATIONS + ", khoản 1: 30 ngày; gia hạn ≤ 2 × 30"),
    (
        "denunciation",
        "complex",
        30,
        30,
        2,
        DENUNCIATIONS + ", khoản 1: phức tạp, đặc biệt phức tạp: gia hạn 1–2 lần × 30",
    ),
    ("feedback", "normal", 10, 0, 0, FEEDBACK),
]


def seed(apps, schema_editor):
    TimeLimit = apps.get_model("integrity", "TimeLimit")
    for kind, variant, days, extension, times, source in LIMITS:
        TimeLimit.objects.update_or_create(
            kind=kind,
            variant=variant,
            defaults={
                "days": days,
                "extension_days": extension,
                "max_extensions": times,
                "source": source,
            },
        )


def unseed(apps, schema_editor):
    apps.get_model("integrity", "TimeLimit").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("integrity", "0001_cases")]

    operations = [migrations.RunPython(seed, unseed)]
