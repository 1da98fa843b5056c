"""The forms of emulation titles and commendation and who may propose them.

Sources: the Law on Emulation and Commendation 2022 (Luật Thi đua, khen thưởng số 06/2022/QH15,
in force from 01/01/2024) lists these titles and forms and who decides them; Decree 98/2023/NĐ-CP
details their criteria and the files of a proposal. The form names and their deciding authority
come from the law; the article numbers are not checked against the official text here, so every
row is marked `to_confirm` (the pages say so) until the province's Ban Thi đua - Khen thưởng
confirms them. The forms of the commune level are in the list (for decisions recorded from
paper) but no rule lets a unit propose them in a provincial campaign.
"""

from django.db import migrations

LAW = "Luật Thi đua, khen thưởng số 06/2022/QH15; Nghị định số 98/2023/NĐ-CP"

# code, name, kind, recipients, authority, rank, basis
FORMS = [
    (
        "huan-chuong-lao-dong-3",
        "Huân chương Lao động hạng Ba",
        "commendation",
        "both",
        "state",
        10,
        f"{LAW} (Huân chương Lao động; điều khoản cần xác nhận)",
    ),
    (
        "co-thi-dua-chinh-phu",
        "Cờ thi đua của Chính phủ",
        "title",
        "collective",
        "government",
        20,
        f"{LAW} (Cờ thi đua của Chính phủ; điều khoản cần xác nhận)",
    ),
    (
        "bang-khen-thu-tuong",
        "Bằng khen của Thủ tướng Chính phủ",
        "commendation",
        "both",
        "government",
        30,
        f"{LAW} (Bằng khen của Thủ tướng Chính phủ; điều khoản cần xác nhận)",
    ),
    (
        "co-thi-dua-tinh",
        "Cờ thi đua của Ủy ban nhân dân tỉnh",
        "title",
        "collective",
        "province",
        40,
        f"{LAW} (Cờ thi đua của bộ, ban, ngành, tỉnh; điều khoản cần xác nhận)",
    ),
    (
        "chien-si-thi-dua-tinh",
        "Chiến sĩ thi đua cấp tỉnh",
        "title",
        "individual",
        "province",
        50,
        f"{LAW} (Chiến sĩ thi đua bộ, ban, ngành, tỉnh; điều khoản cần xác nhận)",
    ),
    (
        "bang-khen-chu-tich-tinh",
        "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh",
        "commendation",
        "both",
        "province",
        60,
        f"{LAW} (Bằng khen của Chủ tịch Ủy ban nhân dân cấp tỉnh; điều khoản cần xác nhận)",
    ),
    (
        "tap-the-lao-dong-xuat-sac",
        "Tập thể lao động xuất sắc",
        "title",
        "collective",
        "province",
        70,
        f"{LAW} (danh hiệu Tập thể lao động xuất sắc; điều khoản cần xác nhận)",
    ),
    (
        "chien-si-thi-dua-co-so",
        "Chiến sĩ thi đua cơ sở",
        "title",
        "individual",
        "commune",
        80,
        f"{LAW} (Chiến sĩ thi đua cơ sở; điều khoản cần xác nhận)",
    ),
    (
        "tap-the-lao-dong-tien-tien",
        "Tập thể lao động tiên tiến",
        "title",
        "collective",
        "commune",
        90,
        f"{LAW} (Tập thể lao động tiên tiến; điều khoản cần xác nhận)",
    ),
    (
        "giay-khen-chu-tich-xa",
        "Giấy khen của Chủ tịch Ủy ban nhân dân xã",
        "commendation",
        "both",
        "commune",
        100,
        f"{LAW} (Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã; điều khoản cần xác nhận)",
    ),
]

# Who proposes in a provincial campaign: the units the province's people's committee manages
# directly (communes, wards, special zones, departments and the province's own public service
# units and committees), through the provincial council (Law 2022: proposals go up level by
# level; the exact article is to confirm). Legacy district-level units proposed in the same way.
PROPOSERS = [
    "commune",
    "ward",
    "township",
    "special_zone",
    "rural_district",
    "urban_district",
    "district_town",
    "provincial_city",
    "department",
    "peoples_committee",
    "public_service_unit",
    "mass_organization",
]
PROVINCIAL_AND_ABOVE = [
    code for code, _n, _k, _r, authority, _rank, _b in FORMS if authority != "commune"
]
RULE_SOURCE = "Luật Thi đua, khen thưởng 2022: đề nghị khen thưởng theo cấp quản lý (cần xác nhận)"


def seed(apps, schema_editor):
    Form = apps.get_model("commendations", "Form")
    ProposalRule = apps.get_model("commendations", "ProposalRule")
    forms = {}
    for code, name, kind, recipients, authority, rank, basis in FORMS:
        forms[code], _created = Form.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "recipients": recipients,
                "authority": authority,
                "rank": rank,
                "legal_basis": basis,
                "to_confirm": True,
            },
        )
    for unit_kind in PROPOSERS:
        for code in PROVINCIAL_AND_ABOVE:
            ProposalRule.objects.get_or_create(
                unit_kind=unit_kind, form=forms[code], defaults={"source": RULE_SOURCE}
            )


def unseed(apps, schema_editor):
    apps.get_model("commendations", "ProposalRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("commendations", "0001_commendations")]

    operations = [migrations.RunPython(seed, unseed)]
