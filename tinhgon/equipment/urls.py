"""The equipment pages, under /equipment/."""

from django.urls import include, path

from tinhgon.equipment import item_views, province_views, unit_views

app_name = "equipment"

urlpatterns = [
    path("", province_views.index, name="index"),
    path("surplus/", province_views.surplus, name="surplus"),
    path("standards/", province_views.standards, name="standards"),
    path("standards/<int:standard_id>/", province_views.standard, name="standard"),
    path(
        "standards/<int:standard_id>/new-version/",
        province_views.standard_new_version,
        name="standard_new_version",
    ),
    path("item-types/", item_views.item_types, name="item_types"),
    path("item-types/new/", item_views.item_type_new, name="item_type_new"),
    path("item-types/<slug:code>/", item_views.item_type_edit, name="item_type"),
    path("item-types/<slug:code>/delete/", item_views.item_type_delete, name="item_type_delete"),
    path("template.xlsx", unit_views.template_download, name="template"),
    path("units/<int:unit_id>/", unit_views.unit_page, name="unit"),
    path("units/<int:unit_id>/items/new/", unit_views.item_new, name="item_new"),
    path("units/<int:unit_id>/premises/new/", unit_views.premises_new, name="premises_new"),
    path("units/<int:unit_id>/profile/", unit_views.profile_edit, name="profile"),
    path("units/<int:unit_id>/import/", unit_views.import_page, name="import"),
    path("items/<int:item_id>/", unit_views.item_edit, name="item"),
    path("items/<int:item_id>/write-off/", unit_views.item_write_off, name="item_write_off"),
    path("premises/<int:premises_id>/", unit_views.premises_edit, name="premises"),
    path("", include("tinhgon.equipment.rebalance_urls")),
]
