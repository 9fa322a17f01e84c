"""Reading and checking an `.xlsx` roster of units, liaisons and inspection-group coverage.

The layout is one row per unit, the way an office keeps it in Excel:

    单位名称 | 单位类型 | 上级单位 | 批次 | 巡回指导组 |
    联络员1姓名 | 联络员1账号 | 联络员1手机 | 联络员2姓名 | 联络员2账号 | 联络员2手机

Nothing here writes: `parse_roster` turns a file into plain rows, `check_roster` says
what is wrong with each row (by its spreadsheet row number) and what applying would do.
"""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaign import xlsx
from campaign.models import Campaign, InspectionGroup, Liaison, Unit, User

MAX_ROWS = 5000
LIAISON_SLOTS = (1, 2)

# Column key -> accepted headers (Chinese as the office writes them, English for scripts).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("单位名称", "单位", "unit", "name"),
    "kind": ("单位类型", "类型", "kind"),
    "parent": ("上级单位", "parent"),
    "batch": ("批次", "batch"),
    "group": ("巡回指导组", "指导组", "inspection group", "group"),
}
for _slot in LIAISON_SLOTS:
    COLUMNS[f"liaison{_slot}_name"] = (f"联络员{_slot}姓名", f"liaison {_slot} name")
    COLUMNS[f"liaison{_slot}_username"] = (f"联络员{_slot}账号", f"liaison {_slot} username")
    COLUMNS[f"liaison{_slot}_phone"] = (f"联络员{_slot}手机", f"liaison {_slot} phone")
REQUIRED_COLUMNS = ("name", "kind")

KIND_ALIASES = {
    "市直机关": Unit.Kind.CITY_ORGAN,
    "市直部门": Unit.Kind.CITY_ORGAN,
    "机关": Unit.Kind.CITY_ORGAN,
    "区市": Unit.Kind.DISTRICT,
    "区（市）": Unit.Kind.DISTRICT,
    "区": Unit.Kind.DISTRICT,
    "县市区": Unit.Kind.DISTRICT,
    "企业": Unit.Kind.ENTERPRISE,
    "国有企业": Unit.Kind.ENTERPRISE,
    "市属企业": Unit.Kind.ENTERPRISE,
    "事业单位": Unit.Kind.INSTITUTION,
    "学校医院": Unit.Kind.INSTITUTION,
}
KIND_ALIASES.update({value: value for value in Unit.Kind.values})
KIND_ALIASES.update({label.lower(): value for value, label in Unit.Kind.choices if isinstance(label, str)})
KIND_ALIASES.update(
    {
        "city organ": Unit.Kind.CITY_ORGAN,
        "district": Unit.Kind.DISTRICT,
        "enterprise": Unit.Kind.ENTERPRISE,
        "institution": Unit.Kind.INSTITUTION,
    }
)
KIND_LABELS_ZH = {
    Unit.Kind.CITY_ORGAN: "市直机关",
    Unit.Kind.DISTRICT: "区市",
    Unit.Kind.ENTERPRISE: "企业",
    Unit.Kind.INSTITUTION: "事业单位",
}

USERNAME_RE = re.compile(r"^[\w.@+-]{3,150}$")
PHONE_RE = re.compile(r"^[0-9+\- ]{5,30}$")


def row_liaisons(row: dict) -> list[dict]:
    people = []
    for slot in LIAISON_SLOTS:
        person = {
            "name": row.get(f"liaison{slot}_name", ""),
            "username": row.get(f"liaison{slot}_username", ""),
            "phone": row.get(f"liaison{slot}_phone", ""),
            "slot": slot,
        }
        if any(person[k] for k in ("name", "username", "phone")):
            people.append(person)
    return people


