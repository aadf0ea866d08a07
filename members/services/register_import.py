"""The bulk import of the membership register: members upserted by membership number, in chunks, audited once."""

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from audit.events import Event
from audit.services import audit_record
from core.bulk import rows_insert
from members.models import Constituency, Identity, Member, Region
from members.normalise import normalise
from members.services.register_rows import COLUMNS, Row, RowError, parse_row
from members.signals import identities_registered

CHUNK = 2000
# The member fields an import sets; anything else (login, standing, affiliations) it leaves alone.
MEMBER_FIELDS = ("first_name", "last_name", "email", "phone", "constituency_id", "joined_on", "status", "offices")


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    identities_created: int = 0
    identities_removed: int = 0
    regions_created: int = 0
    constituencies_created: int = 0
    digest: str = ""

    def summary(self) -> str:
        return (
            f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, rejected {len(self.rejected)}"
        )

    def counts(self) -> dict:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "identities_created": self.identities_created,
            "identities_removed": self.identities_removed,
            "regions_created": self.regions_created,
            "constituencies_created": self.constituencies_created,
        }


class _Places:
    """Regions and constituencies by name, created in bulk as a chunk needs them."""

    def __init__(self, result: ImportResult):
        self.result = result
        self.regions = {r.name: r for r in Region.objects.all()}
        self.region_names = {r.pk: r.name for r in self.regions.values()}
        self.constituencies = {c.name: c for c in Constituency.objects.all()}

    def resolve(self, rows: list[Row], reject: Callable[[Row, str], None]) -> list[Row]:
        """Create the places these rows name; return the rows whose place is consistent."""
        new_regions = {r.region for r in rows if r.region and r.region not in self.regions}
        if new_regions:
            created = Region.objects.bulk_create([Region(name=name) for name in sorted(new_regions)])
            self.regions.update((r.name, r) for r in created)
            self.region_names.update((r.pk, r.name) for r in created)
            self.result.regions_created += len(created)
        wanted: dict[str, str] = {}  # constituency -> region, for the ones to create
        kept = []
        for row in rows:
            if row.constituency:
                existing = self.constituencies.get(row.constituency)
                if existing is not None:
                    region = self.region_names[existing.region_id]
                else:
                    region = wanted.setdefault(row.constituency, row.region)
                if region != row.region:
                    reject(row, f"region: constituency {row.constituency!r} is in {region!r}, not {row.region!r}")
                    continue
            kept.append(row)
        if wanted:
            created = Constituency.objects.bulk_create(
                [Constituency(name=name, region=self.regions[region]) for name, region in sorted(wanted.items())]
            )
            self.constituencies.update((c.name, c) for c in created)
            self.result.constituencies_created += len(created)
        return kept

    def constituency_id(self, row: Row):
        return self.constituencies[row.constituency].pk if row.constituency else None


def _identity(member_id: int, slot: tuple[str, str], value: str, normalised: str) -> Identity:
    """An identity the import writes, as the unsaved Identity handed to `identities_registered`.

    Built as unpickling builds a model (no __init__, which costs more than writing the row);
    the import fills `normalised` itself, as Identity.save() would. The written rows are
    not read back, so the instances carry no primary key.
    """
    identity = _new_identity(Identity)
    identity.__dict__.update(
        _state=ModelState(), id=None, member_id=member_id, kind=slot[0], platform=slot[1], value=value,
        normalised=normalised, created_at=None,
    )  # fmt: skip
    return identity


_new_identity = Identity.__new__


class _Writer:
    """New members and their identities written as streams (core.bulk.rows_insert), not as models.

    Every column is given: the imported fields from the row, the rest (standing, login,
    affiliations...) as their model defaults, prepared once; created_at and updated_at are
    the import's own time, as for every row it creates.
    """

    IMPORTED = ("membership_number", *MEMBER_FIELDS)

    def __init__(self, now):
        ops = connection.ops
        self.adapt_date = ops.adapt_datefield_value
        prepared_now = Member._meta.get_field("created_at").get_db_prep_save(now, connection)
        rest = [
            f
            for f in Member._meta.concrete_fields
            if not f.primary_key and f.attname not in self.IMPORTED and f.name not in ("created_at", "updated_at")
        ]
        self.member_columns = (*self.IMPORTED, *(f.attname for f in rest), "created_at", "updated_at")
        defaults = [f.get_db_prep_save(f.get_default(), connection) for f in rest]
        self.member_tail = (*defaults, prepared_now, prepared_now)
        self.identity_columns = ("member_id", "kind", "platform", "value", "normalised", "created_at")
        self.now = prepared_now
        self.postgres = connection.vendor == "postgresql"
        qn = connection.ops.quote_name
        self.member_table = qn(Member._meta.db_table)
        self.sequence = f"pg_get_serial_sequence('{Member._meta.db_table}', '{Member._meta.pk.column}')"

    def member_values(self, row: Row, constituency_id) -> tuple:
        f = row.fields
        joined_on = f["joined_on"]
        return (
            row.number,
            f["first_name"],
            f["last_name"],
            f["email"],
            f["phone"],
            constituency_id,
            None if joined_on is None else self.adapt_date(joined_on),
            f["status"],
            f["offices"],
            *self.member_tail,
        )

    def create(self, rows: list[Row], constituency_ids: list) -> list[int]:
        """Insert these members (none of whose numbers exists yet); return their ids in row order.

        PostgreSQL: ids are drawn from the table's sequence first, then one COPY. Elsewhere:
        one executemany, then one read of the new ids by membership number.
        """
        values = [self.member_values(row, cid) for row, cid in zip(rows, constituency_ids, strict=True)]
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT nextval({self.sequence}) FROM generate_series(1, %s)", [len(rows)])
                ids = [pk for (pk,) in cursor.fetchall()]
            rows_insert(Member, ("id", *self.member_columns), [(pk, *v) for pk, v in zip(ids, values, strict=True)])
            return ids
        rows_insert(Member, self.member_columns, values)
        by_number = dict(_ids_by_number([row.number for row in rows]))
        return [by_number[row.number] for row in rows]

    def add_identities(self, identities: list[Identity]) -> None:
        now = self.now
        rows_insert(
            Identity,
            self.identity_columns,
            [(i.member_id, i.kind, i.platform, i.value, i.normalised, now) for i in identities],
        )


