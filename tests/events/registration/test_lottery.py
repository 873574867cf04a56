import hashlib
import hmac
import itertools
import json
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from events.registration.lottery import (
    ACCEPTED,
    ALGORITHM,
    WAITLISTED,
    DrawResult,
    RankedEntry,
    commitment,
    draw,
    draw_key,
    entries_digest,
    entry_key,
    new_seed,
    verify,
)

# derandomize: the same examples on every run, so CI never flakes.
# database=None: nothing written to .hypothesis/.
FAST = settings(max_examples=60, derandomize=True, deadline=None, database=None)

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
codes = st.text(alphabet=ALPHABET, min_size=8, max_size=8)
# Any non-empty text without a newline is a valid receipt; don't assume the code format.
odd_receipts = st.text(min_size=1, max_size=12).filter(lambda s: "\n" not in s)
receipts = st.one_of(codes, odd_receipts)
entry_maps = st.dictionaries(receipts, st.integers(min_value=1, max_value=5), max_size=15)
seeds = st.binary(min_size=32, max_size=32)
seat_counts = st.integers(min_value=0, max_value=20)


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def fixed_seed(i: int) -> bytes:
    return sha(b"seed-%d" % i)


# --- known answer -----------------------------------------------------------------


def as_document(result, seed: bytes) -> dict:
    """One ticket type of a published lottery.json, as events/views_lottery.py writes it."""
    return {
        "algorithm": result.algorithm,
        "commitment": commitment(seed),
        "entries_digest": result.entries_digest,
        "seed": seed.hex(),
        "seats": result.seats,
        "entries": [
            {"receipt": e.receipt, "weight": e.weight, "rank": e.rank, "outcome": e.outcome}
            for e in result.ranked
        ],
    }


KAT_SEED = bytes(range(32))
KAT_ENTRIES = {"K7M2P9QX": 3, "Z9Y8X7W6": 1, "M9P2X4KD": 1}


def test_draw_known_answer_matches_hand_computation():
    # Recomputed here with hashlib/hmac only, and pinned as literals that were
    # cross-checked with sha256sum and `openssl dgst -mac HMAC`.
    hand_commitment = hashlib.sha256(KAT_SEED).hexdigest()
    hand_digest = hashlib.sha256(b"K7M2P9QX\nM9P2X4KD\nZ9Y8X7W6").hexdigest()
    hand_key = hashlib.sha256(KAT_SEED + bytes.fromhex(hand_digest)).digest()

    def ticket(receipt: str, j: int) -> bytes:
        return hmac.new(hand_key, f"{receipt}:{j}".encode(), hashlib.sha256).digest()

    hand_keys = {r: min(ticket(r, j) for j in range(1, w + 1)) for r, w in KAT_ENTRIES.items()}
    hand_order = sorted(KAT_ENTRIES, key=lambda r: (hand_keys[r], r))

    assert hand_commitment == "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
    assert hand_digest == "43654fd8d024d94cc9e9e5bb77991be7e21a4edb98bca5c9b803a98b34ef5b4f"
    assert hand_key.hex() == "8ee9972b5414513c711ea192afc757672526e14fbc7e46cf408ec610a890b25f"
    # K7M2P9QX's third ticket is its lowest, so the min over tickets matters here.
    assert ticket("K7M2P9QX", 3).hex() == (
        "259a0abace7a567af484acbc014d70fc86ba2c887109898e204aec6b0f580b17"
    )
    assert hand_keys["K7M2P9QX"] == ticket("K7M2P9QX", 3)
    assert hand_order == ["Z9Y8X7W6", "K7M2P9QX", "M9P2X4KD"]

    assert commitment(KAT_SEED) == hand_commitment
    assert entries_digest(KAT_ENTRIES) == hand_digest
    assert draw_key(KAT_SEED, hand_digest) == hand_key
    for r, w in KAT_ENTRIES.items():
        assert entry_key(hand_key, r, w) == hand_keys[r]

    assert draw(KAT_SEED, KAT_ENTRIES, seats=2) == DrawResult(
        entries_digest=hand_digest,
        seats=2,
        ranked=(
            RankedEntry("Z9Y8X7W6", 1, 1, "accepted"),
            RankedEntry("K7M2P9QX", 3, 2, "accepted"),
            RankedEntry("M9P2X4KD", 1, 3, "waitlisted"),
        ),
    )


