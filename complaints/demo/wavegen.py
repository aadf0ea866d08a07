"""Generate a synthetic, reproducible wave of online abuse aimed at one elected member.

Modelled on a real case: about 25,000 pieces of abuse over several weeks, 20,000 of
them within the first 12 hours, arriving on Twitter, Facebook, e-mail and phone, with
one threat to hang the target passed to counter-terrorism police.

Writes, into OUT_DIR:
  members.csv       the party's membership list (some abusers are members; their
                    handles are recorded in inconsistent forms, as in real data)
  wave.csv          the evidence items, one a row (CSV with a header)
  wave.ndjson       the same items, one JSON object a line
  truth.json        what a correct engine should find (duplicates, attribution,
                    threats, coordinated campaigns, worst senders)

The wording is sanitised: it names the kind of abuse without reproducing slurs.
The project's own copy of the shared abuse_wave.py tool: for the same arguments it
writes byte-identical files.
Usage: python -m bench.wavegen OUT_DIR [--items 25000] [--members 50000] [--seed 2016]
(the demo loads a smaller wave of its own through `generate`)
"""

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random

PLATFORMS = ["twitter", "facebook", "email", "phone"]
PLATFORM_WEIGHTS = [0.55, 0.33, 0.08, 0.04]

REGIONS = {
    "West Midlands": [
        "Stoke-on-Trent North",
        "Stoke-on-Trent Central",
        "Wolverhampton South East",
        "Coventry North West",
    ],
    "London": ["Hackney North and Stoke Newington", "Islington North", "Tottenham", "Bermondsey and Old Southwark"],
    "North West": ["Liverpool Walton", "Manchester Gorton", "Wirral West", "Bolton North East"],
    "Yorkshire and the Humber": ["Leeds Central", "Sheffield Brightside", "Hull East", "Bradford West"],
    "Scotland": ["Glasgow North East", "Edinburgh South", "Dundee West", "Kirkcaldy and Cowdenbeath"],
    "Wales": ["Cardiff Central", "Swansea East", "Newport West", "Wrexham"],
}
FIRST = [
    "Alex", "Sam", "Jo", "Chris", "Pat", "Morgan", "Jamie", "Robin", "Taylor", "Casey", "Ruth", "Ahmed",
    "Priya", "Tomasz", "Siobhan", "Kwame", "Mei", "Olu", "Fatima", "Gareth", "Ewan", "Niamh", "Ravi", "Zofia",
]  # fmt: skip
LAST = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Khan", "Patel", "Murphy", "Kowalski",
    "Okafor", "Campbell", "Hughes", "Singh", "Roberts", "Walker", "Wright", "Thompson", "O'Neill", "Nowak",
]  # fmt: skip

# Sanitised message templates by kind of abuse. {t} is the target's first name.
TEMPLATES = {
    "threat_of_violence": [
        "{t} you should hang from the gallows for this",
        "someone will hang you {t}, just wait",
        "we know where your office is {t}, watch your back",
        "{t} deserves to be shot for what she did today",
        "I will find you {t} and you will regret it",
        "string her up, traitor {t}",
    ],
    "antisemitism": [
        "{t} is part of the media conspiracy, everyone knows who pulls her strings",
        "typical of {t}, loyal to a foreign power not to the party",
        "{t} and her friends control the press, wake up people",
        "the lobby pays {t} to smear the leader",
    ],
    "misogyny": [
        "{t} should go back to the kitchen and stop crying for the cameras",
        "hysterical woman {t}, nobody cares about your tears",
        "{t} is a stupid [sexist slur]",
    ],
    "harassment": [
        "resign now {t}, you will never be left in peace",
        "{t} traitor traitor traitor",
        "every day until you quit {t}, we will be here",
        "blairite scum {t}, get out of our party",
    ],
    "abusive_language": [
        "{t} you are a disgrace and a liar",
        "what a pathetic stunt {t}",
        "{t} is a [profanity] embarrassment",
    ],
}
KIND_WEIGHTS = {
    "threat_of_violence": 0.01,
    "antisemitism": 0.16,
    "misogyny": 0.13,
    "harassment": 0.35,
    "abusive_language": 0.35,
}
CAMPAIGN_TEXTS = [
    "Ruth Smeeth is a traitor to the movement. Deselect her now! #JC4PM",
    "Smeeth staged the walkout for the cameras. Media conspiracy exposed. #StandWithJeremy",
]
FILLERS = ["", "!!", " !!!", " #JC4PM", " pathetic", " ...", " RT if you agree", " 😡"]
ITEM_COLUMNS = ["channel", "author_handle", "author_name", "author_email", "author_phone", "url", "text", "occurred_at"]
START = dt.datetime(2016, 6, 30, 11, 0, tzinfo=dt.UTC)


