"""Verifiable lottery, algorithm "hmac-sha256-v1".

Anyone can re-run a published draw with nothing but SHA-256 and HMAC-SHA256.

Before entries close, the organiser draws a secret random 32-byte *seed* and
publishes its *commitment*: SHA-256(seed) in lowercase hex. This fixes the seed
without revealing it, so it cannot be swapped once the entries are known.

When entries close:

1. Entries digest: take the receipt codes, sort them ascending (by Unicode code
   point, which is the same as UTF-8 byte order), join them with a single
   newline "\\n", encode as UTF-8 and hash with SHA-256. Written as lowercase hex.
2. Draw key: SHA-256(seed || digest), where digest is the 32 raw bytes of the
   entries digest (not its hex text).
3. An entry with receipt R and weight w (an integer, at least 1) holds w tickets.
   Ticket j, for j = 1..w, has the value HMAC-SHA256(draw key, "R:j" as UTF-8),
   for example "K7M2P9QX:1". The entry's key is the smallest of its ticket
   values, comparing the 32-byte values as bytes.
4. Sort the entries by (entry key, receipt) ascending and number them 1, 2, 3...
   The first `seats` ranks are "accepted", the rest are "waitlisted".

Then the seed is published. Anyone can check it against the commitment and
recompute every rank. Ticket values behave like independent uniform random
numbers, so with equal weights every order is equally likely, and an entry's
chance of ranking first is its weight divided by the total weight.

This file is also the reference verifier: it needs only Python's standard library, so anyone
can save it and run `python3 lottery.py lottery.json` on an event's published record.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = [
    "ACCEPTED",
    "ALGORITHM",
    "WAITLISTED",
    "DrawResult",
    "RankedEntry",
    "commitment",
    "draw",
    "draw_key",
    "entries_digest",
    "entry_key",
    "new_seed",
    "verify",
]

ALGORITHM: Final = "hmac-sha256-v1"
ACCEPTED: Final = "accepted"
WAITLISTED: Final = "waitlisted"


@dataclass(frozen=True, slots=True)
class RankedEntry:
    receipt: str
    weight: int
    rank: int
    outcome: str


@dataclass(frozen=True, slots=True)
class DrawResult:
    """`seats` is as requested; it may exceed the number of entries."""

    algorithm: str = field(default=ALGORITHM, init=False)
    entries_digest: str
    seats: int
    ranked: tuple[RankedEntry, ...]


def new_seed() -> bytes:
    return secrets.token_bytes(32)


def commitment(seed: bytes) -> str:
    return hashlib.sha256(seed).hexdigest()


def entries_digest(receipts: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(receipts)).encode()).hexdigest()


def draw_key(seed: bytes, digest_hex: str) -> bytes:
    return hashlib.sha256(seed + bytes.fromhex(digest_hex)).digest()


def entry_key(key: bytes, receipt: str, weight: int) -> bytes:
    _check_weight(receipt, weight)
    return _entry_key(hmac.new(key, digestmod=hashlib.sha256), receipt, weight)


def _entry_key(mac: hmac.HMAC, receipt: str, weight: int) -> bytes:
    # Copying a keyed HMAC skips re-deriving the padded key for every ticket.
    best = b""
    for j in range(1, weight + 1):
        ticket = mac.copy()
        ticket.update(f"{receipt}:{j}".encode())
        value = ticket.digest()
        if not best or value < best:
            best = value
    return best


def draw(
    seed: bytes,
    entries: Mapping[str, int] | Iterable[tuple[str, int]],
    seats: int,
) -> DrawResult:
    """Rank `entries` (receipt -> weight) and accept the first `seats` of them."""
    if isinstance(seats, bool) or not isinstance(seats, int):
        raise ValueError(f"seats must be an int, got {seats!r}")
    if seats < 0:
        raise ValueError(f"seats must be >= 0, got {seats}")
    pairs = list(entries.items() if isinstance(entries, Mapping) else entries)
    seen: set[str] = set()
    for receipt, weight in pairs:
        _check_receipt(receipt)
        if receipt in seen:
            raise ValueError(f"duplicate receipt {receipt!r}")
        seen.add(receipt)
        _check_weight(receipt, weight)

    digest = entries_digest(seen)
    mac = hmac.new(draw_key(seed, digest), digestmod=hashlib.sha256)
    order = sorted([(_entry_key(mac, r, w), r, w) for r, w in pairs])
    ranked = tuple(
        RankedEntry(r, w, rank, ACCEPTED if rank <= seats else WAITLISTED)
        for rank, (_, r, w) in enumerate(order, start=1)
    )
    return DrawResult(entries_digest=digest, seats=seats, ranked=ranked)


def verify(document: Mapping[str, Any]) -> list[str]:
    """Re-run one published ticket-type draw; return the problems found ([] = verified)."""
    algorithm = document.get("algorithm")
    if algorithm != ALGORITHM:
        return [f"algorithm is {algorithm!r}, expected {ALGORITHM!r}"]
    try:
        seed = bytes.fromhex(document["seed"])
    except (KeyError, TypeError, ValueError):
        return [f"seed is missing or not hex: {document.get('seed')!r}"]

    problems: list[str] = []
    claimed = document.get("commitment")
    if not _same_hex(claimed, commitment(seed)):
        problems.append(
            f"commitment {claimed!r} does not match SHA-256 of the seed ({commitment(seed)})"
        )

    raw = document.get("entries")
    if not isinstance(raw, list) or not all(isinstance(e, Mapping) for e in raw):
        return [*problems, "entries must be a list of objects"]
    pairs = [(e.get("receipt"), e.get("weight")) for e in raw]
    try:
        result = draw(seed, pairs, document.get("seats"))
    except ValueError as exc:
        return [*problems, f"cannot re-run the draw: {exc}"]

    claimed = document.get("entries_digest")
    if not _same_hex(claimed, result.entries_digest):
        problems.append(
            f"entries_digest {claimed!r} does not match the receipts ({result.entries_digest})"
        )
    expected = {e.receipt: e for e in result.ranked}
    for e in raw:
        want = expected[e["receipt"]]
        if e.get("rank") != want.rank:
            problems.append(f"receipt {want.receipt}: rank {e.get('rank')!r}, expected {want.rank}")
        if e.get("outcome") != want.outcome:
            problems.append(
                f"receipt {want.receipt}: outcome {e.get('outcome')!r}, expected {want.outcome!r}"
            )
    return problems


def _same_hex(claimed: object, actual: str) -> bool:
    # Hex case carries no meaning; accept "ABC..." for "abc...".
    return isinstance(claimed, str) and claimed.lower() == actual


def _check_receipt(receipt: object) -> None:
    # A newline or an empty code would make two different entry lists share a digest.
    if not isinstance(receipt, str) or not receipt or "\n" in receipt:
        raise ValueError(f"receipt must be a non-empty string without newlines, got {receipt!r}")


def _check_weight(receipt: str, weight: object) -> None:
    # bool is an int subclass; True as a weight is almost certainly a bug.
    if isinstance(weight, bool) or not isinstance(weight, int):
        raise ValueError(f"weight of {receipt!r} must be an int, got {weight!r}")
    if weight < 1:
        raise ValueError(f"weight of {receipt!r} must be >= 1, got {weight}")


def main(argv: list[str]) -> int:
    """Verify every drawn ticket type of a downloaded `lottery.json`; 0 when all verify."""
    if len(argv) != 2:
        print("usage: python3 lottery.py lottery.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as handle:
        document = json.load(handle)
    ok = True
    for ticket_type in document.get("ticket_types", []):
        if ticket_type.get("seed") is None:
            print(f"{ticket_type.get('name')}: not drawn yet")
            continue
        problems = verify(ticket_type)
        ok = ok and not problems
        print(f"{ticket_type.get('name')}: {'VERIFIED' if not problems else 'MISMATCH'}")
        for problem in problems[:20]:
            print(f"  {problem}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