def test_draw_result_algorithm_is_hmac_sha256_v1():
    assert draw(KAT_SEED, KAT_ENTRIES, 1).algorithm == "hmac-sha256-v1" == ALGORITHM


def test_new_seed_is_32_random_bytes():
    a, b = new_seed(), new_seed()
    assert len(a) == 32
    assert a != b


def test_entries_digest_empty_is_sha256_of_nothing():
    assert entries_digest([]) == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )


# --- determinism and order independence -------------------------------------------


@FAST
@given(seed=seeds, entries=entry_maps, seats=seat_counts)
def test_draw_same_inputs_same_result(seed, entries, seats):
    assert draw(seed, entries, seats) == draw(seed, dict(entries), seats)


@FAST
@given(seed=seeds, entries=entry_maps, seats=seat_counts, data=st.data())
def test_draw_permuted_entries_same_ranks(seed, entries, seats, data):
    shuffled = data.draw(st.permutations(list(entries.items())))
    assert draw(seed, shuffled, seats) == draw(seed, entries, seats)


@FAST
@given(codes=st.lists(receipts, unique=True, max_size=15), data=st.data())
def test_entries_digest_input_order_irrelevant(codes, data):
    shuffled = data.draw(st.permutations(codes))
    expected = hashlib.sha256("\n".join(sorted(codes)).encode()).hexdigest()
    assert entries_digest(shuffled) == expected
    assert entries_digest(codes) == expected


@FAST
@given(seed=seeds, entries=entry_maps, seats=seat_counts)
def test_draw_ranks_and_outcomes_consistent(seed, entries, seats):
    result = draw(seed, entries, seats)
    n = len(entries)
    assert [e.rank for e in result.ranked] == list(range(1, n + 1))
    assert {e.receipt: e.weight for e in result.ranked} == entries
    assert [e.outcome for e in result.ranked] == (
        [ACCEPTED] * min(seats, n) + [WAITLISTED] * max(n - seats, 0)
    )
    assert result.entries_digest == entries_digest(entries)
    assert result.seats == seats


@FAST
@given(key=seeds, receipt=receipts, weight=st.integers(min_value=1, max_value=6))
def test_entry_key_more_weight_never_worse(key, receipt, weight):
    assert entry_key(key, receipt, weight + 1) <= entry_key(key, receipt, weight)


# --- statistics (fixed seeds: deterministic; tolerances would almost never trip anyway)


def test_draw_equal_weights_uniform_permutation():
    names = ["AAAAAAAA", "BBBBBBBB", "CCCCCCCC", "DDDDDDDD"]
    n_draws = 24_000
    positions = Counter()  # (receipt, rank)
    orders = Counter()
    for i in range(n_draws):
        ranked = draw(fixed_seed(i), dict.fromkeys(names, 1), seats=2).ranked
        positions.update((e.receipt, e.rank) for e in ranked)
        orders[tuple(e.receipt for e in ranked)] += 1

    # 4x4 receipt-by-rank table; rows and columns each sum to n_draws, so Pearson's
    # statistic is ~chi-square with (4-1)*(4-1) = 9 degrees of freedom (6,000 expected
    # per cell, the approximation is excellent). P(chi2_9 > 65) ~ 1.4e-10.
    expected = n_draws / 4
    chi2_positions = sum(
        (positions[name, rank] - expected) ** 2 / expected for name in names for rank in range(1, 5)
    )
    assert chi2_positions < 65

    # All 24 orders equally likely: 23 degrees of freedom, 1,000 expected each.
    # P(chi2_23 > 95) ~ 1.0e-10.
    assert set(orders) == set(itertools.permutations(names))
    expected = n_draws / 24
    chi2_orders = sum((count - expected) ** 2 / expected for count in orders.values())
    assert chi2_orders < 95


