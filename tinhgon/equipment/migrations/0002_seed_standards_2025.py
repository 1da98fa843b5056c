"""Seed the item types and the first standards (2025-07-01): the commune public administration
service centre ("office" units with the code suffix TTHCC) and the office of the commune's council
and committee (suffix VP).

Figures the law states are cited with their document. Where a figure could not be confirmed
against a published text it is a provincial default and says so: "provincial default, to
confirm". Every standard is editable (a change is a new version from a date): the seed is a
starting point for the province's own decision, not a claim about the law. The data lives here,
frozen with the migration.
"""

from __future__ import annotations

import datetime as dt

from django.db import migrations

TO_CONFIRM = "Mặc định của tỉnh, cần xác nhận (provincial default, to confirm)"
ONE_STOP = (
    "Nghị định 61/2018/NĐ-CP, Điều 13 (trang thiết bị Bộ phận Một cửa); Nghị định 118/2025/NĐ-CP"
)
OFFICE_MACHINES = "Quyết định 50/2017/QĐ-TTg (máy móc, thiết bị văn phòng phổ biến)"
CARS = "Nghị định 72/2023/NĐ-CP (tiêu chuẩn, định mức sử dụng xe ô tô)"

VALID_FROM = dt.date(2025, 7, 1)

# code, name, category, unit of measure, estimated unit price (VND), source of the price
ITEM_TYPES: list[tuple[str, str, str, str, int, str]] = [
    ("counter", "Quầy tiếp nhận và trả kết quả", "service", "quầy", 25_000_000, TO_CONFIRM),
    ("queue-system", "Hệ thống xếp hàng tự động", "service", "bộ", 60_000_000, TO_CONFIRM),
    ("scanner", "Máy quét tài liệu", "service", "chiếc", 18_000_000, TO_CONFIRM),
    (
        "document-camera",
        "Máy chụp tài liệu (camera tài liệu)",
        "service",
        "chiếc",
        9_000_000,
        TO_CONFIRM,
    ),
    (
        "rating-device",
        "Thiết bị đánh giá mức độ hài lòng",
        "service",
        "chiếc",
        4_000_000,
        TO_CONFIRM,
    ),
    ("kiosk", "Máy tra cứu thông tin (ki-ốt)", "service", "chiếc", 45_000_000, TO_CONFIRM),
    ("computer", "Máy vi tính để bàn", "it", "bộ", 15_000_000, TO_CONFIRM),
    ("printer", "Máy in", "it", "chiếc", 7_000_000, TO_CONFIRM),
    ("bandwidth", "Đường truyền Internet (băng thông)", "network", "Mbps", 50_000, TO_CONFIRM),
    ("cctv", "Camera giám sát", "network", "chiếc", 3_000_000, TO_CONFIRM),
    ("car", "Xe ô tô phục vụ công tác chung", "vehicle", "chiếc", 720_000_000, TO_CONFIRM),
    ("meeting-audio", "Hệ thống âm thanh phòng họp", "meeting", "bộ", 40_000_000, TO_CONFIRM),
    (
        "meeting-display",
        "Màn hình hoặc máy chiếu phòng họp",
        "meeting",
        "bộ",
        30_000_000,
        TO_CONFIRM,
    ),
    (
        "video-conference",
        "Thiết bị hội nghị truyền hình trực tuyến",
        "meeting",
        "bộ",
        120_000_000,
        TO_CONFIRM,
    ),
]

# kind, role, title, source, lines (item code, quantity, per, source)
STANDARDS: list[tuple[str, str, str, str, list[tuple[str, int, str, str]]]] = [
    (
        "office",
        "TTHCC",
        "Trung tâm Phục vụ hành chính công cấp xã",
        ONE_STOP,
        [
            ("counter", 3, "fixed", TO_CONFIRM),
            ("queue-system", 1, "fixed", ONE_STOP + "; số lượng: " + TO_CONFIRM),
            ("scanner", 1, "counter", ONE_STOP + "; số lượng: " + TO_CONFIRM),
            ("document-camera", 1, "counter", TO_CONFIRM),
            ("rating-device", 1, "counter", ONE_STOP + "; số lượng: " + TO_CONFIRM),
            ("printer", 1, "counter", ONE_STOP + "; số lượng: " + TO_CONFIRM),
            ("kiosk", 1, "fixed", ONE_STOP + "; số lượng: " + TO_CONFIRM),
            ("computer", 1, "officer", OFFICE_MACHINES + "; " + TO_CONFIRM),
            ("bandwidth", 100, "fixed", TO_CONFIRM),
            ("cctv", 2, "fixed", TO_CONFIRM),
        ],
    ),
    (
        "office",
        "VP",
        "Văn phòng HĐND và UBND cấp xã",
        TO_CONFIRM,
        [
            ("car", 1, "fixed", CARS + "; số lượng: " + TO_CONFIRM),
            ("meeting-audio", 1, "fixed", TO_CONFIRM),
            ("meeting-display", 1, "fixed", TO_CONFIRM),
            ("video-conference", 1, "fixed", TO_CONFIRM),
            ("computer", 1, "officer", OFFICE_MACHINES + "; " + TO_CONFIRM),
            ("printer", 2, "fixed", TO_CONFIRM),
            ("bandwidth", 100, "fixed", TO_CONFIRM),
        ],
    ),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    """Create the seeded item types and standards that do not exist yet (idempotent)."""
    item_type_model = apps.get_model("equipment", "ItemType")
    standard_model = apps.get_model("equipment", "Standard")
    line_model = apps.get_model("equipment", "StandardItem")
    for code, name, category, measure, price, source in ITEM_TYPES:
        item_type_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "unit_of_measure": measure,
                "unit_price": price,
                "source": source,
            },
        )
    types = {t.code: t for t in item_type_model.objects.all()}
    for kind, role, title, source, lines in STANDARDS:
        standard, created = standard_model.objects.get_or_create(
            kind=kind, role=role, valid_from=VALID_FROM, defaults={"title": title, "source": source}
        )
        if not created:
            continue
        line_model.objects.bulk_create(
            [
                line_model(
                    standard=standard, item_type=types[code], quantity=n, per=per, source=src
                )
                for code, n, per, src in lines
            ]
        )


def unseed(apps, schema_editor):  # type: ignore[no-untyped-def]
    item_type_model = apps.get_model("equipment", "ItemType")
    standard_model = apps.get_model("equipment", "Standard")
    for kind, role, _title, _source, _lines in STANDARDS:
        standard_model.objects.filter(kind=kind, role=role, valid_from=VALID_FROM).delete()
    item_type_model.objects.filter(code__in=[row[0] for row in ITEM_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("equipment", "0001_equipment_premises_standards")]

    operations = [migrations.RunPython(seed, unseed)]