def check_roster(*, campaign: Campaign, rows: list[dict], check) -> None:
    """Every reason a row cannot be imported (into `check`, an imports.Check), the rows with kind
    and batch normalised, and counts of what the import would do. Writes nothing."""
    rows = [dict(row) for row in rows]
    check.rows = rows
    error = check.error

    existing_units = {
        u.name: u for u in Unit.objects.filter(campaign=campaign).select_related("parent", "coverage__group")
    }
    kinds = dict(KIND_ALIASES)
    for language in ("zh-hans", "en"):  # the kind as the unit export writes it, in either language
        with translation.override(language):
            kinds.update({str(label).lower(): value for value, label in Unit.Kind.choices})
    current_liaisons: dict[int, set[str]] = {}
    for unit_id, username in (
        Liaison.objects.current().filter(unit__campaign=campaign).values_list("unit_id", "user__username")
    ):
        current_liaisons.setdefault(unit_id, set()).add(username)
    groups = {g.name: g for g in InspectionGroup.objects.filter(campaign=campaign)}
    usernames = {p["username"] for row in rows for p in row_liaisons(row) if p["username"]}
    users = {u.username: u for u in User.objects.filter(username__in=usernames)}
    liaison_units = dict(
        Liaison.objects.current().filter(user__username__in=usernames).values_list("user__username", "unit__name")
    )

    seen_names: dict[str, int] = {}
    seen_usernames: dict[str, int] = {}
    parents: dict[str, str] = {}
    for row in rows:
        name = row.get("name", "")
        if not name:
            error(row, "name", _("The unit name is empty."))
            continue
        if len(name) > 200:
            error(row, "name", _("The unit name is longer than 200 characters."))
        if name in seen_names:
            error(row, "name", _("The unit appears twice (also on row %(row)d).") % {"row": seen_names[name]})
        seen_names.setdefault(name, row["row"])
        kind = kinds.get(row.get("kind", "").lower()) or kinds.get(row.get("kind", ""))
        if not kind:
            error(
                row,
                "kind",
                _("Unknown unit kind “%(kind)s”: use one of %(choices)s.")
                % {"kind": row.get("kind", ""), "choices": "、".join(KIND_LABELS_ZH.values())},
            )
        else:
            row["kind"] = str(kind)
        batch = str(row.get("batch", "") or "1")
        if not batch.isdigit() or int(batch) < 1:
            error(row, "batch", _("The batch must be a whole number from 1, not “%(batch)s”.") % {"batch": batch})
        else:
            row["batch"] = int(batch)
        group = row.get("group", "")
        if group and group not in groups:
            error(
                row,
                "group",
                _("There is no inspection group “%(group)s” in this campaign; create it first or fix the name.")
                % {"group": group},
            )
        parent = row.get("parent", "")
        if parent:
            if parent == name:
                error(row, "parent", _("A unit cannot be its own parent."))
            else:
                parents[name] = parent
        people = row_liaisons(row)
        for person in people:
            label = _("liaison %(slot)d") % {"slot": person["slot"]}
            username = person["username"]
            account = f"liaison{person['slot']}_username"
            if not person["name"]:
                error(row, f"liaison{person['slot']}_name", _("%(who)s has no name.") % {"who": label})
            if not username:
                error(row, account, _("%(who)s has no account name.") % {"who": label})
                continue
            if not USERNAME_RE.match(username):
                error(
                    row,
                    account,
                    _("%(who)s: account “%(username)s” may use only letters, digits and . @ + - _ (3 to 150).")
                    % {"who": label, "username": username},
                )
            if person["phone"] and not PHONE_RE.match(person["phone"]):
                error(
                    row,
                    f"liaison{person['slot']}_phone",
                    _("%(who)s: “%(phone)s” is not a phone number.") % {"who": label, "phone": person["phone"]},
                )
            if username in seen_usernames:
                error(
                    row,
                    account,
                    _("Account “%(username)s” is listed twice (also on row %(row)d); a person is liaison of one unit.")
                    % {"username": username, "row": seen_usernames[username]},
                )
            seen_usernames.setdefault(username, row["row"])
            existing = users.get(username)
            if existing is not None and existing.role != User.Role.LIAISON:
                error(
                    row,
                    account,
                    _("Account “%(username)s” already exists as %(role)s, not as a liaison.")
                    % {"username": username, "role": existing.get_role_display()},
                )
            elif existing is not None and not existing.is_active:
                error(row, account, _("Account “%(username)s” is disabled.") % {"username": username})

    known = set(existing_units) | set(seen_names)
    rows_by_name = {row.get("name"): row for row in rows if row.get("name")}
    for name, parent in parents.items():
        if parent not in known:
            error(
                rows_by_name[name],
                "parent",
                _("The parent unit “%(parent)s” is neither in the file nor in the campaign.") % {"parent": parent},
            )
    # A cycle through parents (A under B under A) would leave a unit with no root.
    chain_parent = {n: (u.parent.name if u.parent_id and u.parent else None) for n, u in existing_units.items()}
    chain_parent.update(parents)
    for name in parents:
        walked, current = {name}, chain_parent.get(name)
        while current:
            if current in walked:
                error(
                    rows_by_name[name],
                    "parent",
                    _("The parent units form a loop through “%(unit)s”.") % {"unit": current},
                )
                break
            walked.add(current)
            current = chain_parent.get(current)

    new_units = [name for name in seen_names if name not in existing_units]
    unchanged = 0
    for row in rows:
        unit = existing_units.get(row.get("name"))
        if unit is not None and not _unit_changes(unit, row, current_liaisons.get(unit.pk, set())):
            row["unchanged"] = True
            unchanged += 1
    new_accounts = [u for u in seen_usernames if u not in users]
    listed_in = {p["username"]: row.get("name") for row in rows for p in row_liaisons(row) if p["username"]}
    moved = [u for u, unit in liaison_units.items() if listed_in.get(u) != unit]
    check.summary = {
        "rows": len(rows),
        "units_created": len(new_units),
        "units_updated": len(seen_names) - len(new_units) - unchanged,
        "units_unchanged": unchanged,
        "liaisons": len(seen_usernames),
        "accounts_created": len(new_accounts),
        "liaisons_moved": len(moved),
        "coverage": sum(1 for row in rows if row.get("group")),
    }


