"""A listing walked page by page, and every rule that ends the walk."""

from __future__ import annotations

from dvcrawl.discovery.walk import BARREN_LIMIT, ListingWalk, WalkEnd

FIRST = "https://x.vn/news/cat/"


def page(n: int) -> str:
    return FIRST if n == 1 else f"{FIRST}page-{n}/"


def walk() -> ListingWalk:
    return ListingWalk(key="news/cat", first_url=FIRST)


def articles(*ids: int) -> list[str]:
    return [f"news:{i}" for i in ids]


def test_a_listing_is_walked_to_its_last_page() -> None:
    listing = walk()
    assert listing.read_page(page(1), articles(1, 2, 3), page(2)) == page(2)
    assert listing.read_page(page(2), articles(4, 5, 6), page(3)) == page(3)
    assert listing.read_page(page(3), articles(7), None) is None
    assert listing.end is WalkEnd.LAST_PAGE
    assert listing.page == 3


def test_a_page_that_repeats_an_earlier_one_ends_the_walk_at_once() -> None:
    # A site that clamps page numbers past the end serves its last page again.
    listing = walk()
    listing.read_page(page(1), articles(1, 2), page(2))
    listing.read_page(page(2), articles(3, 4), page(3))
    assert listing.read_page(page(3), articles(3, 4), page(4)) is None
    assert listing.end is WalkEnd.REPEATED_PAGE


def test_pages_that_keep_offering_next_with_nothing_new_end_the_walk() -> None:
    listing = walk()
    sidebar = articles(1)  # the side block every page of the site shows
    chrome = frozenset(sidebar)
    listing.read_page(page(1), articles(1, 2), page(2), chrome=chrome)
    for n in range(2, 2 + BARREN_LIMIT):
        result = listing.read_page(page(n), sidebar, page(n + 1), chrome=chrome)
    assert result is None
    assert listing.end is WalkEnd.EMPTY_PAGES
    assert listing.page == 1 + BARREN_LIMIT


def test_a_repeated_page_is_told_from_an_empty_one_by_its_items() -> None:
    # Page 1's "other news" list shows page 2's items ahead; page 3 repeats page 2.
    chrome = frozenset(articles(9))
    listing = walk()
    listing.read_page(page(1), articles(1, 2, 3, 4, 9), page(2), chrome=chrome)
    assert listing.read_page(page(2), articles(3, 4, 9), page(3), chrome=chrome) == page(3)
    assert listing.read_page(page(3), articles(3, 4, 9), page(4), chrome=chrome) is None
    assert listing.end is WalkEnd.REPEATED_PAGE


def test_one_page_with_nothing_new_does_not_end_a_walk() -> None:
    listing = walk()
    listing.read_page(page(1), articles(1, 2, 3), page(2))
    assert listing.read_page(page(2), articles(3), page(3)) == page(3)
    assert listing.read_page(page(3), articles(4), None) is None
    assert listing.end is WalkEnd.LAST_PAGE


def test_a_next_link_back_to_a_page_read_is_a_loop() -> None:
    listing = walk()
    listing.read_page(page(1), articles(1), page(2))
    assert listing.read_page(page(2), articles(2), page(1)) is None
    assert listing.end is WalkEnd.PAGINATION_LOOP
    looped = walk()
    looped.read_page(page(1), articles(1), page(2))
    assert looped.read_page(page(2), articles(2), None, loops_back=True) is None
    assert looped.end is WalkEnd.PAGINATION_LOOP


def test_incremental_walks_stop_at_a_page_with_nothing_new_to_the_archive() -> None:
    archived = set(articles(3, 4, 5, 6))
    listing = walk()
    step = listing.read_page(page(1), articles(1, 2, 3), page(2), is_known=archived.__contains__)
    assert step == page(2), "two new articles on page 1: go on"
    assert (
        listing.read_page(page(2), articles(4, 5), page(3), is_known=archived.__contains__) is None
    )
    assert listing.end is WalkEnd.KNOWN


def test_stop_after_ends_an_incremental_walk_inside_a_page() -> None:
    archived = set(articles(2, 3))
    listing = walk()
    result = listing.read_page(
        page(1), articles(2, 3, 9), page(2), is_known=archived.__contains__, stop_after=2
    )
    assert result is None
    assert listing.end is WalkEnd.KNOWN


def test_the_page_limit_ends_a_walk() -> None:
    listing = walk()
    listing.read_page(page(1), articles(1), page(2), max_pages=2)
    assert listing.read_page(page(2), articles(2), page(3), max_pages=2) is None
    assert listing.end is WalkEnd.MAX_PAGES


def test_unread_pages_are_the_next_one_and_those_linked_beyond() -> None:
    listing = walk()
    listing.page_links.update({2: page(2), 3: page(3), 7: page(7)})
    listing.read_page(page(1), articles(1), page(2))
    listing.stop(WalkEnd.COVERED)
    assert listing.unread_pages() == [page(2), page(3), page(7)]
