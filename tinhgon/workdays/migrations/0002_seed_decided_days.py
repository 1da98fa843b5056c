"""The make-up working Saturdays and swapped days off decided for 2018-2026, each with its source.

Only swaps whose document is cited by the `holidays` package (0.109, VietnamStaticHolidays) are
here; the Tết breaks of 2024-2026 and the 2 September breaks of 2025-2026 need no swap beyond what
the package already knows (observed days). docs/calendar.md says which years are not verified
and how to add next year's decision (`tinhgon calendar add`, or the admin site).
"""

import datetime as dt

from django.db import migrations

OFFICE_6519 = "Công văn 6519/VPCP-KGVX năm 2018 của Văn phòng Chính phủ (nghỉ lễ 2019 của CBCCVC)"
OFFICE_2450 = (
    "Công văn 2450/VPCP-KGVX năm 2024 của Văn phòng Chính phủ (hoán đổi ngày làm việc dịp 30/4)"
)
NOTICE_6150 = (
    "Thông báo 6150/TB-BLĐTBXH năm 2024 của Bộ Lao động - Thương binh và Xã hội, như gói holidays "
    "0.109 dẫn; chưa đối chiếu văn bản gốc"
)
NOTICE_2026 = "Lịch nghỉ Quốc khánh 2026 của CBCCVC, như gói holidays 0.109 dẫn; chưa rõ số văn bản"

# (day off, make-up Saturday, what the swap is for, source)
SWAPS = [
    (dt.date(2018, 12, 31), dt.date(2019, 1, 5), "Tết Dương lịch 2019", OFFICE_6519),
    (dt.date(2019, 4, 29), dt.date(2019, 5, 4), "30/4 - 1/5/2019", OFFICE_6519),
    (dt.date(2024, 4, 29), dt.date(2024, 5, 4), "30/4 - 1/5/2024", OFFICE_2450),
    (dt.date(2025, 5, 2), dt.date(2025, 4, 26), "30/4 - 1/5/2025", NOTICE_6150),
    (dt.date(2026, 8, 31), dt.date(2026, 8, 22), "Quốc khánh 2/9/2026", NOTICE_2026),
]


def rows():
    for off, working, occasion, source in SWAPS:
        yield off, "off", f"Nghỉ dịp {occasion}, hoán đổi với thứ Bảy {working:%d/%m/%Y}", source
        yield working, "working", f"Làm bù cho ngày {off:%d/%m/%Y} (dịp {occasion})", source


def seed(apps, schema_editor):
    DayException = apps.get_model("workdays", "DayException")
    for day, kind, reason, source in rows():
        # A day already recorded (by hand, before this migration) keeps its record.
        DayException.objects.get_or_create(
            day=day, defaults={"kind": kind, "reason": reason, "source": source}
        )


def unseed(apps, schema_editor):
    DayException = apps.get_model("workdays", "DayException")
    for day, kind, reason, source in rows():
        DayException.objects.filter(day=day, kind=kind, reason=reason, source=source).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