def _unit_changes(unit: Unit, row: dict, liaisons: set[str]) -> bool:
    """Whether applying the row would change the unit (an exported unit list imported back
    changes nothing)."""
    coverage = getattr(unit, "coverage", None)
    people = {p["username"] for p in row_liaisons(row)}
    return (
        unit.kind != row.get("kind")
        or unit.batch != row.get("batch")
        or (unit.parent.name if unit.parent_id else "") != row.get("parent", "")
        or bool(row.get("group") and (coverage is None or coverage.group.name != row["group"]))
        or bool(people and people != liaisons)
    )


def import_columns() -> dict[str, tuple[str, ...]]:
    """The headers the import accepts: its own, and the unit export's (campaign/exports.py) in
    either language, so an exported unit list imports back unchanged."""
    export = {
        "name": gettext_lazy("Unit"),
        "kind": gettext_lazy("Kind"),
        "parent": gettext_lazy("Parent unit"),
        "batch": gettext_lazy("Batch"),
        "group": gettext_lazy("Inspection group"),
    }
    columns = {}
    for key, aliases in COLUMNS.items():
        names = list(aliases)
        if key in export:
            for language in ("zh-hans", "en"):
                with translation.override(language):
                    names.append(str(export[key]))
        columns[key] = tuple(dict.fromkeys(names))
    return columns


def roster_template() -> bytes:
    """An empty roster with the header row and one example row, for the office to fill in."""
    return xlsx.template_workbook(
        title="单位名册",
        headers=[aliases[0] for aliases in COLUMNS.values()],
        example=["市发展改革委", "市直机关", "", 1, "第一巡回指导组", "张三", "zhangsan", "13800000000", "", "", ""],
        widths=[28, 12, 20, 8, 18, 12, 16, 16, 12, 16, 16],
    )
