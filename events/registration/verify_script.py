"""The verification script shown on the lottery audit page.

It is the exact text a reader copies: Python 3 with the standard library only, fetching the
event's `lottery.json` and re-running `hmac-sha256-v1` (DESIGN.md) on it. The tests execute
the text taken from the rendered page, so what the page shows is what is proven to work.
"""

import json

SCRIPT = """\
# Verify the lottery: python3 verify.py   (standard library only)
import hashlib, hmac, json, sys, urllib.request

URL = __URL__
doc = json.load(urllib.request.urlopen(URL))
ok = True
for t in doc["ticket_types"]:
    if t["seed"] is None:
        print(t["name"], "- not drawn yet; commitment", t["commitment"])
        continue
    seed = bytes.fromhex(t["seed"])
    receipts = sorted(e["receipt"] for e in t["entries"])
    digest = hashlib.sha256("\\n".join(receipts).encode()).hexdigest()
    key = hashlib.sha256(seed + bytes.fromhex(digest)).digest()

    def entry_key(e):  # the smallest of the entry's `weight` tickets, then the receipt
        tickets = (hmac.new(key, f"{e['receipt']}:{j}".encode(), hashlib.sha256).digest()
                   for j in range(1, e["weight"] + 1))
        return min(tickets), e["receipt"]

    order = sorted(t["entries"], key=entry_key)
    problems = [
        e["receipt"] for rank, e in enumerate(order, 1)
        if (e["rank"], e["outcome"])
        != (rank, "accepted" if rank <= t["seats"] else "waitlisted")
    ]
    if hashlib.sha256(seed).hexdigest() != t["commitment"]:
        problems.append("seed does not match the commitment")
    if digest != t["entries_digest"]:
        problems.append("entries digest differs")
    ok = ok and not problems
    print(t["name"], "-", "VERIFIED" if not problems else "MISMATCH", len(order), "entries",
          *problems[:5])
sys.exit(0 if ok else 1)
"""


def render(json_url: str) -> str:
    """The script for one event, with its JSON address filled in."""
    return SCRIPT.replace("__URL__", json.dumps(json_url))
