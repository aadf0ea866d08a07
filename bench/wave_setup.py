"""What the wave benches share: the generated wave, its members imported into the throwaway
database, and the logins that post and read it, made as an officer would (create_account)."""

import os

from bench.import_members import timed


def generate_wave(workdir: str, *, items: int, members: int) -> tuple[dict, str]:
    """Generate the wave into `workdir` and say so: (its ground truth, the path of wave.csv)."""
    from bench.wavegen import generate

    seconds, truth = timed(lambda: generate(workdir, items=items, members=members))
    wave = os.path.join(workdir, "wave.csv")
    print(
        f"wave: {truth['items']} items, {truth['senders']} senders, {truth['members']} members, "
        f"{truth.get('threat_items', '?')} threats (generated in {seconds:.1f}s; "
        f"{os.path.getsize(wave) / 2**20:.1f} MiB CSV)"
    )
    return truth, wave


def migrate_and_import_members(workdir: str, where: str) -> None:
    """Migrate the throwaway database and import the wave's members into it (Django set up first)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"database: {where}")
    with open(os.devnull, "w") as quiet:
        seconds, _ = timed(lambda: call_command("import_members", os.path.join(workdir, "members.csv"), stdout=quiet))
    print(f"members imported in {seconds:.1f}s")


def member_with_login(number: str = "MP0000001", first_name: str = "Ruth", last_name: str = "Smeeth"):
    """The complainant: a member with a login."""
    from core import roles
    from members.models import Member
    from members.services import account_create_or_update

    member = Member.objects.create(membership_number=number, first_name=first_name, last_name=last_name)
    member.user, _ = account_create_or_update(username=number, role=roles.MEMBER, membership_number=number)
    return member


def officer_login(username: str, first_name: str = "", last_name: str = ""):
    """A compliance officer's login."""
    from core import roles
    from members.services import account_create_or_update

    officer, _ = account_create_or_update(username=username, role=roles.OFFICER)
    officer.first_name, officer.last_name = first_name, last_name
    officer.save(update_fields=["first_name", "last_name"])
    return officer
