"""Planning a reorganization: resolve a plan's references against the units open on its
effective date, validate every step (errors name the step, line and field), and derive the steps
of the agencies that serve the administrative units the plan touches. The result, `Work`, is
exactly what the engine (tinhgon.reorg.engine) writes; this module reads the registry and
writes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from tinhgon.core import text
from tinhgon.core.errors import DomainError, Problem
from tinhgon.core.text import day, fold
from tinhgon.reorg.spec import NEW_PREFIX, NewUnit, PlanSpec, Step
from tinhgon.units.kinds import KIND_INFO, Kind, is_administrative
from tinhgon.units.models import LinkEvent, UnitVersion
from tinhgon.units.services import check_identity, check_kind_change, placement_for


@dataclass
class Opening:
    ref: str
    spec: NewUnit
    step: int
    derived: bool = False
    parent_target: str | int | None = None  # resolved `spec.parent`


@dataclass
class Link:
    predecessor: int
    successor: str | int  # a new ref or an existing unit id
    event: str
    is_default: bool
    step: int


@dataclass
class Change:
    unit_id: int
    step: int
    name: str | None = None
    code: str | None = None
    kind: str | None = None
    parent: str | int | None = None
    moves: bool = False


@dataclass
class Work:
    """What the plan will do, resolved: the engine writes exactly this."""

    openings: dict[str, Opening] = field(default_factory=dict)
    closing: dict[int, int] = field(default_factory=dict)  # unit id -> step that closes it
    links: list[Link] = field(default_factory=list)
    changes: dict[int, Change] = field(default_factory=dict)
    derived: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    derived_closing: set[int] = field(default_factory=set)


class Resolver:
    """References of a plan against the units open on its effective date."""

    def __init__(self, plan: PlanSpec) -> None:
        self.plan = plan
        self.day = plan.effective_date
        self.open: dict[int, UnitVersion] = {}
        self.by_code: dict[str, list[UnitVersion]] = defaultdict(list)
        # The agencies serving each administrative unit (the unit itself excluded).
        self.agencies: dict[int, list[UnitVersion]] = defaultdict(list)
        for version in UnitVersion.objects.as_of(self.day).order_by():
            self.open[version.unit_id] = version
            self.by_code[version.code].append(version)
            if version.admin_unit_id != version.unit_id:
                self.agencies[version.admin_unit_id].append(version)
        self.new_specs: dict[str, tuple[NewUnit, int]] = {}
        self.problems: list[Problem] = []
        # Every existing unit a reference resolved to: what the plan touches (see Planner).
        self.resolved: set[int] = set()

    def problem(self, message: str, step: Step, field: str) -> None:
        self.problems.append(Problem(message, step=step.number, field=field, line=step.line))

    def resolve(self, ref: str | None, step: Step, field: str) -> str | int | None:
        """An existing unit's id, a new unit's ref, or None (with a problem recorded)."""
        if ref is None:
            self.problem(_("required"), step, field)
            return None
        if ref.startswith(NEW_PREFIX):
            if ref not in self.new_specs:
                self.problem(
                    _("'%(ref)s' is not a unit this plan opens") % {"ref": ref}, step, field
                )
                return None
            return ref
        kind, _sep, code = ref.rpartition(":")
        candidates = self.by_code.get(code, [])
        if kind:
            candidates = [v for v in candidates if v.kind == kind]
        if len(candidates) == 1:
            self.resolved.add(candidates[0].unit_id)
            return candidates[0].unit_id
        if not candidates:
            self.problem(
                _("no unit with code '%(ref)s' is open on %(day)s")
                % {"ref": ref, "day": day(self.day)},
                step,
                field,
            )
        else:
            kinds = ", ".join(f"{v.kind}:{v.code}" for v in candidates)
            self.problem(
                _("'%(ref)s' is ambiguous: write one of %(kinds)s") % {"ref": ref, "kinds": kinds},
                step,
                field,
            )
        return None

    def name_of(self, target: str | int) -> str:
        if isinstance(target, int):
            return self.open[target].name
        return self.new_specs[target][0].name


# Where a step names the unit that receives the units under those it closes, when it names no
# `receiver` (an abolished level hands them to its parent: the field to blame is its kinds).
_RECEIVING_FIELD = {
    "consolidate": "target",
    "absorb": "into",
    "split": "default",
    "dissolve": "receiver",
    "abolish_level": "kinds",
}


def _role(agency: UnitVersion, place: UnitVersion) -> tuple[str, str]:
    """The role of an agency in its administrative unit: its kind and its name without the place.

    'Ủy ban nhân dân phường Chiềng An' in 'Phường Chiềng An' -> ('peoples_committee', 'Ủy ban nhân dân').
    """
    place_name = place.name[:1].lower() + place.name[1:]
    name = agency.name
    for suffix in (" " + place_name, " " + place.name):
        if name.endswith(suffix):
            return agency.kind, name[: -len(suffix)]
    short = place.name.split(" ", 1)[-1] if " " in place.name else place.name
    if name.endswith(" " + short):
        return agency.kind, name[: -len(short) - 1]
    return agency.kind, name


class Planner:
    """Turns a plan into Work, collecting every problem before anything is written."""

    def __init__(self, plan: PlanSpec) -> None:
        self.plan = plan
        self.r = Resolver(plan)
        self.work = Work()
        self.closed_by: dict[int, int] = {}
        self.default_of: dict[int, str | int] = {}
        self.receivers: list[tuple[str | int, Step, str]] = []
        # The step that moves a unit, and the one that reclassifies it (their problems name it).
        self.move_step: dict[int, Step] = {}
        self.kind_step: dict[int, Step] = {}
        self.after: dict[str | int, UnitVersion] = {}  # see _after

    def touched_units(self) -> set[int]:
        """Every existing unit the plan names (whatever the field: a source, a part, a receiver,
        a new unit's parent, a move's destination) and every unit it closes, derived steps and
        abolished levels included. Who may handle the plan follows from their provinces."""
        touched = self.r.resolved | set(self.work.closing) | set(self.work.changes)
        touched |= {link.successor for link in self.work.links if isinstance(link.successor, int)}
        return touched

    def touched_provinces(self) -> set[int]:
        return {self.r.open[u].province_id or u for u in self.touched_units()}

    # -- helpers -------------------------------------------------------------------------------
    def _close(self, unit: str | int | None, step: Step, field: str) -> int | None:
        if unit is None:
            return None
        if isinstance(unit, str):
            self.r.problem(_("a unit this plan opens cannot close in the same plan"), step, field)
            return None
        if unit in self.closed_by:
            self.r.problem(
                _("%(name)s is already closed by step %(other)s")
                % {"name": self.r.name_of(unit), "other": self.closed_by[unit]},
                step,
                field,
            )
            return None
        if unit in self.work.changes:
            self.r.problem(
                _("%(name)s is changed by step %(other)s and cannot also close")
                % {"name": self.r.name_of(unit), "other": self.work.changes[unit].step},
                step,
                field,
            )
            return None
        version = self.r.open[unit]
        if version.valid_from == self.plan.effective_date:
            self.r.problem(
                _("%(name)s opens on the effective date itself") % {"name": version.name},
                step,
                field,
            )
            return None
        self.closed_by[unit] = step.number
        self.work.closing[unit] = step.number
        return unit

    def _receiver(self, ref: str | None, step: Step, field: str) -> str | int | None:
        target = self.r.resolve(ref, step, field)
        if target is not None:
            self.receivers.append((target, step, field))
        return target

    def _link(
        self, pred: int, succ: str | int, event: str, step: Step, default: bool = True
    ) -> None:
        self.work.links.append(Link(pred, succ, event, default, step.number))
        if default:
            self.default_of[pred] = succ

    # -- the steps -----------------------------------------------------------------------------
    def run(self) -> Work:
        steps = self.plan.steps
        # New units first, so that later steps may reference them whatever their order.
        for step in steps:
            news = [step.target] if step.target else [t.new for t in step.targets if t.new]
            for new in news:
                if new is None:
                    continue
                if new.ref in self.r.new_specs:
                    self.r.problem(
                        _("the plan opens '%(code)s' twice (also in step %(other)s)")
                        % {"code": new.code, "other": self.r.new_specs[new.ref][1]},
                        step,
                        "target",
                    )
                    continue
                for problem in check_identity(code=new.code, name=new.name):
                    self.r.problem(problem.message, step, f"target.{problem.field}")
                if new.kind not in KIND_INFO:
                    self.r.problem(
                        _("unknown kind '%(kind)s'") % {"kind": new.kind}, step, "target.kind"
                    )
                    continue
                self.r.new_specs[new.ref] = (new, step.number)
                self.work.openings[new.ref] = Opening(new.ref, new, step.number)
        for step in steps:
            getattr(self, "_" + step.action)(step)
        self._check_receivers()
        self._check_codes()
        self._check_cycles()
        self._check_placement()
        if not self.r.problems:
            self._derive_agencies()
            self._check_later_versions()
        if self.r.problems:
            raise DomainError(
                _("The plan has %(count)s problem(s); nothing was written.")
                % {"count": text.number(len(self.r.problems))},
                code="invalid_plan",
                problems=self.r.problems,
            )
        return self.work

    def _consolidate(self, step: Step) -> None:
        if not step.sources and not step.parts:
            self.r.problem(_("a consolidation needs sources (or parts)"), step, "sources")
        if step.target is None:
            return
        for index, ref in enumerate(step.sources, start=1):
            unit = self._close(
                self.r.resolve(ref, step, f"sources[{index}]"), step, f"sources[{index}]"
            )
            if unit is not None:
                self._link(unit, step.target.ref, LinkEvent.CONSOLIDATE, step)
        self._parts(step, step.target.ref)

    def _parts(self, step: Step, into: str | int) -> None:
        for index, ref in enumerate(step.parts, start=1):
            unit = self.r.resolve(ref, step, f"parts[{index}]")
            if isinstance(unit, int):
                self._link(unit, into, LinkEvent.PARTIAL, step, default=False)
            elif unit is not None:
                self.r.problem(_("a part must come from an existing unit"), step, f"parts[{index}]")

    def _absorb(self, step: Step) -> None:
        into = self._receiver(step.into, step, "into")
        if not step.sources and not step.parts:
            self.r.problem(_("an absorption needs sources (or parts)"), step, "sources")
        for index, ref in enumerate(step.sources, start=1):
            unit = self._close(
                self.r.resolve(ref, step, f"sources[{index}]"), step, f"sources[{index}]"
            )
            if unit is not None and into is not None:
                if unit == into:
                    self.r.problem(_("a unit cannot absorb itself"), step, f"sources[{index}]")
                self._link(unit, into, LinkEvent.ABSORB, step)
        if into is not None:
            self._parts(step, into)

    def _split(self, step: Step) -> None:
        unit = self._close(self.r.resolve(step.unit, step, "unit"), step, "unit")
        if len(step.targets) < 2:
            self.r.problem(_("a split needs at least two targets"), step, "targets")
        targets = [
            self._receiver(t.ref, step, f"targets[{i}]")
            for i, t in enumerate(step.targets, start=1)
        ]
        default = step.default
        refs = [t.ref for t in step.targets]
        if default not in refs:
            self.r.problem(_("the default successor must be one of the targets"), step, "default")
        shares = [t.share for t in step.targets]
        if any(s is not None for s in shares):
            if any(s is None for s in shares):
                self.r.problem(_("give a share for every target, or for none"), step, "targets")
            else:
                total = sum(s for s in shares if s is not None)
                if abs(total - 100) > 0.01:
                    self.r.problem(
                        _("the shares cover %(total)s%% of the unit, not 100%%")
                        % {"total": round(total, 2)},
                        step,
                        "targets",
                    )
        if unit is None:
            return
        for target, spec in zip(targets, step.targets, strict=True):
            if target is not None:
                self._link(unit, target, LinkEvent.SPLIT, step, default=spec.ref == default)

    def _partial(self, step: Step) -> None:
        unit = self.r.resolve(step.unit, step, "unit")
        into = self._receiver(step.into, step, "into")
        if isinstance(unit, str):
            self.r.problem(_("a part must come from an existing unit"), step, "unit")
        elif unit is not None and into is not None:
            if unit == into:
                self.r.problem(_("a unit cannot give part of itself to itself"), step, "into")
            self._link(unit, into, LinkEvent.PARTIAL, step, default=False)

    def _dissolve(self, step: Step) -> None:
        unit = self._close(self.r.resolve(step.unit, step, "unit"), step, "unit")
        if not step.receiver:
            self.r.problem(
                _("a dissolution must name who receives the unit's records"), step, "receiver"
            )
            return
        receiver = self._receiver(step.receiver, step, "receiver")
        if unit is not None and receiver is not None:
            self._link(unit, receiver, LinkEvent.DISSOLVE, step)

    def _changed(self, step: Step) -> Change | None:
        unit = self.r.resolve(step.unit, step, "unit")
        if unit is None:
            return None
        if isinstance(unit, str):
            self.r.problem(_("a unit this plan opens is described by its own step"), step, "unit")
            return None
        if unit in self.closed_by:
            self.r.problem(
                _("%(name)s is closed by step %(other)s")
                % {"name": self.r.name_of(unit), "other": self.closed_by[unit]},
                step,
                "unit",
            )
            return None
        if (
            unit not in self.work.changes
            and self.r.open[unit].valid_from == self.plan.effective_date
        ):
            self.r.problem(
                _("%(name)s already has a version from the effective date; change that version")
                % {"name": self.r.name_of(unit)},
                step,
                "unit",
            )
            return None
        return self.work.changes.setdefault(unit, Change(unit_id=unit, step=step.number))

    def _move(self, step: Step) -> None:
        change = self._changed(step)
        parent = self._receiver(step.parent, step, "parent")
        if change is not None and parent is not None:
            change.parent, change.moves = parent, True
            self.move_step[change.unit_id] = step

    def _rename(self, step: Step) -> None:
        change = self._changed(step)
        if change is not None:
            change.name = step.name or change.name
            change.code = step.code or change.code

    def _reclassify(self, step: Step) -> None:
        change = self._changed(step)
        if step.kind not in KIND_INFO:
            self.r.problem(_("unknown kind '%(kind)s'") % {"kind": step.kind}, step, "kind")
            return
        if change is not None:
            try:
                check_kind_change(old=self.r.open[change.unit_id].kind, new=step.kind)
            except DomainError as error:
                self.r.problem(error.message, step, "kind")
                return
            change.kind = step.kind
            self.kind_step[change.unit_id] = step

    def _abolish_level(self, step: Step) -> None:
        unknown = [k for k in step.kinds if k not in KIND_INFO]
        if unknown:
            self.r.problem(
                _("unknown kind(s) %(kinds)s") % {"kinds": ", ".join(unknown)}, step, "kinds"
            )
            return
        kinds = set(step.kinds)
        doomed = [
            v for v in self.r.open.values() if v.kind in kinds and v.unit_id not in self.closed_by
        ]
        for version in doomed:
            self.closed_by[version.unit_id] = step.number
            self.work.closing[version.unit_id] = step.number
        receiver = self._receiver(step.receiver, step, "receiver") if step.receiver else None
        for version in doomed:
            successor = receiver if receiver is not None else self._successor_of(version.parent_id)
            if successor is None:
                self.r.problem(
                    _("%(name)s has no parent to take its place") % {"name": version.name},
                    step,
                    "kinds",
                )
                continue
            self._link(version.unit_id, successor, LinkEvent.LEVEL_ABOLISHED, step)

    def _successor_of(self, unit_id: int | None) -> str | int | None:
        """Where a unit's business goes after the plan: itself if it stays, else its default."""
        seen = 0
        current: str | int | None = unit_id
        while isinstance(current, int) and current in self.closed_by and seen < 20:
            current = self.default_of.get(current)
            seen += 1
        return current

    # -- checks --------------------------------------------------------------------------------
    def _check_receivers(self) -> None:
        for target, step, where in self.receivers:
            if isinstance(target, int) and target in self.closed_by:
                self.r.problem(
                    _("%(name)s receives here but is closed by step %(other)s")
                    % {"name": self.r.name_of(target), "other": self.closed_by[target]},
                    step,
                    where,
                )
        for opening in self.work.openings.values():
            parent = opening.spec.parent
            if parent is None:
                continue
            step = self.plan.steps[opening.step - 1]
            resolved = self.r.resolve(parent, step, "target.parent")
            opening.parent_target = resolved
            if isinstance(resolved, int) and resolved in self.closed_by:
                self.r.problem(
                    _("the parent %(name)s is closed by step %(other)s")
                    % {"name": self.r.name_of(resolved), "other": self.closed_by[resolved]},
                    step,
                    "target.parent",
                )

    def _holder(self, code: str, holders: list[UnitVersion]) -> str:
        """The code's holder as a problem names it: by name only within the provinces the plan
        touches (whoever handles the plan administers them); elsewhere unnamed."""
        touched = self.touched_provinces()
        holder = holders[0]
        if (holder.province_id or holder.unit_id) in touched:
            return _("code '%(code)s' is used by %(name)s, which stays open") % {
                "code": code,
                "name": holder.name,
            }
        return _("code '%(code)s' is used by a unit of another province") % {"code": code}

    def _check_codes(self) -> None:
        for opening in self.work.openings.values():
            holders = [
                v
                for v in self.r.by_code.get(opening.spec.code, [])
                if v.unit_id not in self.closed_by
            ]
            if holders:
                step = self.plan.steps[opening.step - 1]
                self.r.problem(self._holder(opening.spec.code, holders), step, "target.code")
        for unit, change in self.work.changes.items():
            if change.code is None:
                continue
            holders = [
                v
                for v in self.r.by_code.get(change.code, [])
                if v.unit_id != unit and v.unit_id not in self.closed_by
            ]
            if holders:
                self.r.problem(
                    self._holder(change.code, holders), self.plan.steps[change.step - 1], "code"
                )

    def _final_parent(self, unit: str | int) -> str | int | None:
        if isinstance(unit, str):
            spec = self.r.new_specs[unit][0]
            return (
                self.r.resolve(
                    spec.parent, self.plan.steps[self.r.new_specs[unit][1] - 1], "target.parent"
                )
                if spec.parent
                else None
            )
        change = self.work.changes.get(unit)
        if change is not None and change.moves:
            return change.parent
        version = self.r.open.get(unit)
        return self._successor_of(version.parent_id) if version and version.parent_id else None

    def _check_cycles(self) -> None:
        starts: list[tuple[str | int, int]] = [
            (u, c.step) for u, c in self.work.changes.items() if c.moves
        ]
        starts += [(ref, o.step) for ref, o in self.work.openings.items()]
        for start, step_number in starts:
            seen = {start}
            current = self._final_parent(start)
            for _hop in range(60):
                if current is None:
                    break
                if current in seen:
                    step = self.plan.steps[step_number - 1]
                    self.r.problem(
                        _("this makes a cycle: the unit would hang under itself"), step, "parent"
                    )
                    break
                seen.add(current)
                current = self._final_parent(current)

    def _check_later_versions(self) -> None:
        """A plan sees the registry after its date too: a unit it closes or changes must have no
        version that starts later (a rename recorded for next year would reopen a closed
        commune, or overlap the plan's own version), and a code it gives a new unit must not be
        taken by a unit from a later date."""
        later = list(
            UnitVersion.objects.filter(valid_from__gt=self.plan.effective_date).only(
                "unit_id", "code", "name", "valid_from"
            )
        )
        if not later:
            return
        touched = {**self.work.closing, **{u: c.step for u, c in self.work.changes.items()}}
        new_codes = {o.spec.code: o for o in self.work.openings.values()}
        for version in later:
            step_number = touched.get(version.unit_id)
            if step_number is not None:
                name = self.r.open[version.unit_id].name
                self.r.problem(
                    _(
                        "%(name)s has a version from %(day)s, after the plan's date; change or "
                        "remove that version first"
                    )
                    % {"name": name, "day": day(version.valid_from)},
                    self.plan.steps[step_number - 1],
                    "unit",
                )
            opening = new_codes.get(version.code)
            if opening is not None and version.unit_id not in self.closed_by:
                self.r.problem(
                    _("code '%(code)s' is taken by %(name)s from %(day)s")
                    % {"code": version.code, "name": version.name, "day": day(version.valid_from)},
                    self.plan.steps[opening.step - 1],
                    "target.code",
                )

    # -- placement: the unit services' rules, on the tree the plan leaves ----------------------
    def _check_placement(self) -> None:
        """Every unit the plan places must be able to hang where it ends up, by the rules of
        `units.services.placement_for` (a commune does not hang under a commune, a province has
        no parent, an agency has one): new units, moved units, reclassified units and the units
        under them, and the units that follow their closed parent to its successor."""
        for opening in self.work.openings.values():
            parent = opening.parent_target
            if opening.spec.parent is not None and parent is None:
                continue  # an unknown parent, reported as such
            step = self.plan.steps[opening.step - 1]
            self._check_place(opening.spec.kind, parent, step, "target.parent")
        for unit, change in self.work.changes.items():
            kind = change.kind or self.r.open[unit].kind
            if change.moves:
                self._check_place(kind, change.parent, self.move_step[unit], "parent")
            elif change.kind:
                parent = self._successor_of(self.r.open[unit].parent_id)
                self._check_place(kind, parent, self.kind_step[unit], "kind")
        reclassified = {unit for unit, change in self.work.changes.items() if change.kind}
        if not reclassified and not self.closed_by:
            return
        for version in self.r.open.values():
            unit, parent_id = version.unit_id, version.parent_id
            own = self.work.changes.get(unit)
            if parent_id is None or unit in self.closed_by or (own and (own.moves or own.kind)):
                continue  # closed, or checked above under its parent as the plan leaves it
            parent = self._successor_of(parent_id)
            if parent is None:
                continue  # a closed parent with no successor, reported as such
            if parent != parent_id:  # it follows its closed parent to the successor
                step = self.plan.steps[self.closed_by[parent_id] - 1]
                where = "receiver" if step.receiver else _RECEIVING_FIELD[step.action]
            elif parent in reclassified:
                assert isinstance(parent, int)
                step, where = self.kind_step[parent], "kind"
            else:
                continue
            self._check_place(version.kind, parent, step, where, name=version.name)

    def _check_place(
        self, kind: str, parent: str | int | None, step: Step, where: str, name: str = ""
    ) -> None:
        if isinstance(parent, int) and parent in self.closed_by:
            return  # a parent that closes, reported as such
        if isinstance(parent, str) and parent not in self.work.openings:
            return  # a new unit refused in its own right (an unknown kind)
        try:
            placement_for(kind=kind, parent=None if parent is None else self._after(parent))
        except DomainError as error:
            message = f"{name}: {error.message}" if name else error.message
            self.r.problem(message, step, where)

    def _after(self, target: str | int, hops: int = 0) -> UnitVersion:
        """A unit as the plan leaves it, as far as `placement_for` reads a parent: its kind and
        level (a new agency takes the level of its parent). Thousands of new communes share a
        few parents: each parent is built once."""
        if target not in self.after:
            self.after[target] = self._build_after(target, hops)
        return self.after[target]

    def _build_after(self, target: str | int, hops: int) -> UnitVersion:
        if isinstance(target, int):
            current = self.r.open[target]
            change = self.work.changes.get(target)
            kind = change.kind if change is not None and change.kind else current.kind
            return UnitVersion(
                unit_id=target,
                kind=kind,
                level=KIND_INFO[kind].admin_level or current.level,
                province_id=current.province_id,
                admin_unit_id=current.admin_unit_id,
            )
        opening = self.work.openings[target]
        level = KIND_INFO[opening.spec.kind].admin_level
        parent = opening.parent_target
        if level is None and parent is not None and hops < 60:
            level = self._after(parent, hops + 1).level  # an agency: the level of its parent
        # No level at all: an agency without a parent, refused in its own right.
        return UnitVersion(kind=opening.spec.kind, level=level or 0)

    # -- derived steps: the agencies of the administrative units -----------------------------
    def _derive_agencies(self) -> None:
        """When administrative units close, the agencies that serve them follow their successor:
        into a new agency of the same role (a new successor), or into the successor's agency of the
        same role (an existing one). Agencies with no match simply move (child units carrier)."""
        closing_admin = [u for u in self.work.closing if is_administrative(self.r.open[u].kind)]
        if not closing_admin:
            return
        # Internal divisions are not agencies of the place: they move with their parent.
        agencies_of = {
            admin: [v for v in self.r.agencies.get(admin, []) if v.kind != Kind.DIVISION]
            for admin in closing_admin
        }
        agencies_of = {admin: found for admin, found in agencies_of.items() if found}
        if not agencies_of:
            return
        default_of = {link.predecessor: link for link in self.work.links if link.is_default}
        existing_roles: dict[int, dict[tuple[str, str], int]] = {}
        for admin in closing_admin:
            link = default_of.get(admin)
            if link is None or admin not in agencies_of:
                continue
            successor = link.successor
            place = self.r.open[admin]
            depth = self._agency_depths(agencies_of[admin], admin)
            role_target: dict[int, str | int] = {}
            for agency in sorted(agencies_of[admin], key=lambda v: depth[v.unit_id]):
                role = _role(agency, place)
                if isinstance(successor, int):
                    if successor not in existing_roles:
                        existing_roles[successor] = self._roles_of(successor)
                    match = existing_roles[successor].get(role)
                    if match is None or match in self.closed_by:
                        continue  # no counterpart: the agency moves under its parent's successor
                    target: str | int = match
                    event = LinkEvent.ABSORB
                else:
                    target = self._derived_opening(
                        successor, agency, role, role_target, admin, link.step
                    )
                    event = LinkEvent.CONSOLIDATE
                role_target[agency.unit_id] = target
                if agency.unit_id in self.closed_by:
                    continue
                self.closed_by[agency.unit_id] = link.step
                self.work.closing[agency.unit_id] = link.step
                self.work.derived_closing.add(agency.unit_id)
                self.work.links.append(Link(agency.unit_id, target, event, True, link.step))
                self.work.derived[link.step].append(f"{agency.name} → {self.r.name_of(target)}")

    def _agency_depths(self, agencies: list[UnitVersion], admin: int) -> dict[int, int]:
        parents = {v.unit_id: v.parent_id for v in agencies}
        depth: dict[int, int] = {}
        for unit in parents:
            d, current = 0, parents.get(unit)
            while current in parents and d < 20:
                d, current = d + 1, parents[current]
            depth[unit] = d
        return depth

    def _roles_of(self, admin: int) -> dict[tuple[str, str], int]:
        place = self.r.open[admin]
        return {_role(v, place): v.unit_id for v in self.r.agencies.get(admin, [])}

    def _derived_opening(
        self,
        successor: str,
        agency: UnitVersion,
        role: tuple[str, str],
        role_target: dict[int, str | int],
        admin: int,
        step: int,
    ) -> str:
        spec = self.r.new_specs[successor][0]
        place = self.r.open[admin]
        suffix = (
            agency.code.removeprefix(place.code + "-")
            if agency.code.startswith(place.code + "-")
            else fold(role[1]).replace(" ", "")[:12].upper()
        )
        code = f"{spec.code}-{suffix}"
        ref = NEW_PREFIX + code
        if ref in self.work.openings:
            return ref
        parent: str | int = successor
        if agency.parent_id != admin and agency.parent_id in role_target:
            parent = role_target[agency.parent_id]
        place_name = spec.name[:1].lower() + spec.name[1:]
        name = f"{role[1]} {place_name}" if role[1] != agency.name else agency.name
        parent_label = parent if isinstance(parent, str) else self.r.open[parent].code
        new = NewUnit(code=code, name=name, kind=agency.kind, parent=parent_label)
        self.r.new_specs[ref] = (new, step)
        self.work.openings[ref] = Opening(ref, new, step, derived=True, parent_target=parent)
        return ref
