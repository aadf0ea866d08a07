"""Logins for the cluster's load run (`.ci/cluster start` runs it after `seed_demo`).

Writes a JSON file with, for each role the load client plays, usernames and API tokens:

- members: demo members with no handle, each given a member login; they file complaints
  naming respondents (demo members with a Twitter handle) and upload evidence;
- officers and auditors: staff logins;
- one officer with a password and a TOTP device whose key is known (django-otp), so the load
  client logs in through POST /api/auth/token/ with a code from django-otp's `totp`, as staff
  must in production;
- one member with a password, for the throttle check at the token endpoint.

Tokens for the load's many clients are issued here through `members.tokens.token_issue` (the
same service the token endpoint calls, audited), not by logging in: the token endpoint's
per-address throttle (THROTTLE_TOKEN) would otherwise refuse 50 clients on one loopback address,
and the production password hasher would spend the run hashing.

    python -m bench.cluster_setup --out .cluster/logins.json   (with the cluster's environment)
"""

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from members.models import Identity, Member  # noqa: E402
from members.services import account_create_or_update  # noqa: E402
from members.tokens import token_issue  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--members", type=int, default=60)
    parser.add_argument("--officers", type=int, default=8)
    parser.add_argument("--auditors", type=int, default=6)
    args = parser.parse_args()

    handles = list(
        Identity.objects.filter(kind=Identity.Kind.HANDLE, platform="twitter", member__status=Member.Status.ACTIVE)
        .select_related("member")
        .order_by("member__membership_number")
    )
    respondents = [{"number": i.member.membership_number, "handle": i.value} for i in handles[:40]]
    taken = {i.member_id for i in handles}
    free = (
        Member.objects.filter(status=Member.Status.ACTIVE, user__isnull=True)
        .exclude(pk__in=taken)
        .order_by("membership_number")
    )
    candidates = list(free[: args.members + 1])
    if len(candidates) < args.members + 1 or not respondents:
        raise SystemExit("not enough demo members: run seed_demo first")

    def login(username, role, number=None, password=None) -> dict:
        user, _ = account_create_or_update(username=username, role=role, membership_number=number, password=password)
        return {"username": username, "token": token_issue(user=user).key}

    members = [login(f"load-member-{n:03d}", "member", m.membership_number) for n, m in enumerate(candidates[:-1])]
    officers = [login(f"load-officer-{n:02d}", "officer") for n in range(args.officers)]
    auditors = [login(f"load-auditor-{n:02d}", "auditor") for n in range(args.auditors)]

    # Staff log in with a second factor in production: one officer does so through the API.
    password = secrets.token_urlsafe(18)
    account_create_or_update(username="load-officer-2fa", role="officer", password=password)
    user = get_user_model().objects.get(username="load-officer-2fa")
    key = secrets.token_hex(20)
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="load client", key=key, confirmed=True)
    staff_2fa = {"username": "load-officer-2fa", "password": password, "totp_key": key}

    throttle_password = secrets.token_urlsafe(18)
    account_create_or_update(
        username="load-throttle",
        role="member",
        membership_number=candidates[-1].membership_number,
        password=throttle_password,
    )
    throttled = {"username": "load-throttle", "password": throttle_password}

    ports = os.environ.get("CLUSTER_PORTS", "8101 8102").strip('"').split()
    out = {
        "servers": [f"http://127.0.0.1:{p}" for p in ports],
        "members": members,
        "officers": officers,
        "auditors": auditors,
        "respondents": respondents,
        "staff_2fa": staff_2fa,
        "throttle_login": throttled,
        "rates": settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
        "staff_2fa_on": settings.CONDUCT_STAFF_2FA,
    }
    path = Path(args.out)
    path.write_text(json.dumps(out, indent=1))
    path.chmod(0o600)
    print(
        f"load logins: {len(members)} members, {len(officers)} officers, {len(auditors)} auditors, "
        f"{len(respondents)} respondents; 2FA officer {staff_2fa['username']} -> {path}"
    )


if __name__ == "__main__":
    main()