def _ids_by_number(numbers: list[str]) -> list[tuple[str, int]]:
    """(membership number, id) of the members with these numbers, in one plain statement.

    The ORM would prepare each of a chunk's numbers as a lookup value; they are strings already.
    """
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {qn('membership_number')}, {qn('id')} FROM {qn(Member._meta.db_table)} "
        f"WHERE {qn('membership_number')} IN ({', '.join(['%s'] * len(numbers))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, numbers)
        return cursor.fetchall()


def _owned_identities(member: Member, current: list[tuple]) -> list[tuple]:
    """The member's identities that the import columns stand for.

    E-mail and phone: the one matching the member's stored e-mail or phone (others an officer
    registered are kept). Twitter and Facebook, which the member row does not store: every
    handle on that platform.
    """
    owned_email = normalise(Identity.Kind.EMAIL, member.email) if member.email else None
    owned_phone = normalise(Identity.Kind.PHONE, member.phone) if member.phone else None
    owned = []
    for pk, kind, platform, normalised in current:
        if kind == Identity.Kind.EMAIL:
            mine = normalised == owned_email
        elif kind == Identity.Kind.PHONE:
            mine = normalised == owned_phone
        elif kind == Identity.Kind.HANDLE:
            mine = platform in (Identity.Platform.TWITTER, Identity.Platform.FACEBOOK)
        else:  # account ids have no import column: only officers register them
            mine = False
        if mine:
            owned.append((pk, kind, platform, normalised))
    return owned


def _store_chunk(rows: list[Row], places: _Places, writer: _Writer, result: ImportResult, now, actor=None) -> None:
    """Create, update or leave alone the members of one chunk, in a fixed number of queries."""
    found = _ids_by_number([r.number for r in rows])
    existing = {m.membership_number: m for m in Member.objects.filter(pk__in=[pk for _, pk in found])} if found else {}
    current: dict[int, list[tuple]] = {}
    if existing:
        slots = Identity.objects.filter(member_id__in=[m.pk for m in existing.values()]).values_list(
            "pk", "member_id", "kind", "platform", "normalised"
        )
        for pk, member_id, kind, platform, normalised in slots:
            current.setdefault(member_id, []).append((pk, kind, platform, normalised))

    new_rows, new_places, changed, add, remove = [], [], [], [], []
    for row in rows:
        member = existing.get(row.number)
        if member is None:
            new_rows.append(row)
            new_places.append(places.constituency_id(row))
            continue
        values = dict(row.fields, constituency_id=places.constituency_id(row))
        have = current.get(member.pk, [])
        owned = _owned_identities(member, have)
        wanted = {(slot[0], slot[1], normalised): value for slot, (value, normalised) in row.identities.items()}
        stale = {pk for pk, kind, platform, normalised in owned if (kind, platform, normalised) not in wanted}
        kept = {(kind, platform, normalised) for pk, kind, platform, normalised in have if pk not in stale}
        missing = [key for key in wanted if key not in kept]
        member_changed = any(getattr(member, name) != value for name, value in values.items())
        if member_changed:
            for name, value in values.items():
                setattr(member, name, value)
            member.updated_at = now
            changed.append(member)
        remove.extend(stale)
        add.extend(_identity(member.pk, key[:2], wanted[key], key[2]) for key in missing)
        if member_changed or stale or missing:
            result.updated += 1
        else:
            result.unchanged += 1

    if new_rows:
        ids = writer.create(new_rows, new_places)
        result.created += len(new_rows)
        for member_id, row in zip(ids, new_rows, strict=True):
            add.extend(
                _identity(member_id, slot, value, normalised) for slot, (value, normalised) in row.identities.items()
            )
    if changed:
        _update_members(changed, now)
    if remove:
        Identity.objects.filter(pk__in=remove).delete()
        result.identities_removed += len(remove)
    if add:
        writer.add_identities(add)
        result.identities_created += len(add)
        # Evidence waiting on these senders is attributed by complaints (members.signals).
        identities_registered.send(sender=Identity, identities=add, actor=actor)


