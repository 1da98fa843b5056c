from django.contrib import admin

from tinhgon.units.models import ImportConflict, Unit, UnitLink, UnitVersion


class VersionInline(admin.TabularInline):
    model = UnitVersion
    fk_name = "unit"
    extra = 0
    fields = ("valid_from", "valid_to", "code", "name", "kind", "parent", "source")
    readonly_fields = fields
    can_delete = False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["id", "source_key", "created_at"]
    search_fields = ["source_key", "versions__name_folded", "versions__code"]
    inlines = [VersionInline]


@admin.register(UnitVersion)
class UnitVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "valid_from", "valid_to", "source"]
    list_filter = ["kind", "source", "level"]
    search_fields = ["name_folded", "code"]
    raw_id_fields = ["unit", "parent", "admin_unit", "province", "recorded_by"]

    def has_change_permission(self, request, obj=None):
        # Versions change through services (they keep intervals and derived columns right).
        return False


@admin.register(UnitLink)
class UnitLinkAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "successor", "event", "effective_date", "is_default"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(ImportConflict)
class ImportConflictAdmin(admin.ModelAdmin):
    list_display = [
        "category",
        "status",
        "official_code",
        "official_name",
        "other_code",
        "other_name",
    ]
    list_filter = ["category", "status"]
    search_fields = ["official_name", "other_name", "official_code", "other_code"]
