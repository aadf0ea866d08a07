"""Coordinated campaigns: near-identical texts from many senders in one burst."""

import datetime as dt
import operator

from django.conf import settings

from complaints.models import Campaign, Complaint, Evidence
from complaints.services.evidence.rows import CHUNK

_TIME_ORDER = operator.itemgetter(0, 1, 2)


def campaigns_detect(*, complaint: Complaint, incoming: list[dict]) -> dict[int, Campaign]:
    """Group near-identical texts sent by enough distinct senders in one burst into campaigns.

    For each text signature of the incoming rows (not stored yet), the busiest window (24
    hours by default) over the complaint's stored and incoming items is found; the
    signature is a campaign when that window holds at least the minimum of distinct
    senders and nearly all of the signature's items (95% by default). A phrase that
    recurs over weeks, however common, is abuse but not a coordinated campaign. Stored
    items of a burst are linked here; returns {index in incoming: campaign} for the rest.
    """
    conf = settings.CONDUCT
    window = dt.timedelta(hours=conf["CAMPAIGN_WINDOW_HOURS"])
    # Each item is (occurred_at, stored first, pk or index, sender key, text): sorted, the
    # order of the stored items by time then pk, incoming ones being stored after them.
    by_signature: dict[str, list] = {}
    for index, row in enumerate(incoming):
        if row["signature"]:
            by_signature.setdefault(row["signature"], []).append(
                (row["occurred_at"], 1, index, row["sender_key"], row["text"])
            )
    signatures = sorted(by_signature)
    for i in range(0, len(signatures), CHUNK):
        stored = Evidence.objects.filter(complaint=complaint, signature__in=signatures[i : i + CHUNK]).values_list(
            "pk", "signature", "occurred_at", "sender_key", "text"
        )
        for pk, signature, occurred_at, key, text in stored:
            by_signature[signature].append((occurred_at, 0, pk, key, text))
    found: dict[int, Campaign] = {}
    for signature in signatures:
        items = sorted(by_signature[signature], key=_TIME_ORDER)
        burst = _busiest_window(items, window)
        senders = {r[3] for r in burst if r[3]}
        if len(senders) < conf["CAMPAIGN_MIN_SENDERS"] or len(burst) < conf["CAMPAIGN_CONCENTRATION"] * len(items):
            continue
        campaign, _ = Campaign.objects.update_or_create(
            complaint=complaint,
            signature=signature,
            defaults={
                "sample_text": burst[0][4][:1000],
                "senders": len(senders),
                "items": len(burst),
                "first_at": burst[0][0],
                "last_at": burst[-1][0],
            },
        )
        ids = [r[2] for r in burst if r[1] == 0]
        for j in range(0, len(ids), CHUNK):
            Evidence.objects.filter(pk__in=ids[j : j + CHUNK]).update(campaign=campaign)
        found.update((r[2], campaign) for r in burst if r[1] == 1)
    return found


def _busiest_window(items: list, window: dt.timedelta) -> list:
    """The longest run of time-ordered items (time first) that fits in `window`."""
    best, start = (0, 0), 0
    for end in range(len(items)):
        while items[end][0] - items[start][0] > window:
            start += 1
        if end - start > best[1] - best[0]:
            best = (start, end)
    return items[best[0] : best[1] + 1]