def handle_variants(rng, handle, platform):
    """The same account written the ways members type it into a membership form."""
    if platform == "twitter":
        return rng.choice(
            [
                handle,
                "@" + handle,
                handle.upper(),
                "https://twitter.com/" + handle,
                "https://x.com/" + handle,
                " @" + handle.lower() + " ",
            ]
        )
    return rng.choice([handle, "https://www.facebook.com/" + handle, "facebook.com/" + handle + "/"])


def _senders(rng, count):
    """Senders with a heavy tail: a few send hundreds of messages."""
    senders = []
    for i in range(count):
        platform = rng.choices(PLATFORMS, PLATFORM_WEIGHTS)[0]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        # Letters, an underscore, then the sender's number: unique, and never equal to a
        # member's own handle (letters then digits, no underscore).
        base = f"{first}{last}".replace("'", "").lower()[:9] + f"_{i}"
        if platform == "twitter":
            ident = {"author_handle": base}
        elif platform == "facebook":
            ident = {"author_handle": f"{first.lower()}.{last.lower().replace(chr(39), '')}.{i}"}
        elif platform == "email":
            ident = {"author_email": f"{first.lower()}.{last.lower().replace(chr(39), '')}{i}@example.net"}
        else:
            ident = {"author_phone": f"+4477009{i:05d}"}
        senders.append(
            {"id": i, "platform": platform, "name": f"{first} {last}", "weight": 1.0 / (i + 1) ** 0.9, **ident}
        )
    rng.shuffle(senders)
    return senders


