"""python manage.py create_account USERNAME --role ROLE [--member NUMBER] [--password P]."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management.base import BaseCommand, CommandError

from core.errors import ValidationError
from core.roles import ALL_ROLES
from members.services import account_create_or_update


class Command(BaseCommand):
    help = (
        "Create or update a login with one role (" + ", ".join(ALL_ROLES) + "). "
        "A member login is linked to the member with --member NUMBER. Without --password a new "
        "login gets an unusable password."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(ALL_ROLES)}.")
        parser.add_argument("--member", dest="membership_number", help="Membership number to link the login to.")
        parser.add_argument("--password", help="The login's password (checked by the password validators).")

    def handle(self, *args, username, role, membership_number, password, **options):
        if password:
            try:
                password_validation.validate_password(password)
            except DjangoValidationError as exc:
                raise CommandError("Password refused: " + " ".join(exc.messages)) from None
        try:
            user, created = account_create_or_update(
                username=username, role=role, membership_number=membership_number, password=password
            )
        except ValidationError as exc:
            raise CommandError(exc.message) from None
        link = f", member {membership_number}" if membership_number else ""
        self.stdout.write(f"{'created' if created else 'updated'} account {user.get_username()} ({role}{link})")
