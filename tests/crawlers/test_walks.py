"""Gaps left by stopped list walks: opened, moved, closed, matched by identity, bounded in number."""

from __future__ import annotations

from datetime import datetime, timezone

from crawlers.walks import (COMPLETE, MAX_GAPS_PER_LIST, STOPPED, Gap, ListWalk, apply_walk_results, decode_gaps,
                            encode_gaps, list_key, walk_result)

F0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
F1 = datetime(2026, 3, 2, tzinfo=timezone.utc)


def results(*items) -> dict:
    return {f"{r['key']}#{r['gap'] or 'top'}": r for r in items}


def test_a_stopped_top_walk_opens_a_gap_and_a_finished_resumed_walk_closes_it():
    top = ListWalk("feed", F0, page=20)
    gaps, overflow = apply_walk_results({}, results(walk_result(top, STOPPED, resume="u20", reason="max_pages")))
    assert gaps == {"feed": [Gap("u20", F0)]} and overflow == []

    resumed = ListWalk("feed", F0, 20, gap=Gap("u20", F0).ident)
    moved, _ = apply_walk_results(gaps, results(walk_result(ListWalk("feed", F1), COMPLETE),
                                                walk_result(resumed, STOPPED, resume="u39")))
    assert moved == {"feed": [Gap("u39", F0)]}  # the floor of a gap never changes

    done, _ = apply_walk_results(moved, results(walk_result(ListWalk("feed", F0, 3, Gap("u39", F0).ident), COMPLETE)))
    assert done == {"feed": []}


def test_new_gaps_go_first_unknown_gaps_are_left_alone_and_the_count_is_bounded():
    stored = {"feed": [Gap(f"u{i}", F0) for i in range(MAX_GAPS_PER_LIST)]}
    peer_closed = walk_result(ListWalk("feed", F0, 1, Gap("gone", F0).ident), COMPLETE)
    top = walk_result(ListWalk("feed", F1, 20), STOPPED, resume="new")
    gaps, overflow = apply_walk_results(stored, results(peer_closed, top))
    assert gaps["feed"][0] == Gap("new", F1) and len(gaps["feed"]) == MAX_GAPS_PER_LIST
    assert Gap(f"u{MAX_GAPS_PER_LIST - 1}", F0) not in gaps["feed"] and overflow == ["feed"]


def test_gaps_survive_a_round_trip_and_bad_records_are_ignored():
    gaps = [Gap("http://x/list?page=3", F0), Gap("http://x/list?page=9", None)]
    assert decode_gaps(encode_gaps(gaps)) == gaps
    assert decode_gaps("not json") == [] and decode_gaps(None) == []
    assert list_key("/news/index.html") == "/news/index.html" and len(list_key("x" * 500)) < 60