def _members(rng, senders, count):
    """The membership list; 12% of senders are members whose handle is stored in a messy form."""
    member_rows, member_of_sender = [], {}
    n_linked = int(len(senders) * 0.12)
    linked = set(s["id"] for s in rng.sample(senders, n_linked))
    sender_by_id = {s["id"]: s for s in senders}
    linked_iter = iter(sorted(linked))
    for m in range(count):
        region = rng.choice(list(REGIONS))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        row = {
            "membership_number": f"L{m + 1:07d}",
            "first_name": first,
            "last_name": last,
            "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}.{m}@members.example.org",
            "phone": f"+4479{m:08d}",
            "constituency": rng.choice(REGIONS[region]),
            "region": region,
            "joined_on": (dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 2350))).isoformat(),
            "status": rng.choices(["active", "lapsed"], [0.93, 0.07])[0],
            "twitter": "",
            "facebook": "",
            "offices": "",
        }
        if m % 17 == 0:
            row["twitter"] = handle_variants(rng, f"{first}{last}".lower().replace("'", "")[:9] + str(m), "twitter")
        if m % (count // max(n_linked, 1) or 1) == 3:
            sid = next(linked_iter, None)
            if sid is not None:
                s = sender_by_id[sid]
                first, last = s["name"].split(" ", 1)
                row.update(first_name=first, last_name=last)
                if s["platform"] in ("twitter", "facebook"):
                    row[s["platform"]] = handle_variants(rng, s["author_handle"], s["platform"])
                elif s["platform"] == "email":
                    row["email"] = s["author_email"].upper() if rng.random() < 0.3 else s["author_email"]
                else:
                    row["phone"] = "0" + s["author_phone"][3:] if rng.random() < 0.5 else s["author_phone"]
                member_of_sender[sid] = row["membership_number"]
        if m == 7:
            row["offices"] = "CLP secretary"
        member_rows.append(row)
    for sid in linked_iter:  # any left over: append as extra members
        s = sender_by_id[sid]
        first, last = s["name"].split(" ", 1)
        num = f"L{len(member_rows) + 1:07d}"
        row = {
            "membership_number": num,
            "first_name": first,
            "last_name": last,
            "email": s.get("author_email", f"{num.lower()}@members.example.org"),
            "phone": s.get("author_phone", ""),
            "constituency": "Islington North",
            "region": "London",
            "joined_on": "2015-09-12",
            "status": "active",
            "twitter": handle_variants(rng, s["author_handle"], "twitter") if s["platform"] == "twitter" else "",
            "facebook": handle_variants(rng, s["author_handle"], "facebook") if s["platform"] == "facebook" else "",
            "offices": "",
        }
        member_rows.append(row)
        member_of_sender[sid] = num
    return member_rows, member_of_sender


def generate(out_dir, items=25000, members=50000, senders=3000, seed=2016, target="Ruth") -> dict:
    """Write members.csv, wave.csv, wave.ndjson and truth.json into out_dir; return the truth
    and, under "row_kinds", the kind of abuse of each wave.csv row."""
    rng = random.Random(seed)
    os.makedirs(out_dir, exist_ok=True)
    sender_list = _senders(rng, senders)
    member_rows, member_of_sender = _members(rng, sender_list, members)

    # Items: 80% in the first 12 hours, the rest over the following ten weeks.
    weights = [s["weight"] for s in sender_list]
    wave, truth_items = [], []
    campaign_members = {i: set() for i in range(len(CAMPAIGN_TEXTS))}
    n_campaign = int(items * 0.06)
    n_dupes = int(items * 0.02)
    n_plain = items - n_campaign - n_dupes
    threat_count = 0

    def when(first_burst=True):
        if first_burst and rng.random() < 0.8:
            return START + dt.timedelta(seconds=rng.uniform(0, 12 * 3600))
        return START + dt.timedelta(seconds=rng.uniform(12 * 3600, 70 * 86400))

    def emit(sender, text, kind, at, campaign=None):
        platform = sender["platform"]
        n = len(wave)
        url = ""
        if platform == "twitter":
            url = f"https://twitter.com/{sender['author_handle']}/status/{750000000000000000 + n}"
        elif platform == "facebook":
            url = f"https://www.facebook.com/{sender['author_handle']}/posts/{10150000000 + n}"
        item = {
            "channel": platform,
            "author_handle": sender.get("author_handle", ""),
            "author_name": sender["name"] if platform in ("email", "phone", "facebook") else "",
            "author_email": sender.get("author_email", ""),
            "author_phone": sender.get("author_phone", ""),
            "url": url,
            "text": text,
            "occurred_at": at.isoformat().replace("+00:00", "Z"),
        }
        wave.append(item)
        truth_items.append(
            {"sender": sender["id"], "kind": kind, "campaign": campaign, "member": member_of_sender.get(sender["id"])}
        )

    for _ in range(n_plain):
        s = rng.choices(sender_list, weights)[0]
        kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
        text = rng.choice(TEMPLATES[kind]).format(t=target) + rng.choice(FILLERS)
        if s["platform"] == "phone":
            text = "Caller said: " + text
        threat_count += kind == "threat_of_violence"
        emit(s, text, kind, when())
    # The one named threat in the story, on Facebook.
    fb = next(s for s in sender_list if s["platform"] == "facebook")
    emit(
        fb,
        f"{target} Smeeth will hang from the gallows when we take the party back",
        "threat_of_violence",
        START + dt.timedelta(days=20),
    )
    threat_count += 1
    # Coordinated campaigns: many accounts, near-identical text, within an hour.
    for c in range(n_campaign):
        cid = c % len(CAMPAIGN_TEXTS)
        s = rng.choice(sender_list[:1500])
        campaign_members[cid].add(s["id"])
        at = START + dt.timedelta(hours=2 + 3 * cid, seconds=rng.uniform(0, 3600))
        emit(s, CAMPAIGN_TEXTS[cid] + rng.choice(FILLERS), "harassment", at, campaign=cid)
    # The same posts reported twice (screenshots forwarded by staff and by the target).
    originals = rng.sample(range(len(wave)), n_dupes)
    for o in originals:
        wave.append(dict(wave[o]))
        truth_items.append(dict(truth_items[o], duplicate_of=o))

    order = list(range(len(wave)))
    rng.shuffle(order)
    wave = [wave[i] for i in order]
    truth_items = [truth_items[i] for i in order]

    with open(os.path.join(out_dir, "wave.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=ITEM_COLUMNS)
        w.writeheader()
        w.writerows(wave)
    with open(os.path.join(out_dir, "wave.ndjson"), "w", encoding="utf-8") as f:
        for it in wave:
            f.write(json.dumps(it, ensure_ascii=False) + "\n")
    with open(os.path.join(out_dir, "members.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(member_rows[0]))
        w.writeheader()
        w.writerows(member_rows)

    per_sender = {}
    for t in truth_items:
        if "duplicate_of" in t:
            continue
        d = per_sender.setdefault(t["sender"], {"items": 0, "threats": 0, "member": t["member"]})
        d["items"] += 1
        d["threats"] += t["kind"] == "threat_of_violence"
    member_senders = {sid: d for sid, d in per_sender.items() if d["member"]}
    worst = sorted(member_senders.values(), key=lambda d: (-d["threats"], -d["items"]))[:10]
    first_12h_end = (START + dt.timedelta(hours=12)).isoformat().replace("+00:00", "Z")
    truth = {
        "seed": seed,
        "items": len(wave),
        "unique_items": len(wave) - n_dupes,
        "duplicates": n_dupes,
        "within_first_12h": sum(1 for it in wave if it["occurred_at"] < first_12h_end),
        "threat_items": threat_count,
        "senders": len(per_sender),
        "senders_who_are_members": len(member_senders),
        "member_items": sum(d["items"] for d in member_senders.values()),
        "member_threat_items": sum(d["threats"] for d in member_senders.values()),
        "members_with_threats": sorted(d["member"] for d in member_senders.values() if d["threats"]),
        "worst_member_senders": [
            {"membership_number": d["member"], "items": d["items"], "threats": d["threats"]} for d in worst
        ],
        "campaigns": [{"text": CAMPAIGN_TEXTS[c], "senders": len(campaign_members[c])} for c in campaign_members],
        "items_by_kind": {
            k: sum(1 for t in truth_items if t["kind"] == k and "duplicate_of" not in t) for k in TEMPLATES
        },
        "members": len(member_rows),
    }
    with open(os.path.join(out_dir, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, indent=1)
    # Returned, not written (the files stay identical to the shared tool's): each wave.csv
    # row's kind of abuse, in file order, for a per-item precision and recall.
    return {**truth, "row_kinds": [t["kind"] for t in truth_items]}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--items", type=int, default=25000)
    ap.add_argument("--members", type=int, default=50000)
    ap.add_argument("--senders", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=2016)
    ap.add_argument("--target", default="Ruth")
    args = ap.parse_args(argv)
    truth = generate(
        args.out_dir, items=args.items, members=args.members, senders=args.senders, seed=args.seed, target=args.target
    )
    with open(os.path.join(args.out_dir, "wave.csv"), "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()[:16]
    print(
        f"wrote {truth['items']} items from {truth['senders']} senders, {truth['members']} members, "
        f"wave.csv sha256 {digest}"
    )


if __name__ == "__main__":
    main()