def _update_members(members: list[Member], now) -> None:
    """Write the imported fields of these members, and updated_at, in one statement per chunk.

    PostgreSQL: UPDATE ... FROM (VALUES ...), one statement for up to ~6,000 rows (the protocol's
    65,535 parameters). SQLite: one executemany of an UPDATE by id. QuerySet.bulk_update
    builds a CASE expression per field and row, which costs seconds per thousand rows in
    Python and is quadratic in the database.
    """
    qn = connection.ops.quote_name
    fields = [Member._meta.get_field(name) for name in ("id", *MEMBER_FIELDS)]
    columns = [f.column for f in fields]
    table = qn(Member._meta.db_table)
    updated_at = Member._meta.get_field("updated_at")
    prepared_now = updated_at.get_db_prep_save(now, connection)
    adapt_date = connection.ops.adapt_datefield_value
    attnames = [f.attname for f in fields]
    joined_on = attnames.index("joined_on")

    def values(m):
        row = [getattr(m, name) for name in attnames]
        row[joined_on] = adapt_date(row[joined_on])
        return row

    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            assignments = ", ".join(f"{qn(c)} = %s" for c in columns[1:])
            cursor.executemany(
                f"UPDATE {table} SET {assignments}, {qn(updated_at.column)} = %s WHERE {qn(columns[0])} = %s",
                [(*row[1:], prepared_now, row[0]) for row in map(values, members)],
            )
            return
        # Literal parameters in VALUES have no type of their own; a column of NULLs would be text.
        assignments = ", ".join(
            f"{qn(f.column)} = CAST(v.{qn(f.column)} AS {f.db_type(connection)})" for f in fields[1:]
        )
        row_sql = "(" + ", ".join(["%s"] * len(columns)) + ")"
        batch = 65_535 // len(columns) - 1
        for start in range(0, len(members), batch):
            chunk = members[start : start + batch]
            params = [value for m in chunk for value in values(m)]
            params.append(prepared_now)
            cursor.execute(
                f"WITH v ({', '.join(qn(c) for c in columns)}) AS (VALUES {', '.join([row_sql] * len(chunk))}) "
                f"UPDATE {table} SET {assignments}, {qn(updated_at.column)} = %s "
                f"FROM v WHERE {table}.{qn(columns[0])} = v.{qn(columns[0])}",
                params,
            )


_JSON = json.JSONEncoder(ensure_ascii=False)  # what json.dumps(..., ensure_ascii=False) builds on every call


def _row_digest_text(raw: dict) -> str:
    """One row's contribution to the import's digest: its columns as a JSON list, one line."""
    return _JSON.encode([raw.get(c) for c in COLUMNS]) + "\n"


def member_import_rows(
    *,
    rows: Iterable[tuple[int, dict]],
    actor=None,
    progress: Callable[[int, int | None], None] | None = None,
    total: int | None = None,
) -> ImportResult:
    """Upsert members by membership number from CSV rows `(line, {column: value})`, all in one transaction.

    Invalid rows are skipped and reported with their line and the column at fault; the rest
    are stored, with their e-mail, phone and handles as normalised identities, in chunks of
    CHUNK rows. Writes one `members.import` audit event with the counts and a digest of the rows.
    """
    result = ImportResult()
    digest = hashlib.sha256()
    digested: list[str] = []  # this chunk's lines; hashing them joined gives the same digest as one by one
    seen: dict[str, int] = {}
    now = timezone.now()

    def reject(row_or_line, reason: str) -> None:
        line = row_or_line.line if isinstance(row_or_line, Row) else row_or_line
        result.rejected.append((line, reason))

    with transaction.atomic():
        places = _Places(result)
        writer = _Writer(now)
        pending: list[Row] = []

        def flush():
            kept = places.resolve(pending, reject)
            if kept:
                _store_chunk(kept, places, writer, result, now, actor)
            pending.clear()
            if progress is not None:
                progress(result.rows, total)

        for line, raw in rows:
            result.rows += 1
            digested.append(_row_digest_text(raw))
            if len(digested) >= CHUNK:
                digest.update("".join(digested).encode())
                digested.clear()
            try:
                row = parse_row(line, raw)
            except RowError as exc:
                reject(line, str(exc))
                continue
            if row.number in seen:
                reject(row, f"membership_number: {row.number} is already on line {seen[row.number]}")
                continue
            seen[row.number] = line
            pending.append(row)
            if len(pending) >= CHUNK:
                flush()
        flush()
        digest.update("".join(digested).encode())
        result.rejected.sort()
        result.digest = digest.hexdigest()
        audit_record(
            actor=actor,
            action=Event.MEMBERS_IMPORT,
            object_type="members.member",
            object_id="import",
            data={**result.counts(), "digest": result.digest},
        )
    return result