def test_draw_weight_three_wins_three_quarters():
    n_draws = 4000
    wins = sum(
        draw(fixed_seed(i), {"AAAAAAAA": 3, "BBBBBBBB": 1}, seats=1).ranked[0].receipt == "AAAAAAAA"
        for i in range(n_draws)
    )
    # Binomial(4000, 3/4): mean 3000, sd 27.4. +-175 is 6.4 sd; exact two-sided
    # tail probability ~2.2e-10.
    assert abs(wins - 3000) <= 175


def test_draw_first_place_proportional_to_weight():
    weights = {"AAAAAAAA": 1, "BBBBBBBB": 2, "CCCCCCCC": 3, "DDDDDDDD": 4}
    n_draws = 10_000
    firsts = Counter(
        draw(fixed_seed(i), weights, seats=1).ranked[0].receipt for i in range(n_draws)
    )
    # Expected share weight/10; chi-square with 3 degrees of freedom,
    # P(chi2_3 > 50) ~ 8e-11.
    chi2 = sum(
        (firsts[name] - n_draws * w / 10) ** 2 / (n_draws * w / 10) for name, w in weights.items()
    )
    assert chi2 < 50


# --- edge cases -------------------------------------------------------------------


def test_draw_seats_exceed_entries_all_accepted():
    result = draw(KAT_SEED, KAT_ENTRIES, seats=10)
    assert [e.outcome for e in result.ranked] == [ACCEPTED] * 3
    assert result.seats == 10


def test_draw_zero_seats_all_waitlisted():
    result = draw(KAT_SEED, KAT_ENTRIES, seats=0)
    assert [e.outcome for e in result.ranked] == [WAITLISTED] * 3
    assert [e.receipt for e in result.ranked] == ["Z9Y8X7W6", "K7M2P9QX", "M9P2X4KD"]


def test_draw_no_entries_empty_result():
    result = draw(KAT_SEED, {}, seats=5)
    assert result.ranked == ()
    assert result.entries_digest == hashlib.sha256(b"").hexdigest()
    assert verify(as_document(result, KAT_SEED)) == []


def test_draw_mapping_or_pairs_same_result():
    assert draw(KAT_SEED, KAT_ENTRIES, 2) == draw(KAT_SEED, list(KAT_ENTRIES.items()), 2)


@pytest.mark.parametrize("weight", [0, -1, 1.0, 1.5, "2", None, True])
def test_draw_bad_weight_raises(weight):
    with pytest.raises(ValueError, match="weight of 'AAAAAAAA' must be"):
        draw(KAT_SEED, {"AAAAAAAA": weight}, seats=1)


@pytest.mark.parametrize("receipt", ["", "AAAA\nBBBB", 12345678, None, b"AAAAAAAA"])
def test_draw_bad_receipt_raises(receipt):
    with pytest.raises(ValueError, match="receipt must be a non-empty string without newlines"):
        draw(KAT_SEED, [(receipt, 1)], seats=1)


def test_draw_duplicate_receipt_raises():
    with pytest.raises(ValueError, match="duplicate receipt 'AAAAAAAA'"):
        draw(KAT_SEED, [("AAAAAAAA", 1), ("BBBBBBBB", 1), ("AAAAAAAA", 2)], seats=1)


@pytest.mark.parametrize(
    ("seats", "message"),
    [(-1, "seats must be >= 0, got -1"), (1.0, "seats must be an int"), (None, "seats must be")],
)
def test_draw_bad_seats_raises(seats, message):
    with pytest.raises(ValueError, match=message):
        draw(KAT_SEED, KAT_ENTRIES, seats)


def test_entry_key_zero_weight_raises():
    with pytest.raises(ValueError, match="must be >= 1, got 0"):
        entry_key(KAT_SEED, "AAAAAAAA", 0)


# --- verify ------------------------------------------------------------------------

