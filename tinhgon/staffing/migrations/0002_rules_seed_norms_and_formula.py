"""Seed the leaders' norms and the first leaver formula (docs/staffing-rules.md gives the
sources and what is still to be confirmed; both are data an administrator changes afterwards:
`tinhgon staff norms --set`, the formulas page)."""

import datetime as dt

from django.db import migrations

NORMS_FROM = dt.date(2025, 7, 1)
D150 = "Nghị định 150/2025/NĐ-CP, sửa đổi bởi Nghị định 370/2025/NĐ-CP"
NORMS = [
    # kind (or kind:level), heads, deputies, source
    (
        "department",
        1,
        3,
        D150 + ": Giám đốc sở và Phó Giám đốc sở, bình quân không quá 3 Phó Giám đốc một sở "
        "(Hà Nội, TP. Hồ Chí Minh: thêm tối đa 10 trong tổng số)",
    ),
    (
        "division",
        1,
        3,
        D150 + ": phòng thuộc sở: dưới 10 biên chế 1 phó, 10–14 không quá 2, từ 15 không quá 3 "
        "(định mức ghi mức cao nhất; đối chiếu biên chế của phòng)",
    ),
    (
        "office",
        1,
        2,
        D150 + ": phòng chuyên môn thuộc UBND cấp xã: Trưởng phòng và Phó Trưởng phòng "
        "(số phó: cần xác nhận theo văn bản)",
    ),
    # Leader positions attached to a commune, ward or special zone itself stand for its people's
    # committee (chairman and vice-chairmen), as the demo and the imports write them.
    *[
        (
            kind,
            1,
            2,
            "Chính quyền địa phương cấp xã: Chủ tịch và Phó Chủ tịch UBND (số Phó Chủ tịch: cần "
            "xác nhận theo quy định của Chính phủ về số lượng Phó Chủ tịch UBND các cấp)",
        )
        for kind in ("commune", "ward", "special_zone")
    ],
    (
        "peoples_committee:3",
        1,
        2,
        "UBND cấp xã: Chủ tịch và Phó Chủ tịch (số Phó Chủ tịch: cần xác nhận theo quy định "
        "của Chính phủ về số lượng Phó Chủ tịch UBND các cấp)",
    ),
]

FORMULA_VERSION = "178-2024+67-2025/v1"
FORMULA_SOURCE = (
    "Nghị định 178/2024/NĐ-CP (Điều 7 nghỉ hưu trước tuổi, Điều 9 thôi việc), sửa đổi bởi "
    "Nghị định 67/2025/NĐ-CP; lương cơ sở: Nghị định 73/2024/NĐ-CP"
)
COEFFICIENTS = {
    "base_salary": 2340000,
    "full_rate_months": 12,
    "late_factor": 0.5,
    "odd_months_up_to_6": 0.5,
    "odd_months_over_6": 1.0,
    "early_retirement": {
        "min_months_early": 1,
        "max_months_early": 120,
        "months_counted_max": 60,
        "brackets": [
            # Under 2 years early: the allowance for the months only (Art. 7.1).
            {"max_months_early": 23, "per_month_early": 1.0, "per_year_early": 0, "service": False},
            # 2 to 5 years early (Art. 7.2.a), more than 5 to 10 years (Art. 7.2.b).
            {
                "max_months_early": 60,
                "per_month_early": 1.0,
                "per_year_early": 5.0,
                "service": True,
            },
            {
                "max_months_early": 120,
                "per_month_early": 0.9,
                "per_year_early": 4.0,
                "service": True,
            },
        ],
        "first_years": 20,
        "first_years_months": 5.0,
        "per_later_year": 0.5,
        "pension_reduced": False,
    },
    "resignation": {
        "per_month": 0.8,
        "months_counted_max": 60,
        "per_year_worked": 1.5,
        "job_search_months": 0,
    },
}


def seed(apps, schema_editor):
    LeaderNorm = apps.get_model("staffing", "LeaderNorm")
    LeaverFormula = apps.get_model("staffing", "LeaverFormula")
    for kind, heads, deputies, source in NORMS:
        LeaderNorm.objects.get_or_create(
            kind=kind,
            valid_from=NORMS_FROM,
            defaults={"heads": heads, "deputies": deputies, "source": source[:300]},
        )
    LeaverFormula.objects.get_or_create(
        version=FORMULA_VERSION,
        defaults={
            "valid_from": dt.date(2025, 1, 1),
            "coefficients": COEFFICIENTS,
            "source": FORMULA_SOURCE[:300],
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("staffing", "LeaderNorm").objects.filter(valid_from=NORMS_FROM).filter(
        kind__in=[n[0] for n in NORMS]
    ).delete()
    apps.get_model("staffing", "LeaverFormula").objects.filter(version=FORMULA_VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("staffing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
