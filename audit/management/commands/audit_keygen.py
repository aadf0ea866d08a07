import os

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management.base import BaseCommand, CommandError

from audit.signing import key_id, private_key_pem, public_key_text


class Command(BaseCommand):
    help = (
        "Make an Ed25519 key pair for signing audit checkpoints: the private key to --out (PEM, "
        "readable by its owner only), the public key printed for AUDIT_PUBLIC_KEYS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="File for the private key; an existing file is refused.")

    def handle(self, *args, out, **options):
        key = Ed25519PrivateKey.generate()
        try:
            fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError as exc:
            raise CommandError(f"{out} exists; a signing key is never overwritten.") from exc
        except OSError as exc:
            raise CommandError(f"{out} cannot be written: {exc.strerror}.") from exc
        with os.fdopen(fd, "wb") as f:
            f.write(private_key_pem(key))
        public = key.public_key()
        self.stdout.write(f"private key written to {out} (give only the signing process AUDIT_SIGNING_KEY_FILE={out})")
        self.stdout.write(f"key id {key_id(public)}")
        self.stdout.write(f"AUDIT_PUBLIC_KEYS={public_key_text(public)}")