SEED = sha(b"verify")
ENTRIES = {
    "K7M2P9QX": 1,
    "Z9Y8X7W6": 2,
    "M9P2X4KD": 1,
    "H4N8R2TE": 3,
    "QW3E5RTY": 1,
    "A3B4C5D6": 1,
}


def published() -> dict:
    # Round-trip through JSON: verify() reads what outsiders download.
    return json.loads(json.dumps(as_document(draw(SEED, ENTRIES, seats=3), SEED)))


def test_verify_real_draw_no_problems():
    doc = published()
    assert set(doc) == {"algorithm", "commitment", "entries_digest", "seed", "seats", "entries"}
    assert doc["seed"] == SEED.hex()
    assert verify(doc) == []


@FAST
@given(seed=seeds, entries=entry_maps, seats=seat_counts)
def test_verify_any_draw_no_problems(seed, entries, seats):
    assert verify(as_document(draw(seed, entries, seats), seed)) == []


def test_verify_uppercase_hex_no_problems():
    doc = published()
    doc["commitment"] = doc["commitment"].upper()
    doc["entries_digest"] = doc["entries_digest"].upper()
    doc["seed"] = doc["seed"].upper()
    assert verify(doc) == []


def test_verify_tampered_seed_reports_commitment():
    doc = published()
    other = sha(b"other seed")
    doc["seed"] = other.hex()
    problems = verify(doc)
    assert problems[0] == (
        f"commitment {doc['commitment']!r} does not match SHA-256 of the seed "
        f"({hashlib.sha256(other).hexdigest()})"
    )
    assert any("rank" in p for p in problems[1:])


def test_verify_tampered_commitment_reports_commitment():
    doc = published()
    doc["commitment"] = "00" * 32
    assert verify(doc) == [
        f"commitment {'00' * 32!r} does not match SHA-256 of the seed ({commitment(SEED)})"
    ]


def test_verify_swapped_ranks_reports_both():
    doc = published()
    first, second = doc["entries"][0], doc["entries"][1]
    first["rank"], second["rank"] = 2, 1
    assert verify(doc) == [
        f"receipt {first['receipt']}: rank 2, expected 1",
        f"receipt {second['receipt']}: rank 1, expected 2",
    ]


def test_verify_tampered_outcome_reports_outcome():
    doc = published()
    fourth = doc["entries"][3]
    assert fourth["outcome"] == "waitlisted"
    fourth["outcome"] = "accepted"
    assert verify(doc) == [
        f"receipt {fourth['receipt']}: outcome 'accepted', expected 'waitlisted'"
    ]


def test_verify_tampered_receipt_reports_digest():
    doc = published()
    digest = doc["entries_digest"]
    doc["entries"][0]["receipt"] = "XXXXXXXX"
    problems = verify(doc)
    new_digest = entries_digest(e["receipt"] for e in doc["entries"])
    assert problems[0] == (f"entries_digest {digest!r} does not match the receipts ({new_digest})")


def test_verify_removed_entry_reports_digest():
    doc = published()
    digest = doc["entries_digest"]
    del doc["entries"][-1]
    assert verify(doc)[0].startswith(f"entries_digest {digest!r} does not match")


def test_verify_unknown_algorithm_reports_algorithm():
    doc = published()
    doc["algorithm"] = "hmac-sha256-v2"
    assert verify(doc) == ["algorithm is 'hmac-sha256-v2', expected 'hmac-sha256-v1'"]


def test_verify_bad_seed_hex_reports_seed():
    doc = published()
    doc["seed"] = "not hex"
    assert verify(doc) == ["seed is missing or not hex: 'not hex'"]


def test_verify_duplicate_receipt_reports_cannot_rerun():
    doc = published()
    doc["entries"][1]["receipt"] = doc["entries"][0]["receipt"]
    assert verify(doc) == [
        f"cannot re-run the draw: duplicate receipt {doc['entries'][0]['receipt']!r}"
    ]


def test_verify_missing_entries_reports_entries():
    doc = published()
    del doc["entries"]
    assert verify(doc) == ["entries must be a list of objects"]
