"""The Excel import (all rows or none; errors by row and column; bounded) and the commands
scripts depend on (`gaps`, `demo`, `premises`, `template`, `import`): JSON fields, labelled
synthetic data made once, refusals in one line with exit status 1."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from openpyxl import Workbook, load_workbook

from tinhgon.core import text
from tinhgon.core.errors import DomainError
from tinhgon.core.tests.cli import refused
from tinhgon.equipment import importer
from tinhgon.equipment.models import InventoryItem, Premises
from tinhgon.units import selectors as units

pytestmark = pytest.mark.django_db


def _book(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        header or ["unit_code", "item", "quantity", "condition", "acquired_year", "value_vnd"]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _code(ward, role: str = "TTHCC") -> str:  # type: ignore[no-untyped-def]
    return f"{ward.code}-{role}"


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("equipment", *args, stdout=out)
    return out.getvalue()


def test_the_template_names_its_columns_lists_the_item_codes_and_explains_itself(tmp_path):
    path = tmp_path / "template.xlsx"
    _run("template", "--output", str(path))
    book = load_workbook(path)
    assert [c.value for c in book["inventory"][1]] == importer.HEADERS
    codes = [row[0] for row in book["items"].iter_rows(min_row=2, values_only=True)]
    assert "scanner" in codes and "bandwidth" in codes
    assert book["help"].max_row >= len(importer.COLUMNS) + 1


def test_a_good_workbook_imports_every_line_for_each_unit_it_names(chieng_an, to_hieu, tmp_path):
    path = tmp_path / "good.xlsx"
    path.write_bytes(
        _book(
            [
                [_code(chieng_an), "scanner", 2, "good", 2023, 36000000],
                [_code(chieng_an), "computer", 5, "usable", 2019, None],
                [_code(to_hieu, "VP"), "car", 1, "hỏng", 2010, "720.000.000"],
            ]
        )
    )
    out = _run("import", str(path))
    assert "3" in out
    car = InventoryItem.objects.get(item_type__code="car")
    assert (car.condition, car.value, car.acquired_year) == ("broken", 720_000_000, 2010)
    assert InventoryItem.objects.filter(item_type__code="computer").get().condition == "usable"


def test_a_workbook_with_errors_names_each_row_and_column_and_writes_nothing(chieng_an):
    content = _book(
        [
            [_code(chieng_an), "scanner", 2, "good", 2023, 1],
            ["99999-XX", "scanner", 1, "good", None, None],
            [_code(chieng_an), "flying-car", 0, "new", 1700, -5],
        ]
    )
    with pytest.raises(DomainError) as refused:
        importer.inventory_import(actor=None, content=content, filename="bad.xlsx")
    where = {(p.row, p.column) for p in refused.value.problems}
    assert where == {
        (3, "unit_code"),
        (4, "item"),
        (4, "quantity"),
        (4, "condition"),
        (4, "acquired_year"),
        (4, "value_vnd"),
    }
    assert not InventoryItem.objects.exists(), "nothing half-imported"


def test_the_import_is_bounded_and_refuses_what_is_not_a_workbook(chieng_an, monkeypatch):
    with pytest.raises(DomainError) as not_xlsx:
        importer.inventory_import(actor=None, content=b"not a zip", filename="x.xlsx")
    assert not_xlsx.value.code == "bad_file"
    monkeypatch.setattr(importer, "MAX_ROWS", 3)
    many = _book([[_code(chieng_an), "scanner", 1]] * 5)
    with pytest.raises(DomainError) as too_many:
        importer.inventory_import(actor=None, content=many, filename="many.xlsx")
    assert too_many.value.code == "too_many_rows"
    with pytest.raises(DomainError) as header:
        importer.inventory_import(
            actor=None, content=_book([["scanner"]], header=["item"]), filename="h.xlsx"
        )
    assert {p.column for p in header.value.problems} == {"unit_code", "quantity"}
    assert not InventoryItem.objects.exists()


def test_a_units_page_imports_its_own_lines_only_and_the_actor_must_write_every_unit(
    chieng_an, to_hieu, commune_official
):
    centre = units.versions_on(timezone.localdate()).get(code=_code(chieng_an)).unit_id
    mixed = _book([["", "scanner", 1], [_code(to_hieu), "scanner", 1]])
    with pytest.raises(DomainError) as other:
        importer.inventory_import(actor=None, content=mixed, filename="m.xlsx", unit_id=centre)
    assert [(p.row, p.column) for p in other.value.problems] == [(3, "unit_code")]
    neighbours = _book([[_code(chieng_an), "scanner", 1], [_code(to_hieu), "scanner", 1]])
    with pytest.raises(DomainError) as outside:
        importer.inventory_import(
            actor=commune_official.user, content=neighbours, filename="n.xlsx"
        )
    assert outside.value.problems[0].row == 3
    assert not InventoryItem.objects.exists()
    done = importer.inventory_import(
        actor=commune_official.user,
        content=_book([["", "scanner", 4]]),
        filename="o.xlsx",
        unit_id=centre,
    )
    assert done == {"lines": 1, "units": 1}


def test_demo_makes_a_labelled_synthetic_set_once_and_gaps_read_it_as_json(
    son_la, capsys, monkeypatch
):
    first = json.loads(_run("demo", "--province", "Sơn La", "--seed", "3", "--format", "json"))
    assert first["made"] is True and first["inventory_lines"] > 100 and first["premises"] >= 75
    line = refused(
        "equipment", "demo", "--province", "Sơn La", monkeypatch=monkeypatch, capsys=capsys
    )
    with translation.override("en"):
        lines = text.number(first["inventory_lines"])
    assert line == (
        f"{son_la.name} already holds synthetic equipment data ({lines} inventory lines, "
        f"{first['premises']} premises): nothing was written."
    )
    assert InventoryItem.objects.count() == first["inventory_lines"]
    assert Premises.objects.count() == first["premises"]
    assert not InventoryItem.objects.filter(synthetic=False).exists()
    assert all(p.name.startswith("[Minh họa]") for p in Premises.objects.all())
    rows = json.loads(_run("gaps", "--province", "Sơn La", "--format", "json"))
    assert {"unit", "unit_name", "item", "required", "available", "usable", "shortfall"} <= set(
        rows[0]
    )
    assert any(r["shortfall"] for r in rows) and any(r["surplus"] for r in rows)
    ranked = json.loads(_run("gaps", "--province", "Sơn La", "--ranking", "--format", "json"))
    shares = [r["share_missing"] for r in ranked]
    assert shares == sorted(shares, reverse=True) and shares[0] > 0
    surplus = json.loads(_run("premises", "--province", "Sơn La", "--surplus", "--format", "json"))
    assert surplus and {"status", "planned_use", "unit", "came_from"} <= set(surplus[0])


@pytest.mark.parametrize(
    "args",
    [
        ("gaps", "--province", "Không có tỉnh này"),
        ("gaps", "--province", "Sơn La", "--as-of", "31/02/2026"),
        ("gaps",),
        ("demo", "--province", "Sơn La", "--seed", "-4"),
        ("import", "/nonexistent/file.xlsx"),
        ("premises", "--province", "Sơn La", "--format", "yaml"),
        ("template", "--output", "/nonexistent/dir/t.xlsx"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(db, capsys, monkeypatch, args):  # type: ignore[no-untyped-def]
    from tinhgon.core import commands
    from tinhgon.equipment.management.commands.equipment import Command

    monkeypatch.setattr(commands.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["tinhgon", "equipment", *args])
    captured = capsys.readouterr()
    assert exited.value.code == 1
    assert captured.out == ""
    assert len(captured.err.strip().splitlines()) == 1


def test_a_bad_workbook_on_the_command_line_is_one_line_naming_the_first_row(
    db, capsys, monkeypatch, tmp_path, chieng_an
):
    from tinhgon.core import commands
    from tinhgon.equipment.management.commands.equipment import Command

    path = tmp_path / "bad.xlsx"
    path.write_bytes(_book([[_code(chieng_an), "scanner", "many"]]))
    monkeypatch.setattr(commands.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit):
        Command().run_from_argv(["tinhgon", "equipment", "import", str(path)])
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "row 2" in err and "quantity" in err
