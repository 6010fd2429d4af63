"""Names of the crawl stats Zhengyu adds to Scrapy's, written by spiders and middlewares, read by health."""

LIST_PAGES = "zhengyu/list_pages"  # list pages parsed
LIST_ENTRIES = "zhengyu/list_entries"  # entries those pages showed (known or new)
EMPTY_LISTS = "zhengyu/empty_lists"  # lists the site answered as empty (no results)
PARSE_ERRORS = "zhengyu/parse_errors"  # pages of the expected kind that could not be read
CHARSET_MISMATCH = "zhengyu/charset_mismatch"  # pages whose declared charset the bytes contradict
REFETCHED_TRUNCATED = "zhengyu/refetched_truncated"  # pages cut off in transit and fetched again
TRUNCATED_KEPT = "zhengyu/truncated_kept"  # pages still cut off after the refetches (what they show is kept)
THREADS_TRUNCATED = "zhengyu/threads_truncated"  # comment threads cut at their page limit
BLOCKED = "zhengyu/blocked/"  # + kind: login walls, CAPTCHAs, rate-limit and block pages, binary answers
BLOCKED_EXAMPLE = "zhengyu/blocked_example/"  # + kind: one URL of that kind
STORE_ERRORS = "zhengyu/store_errors"
PARENT_CYCLES = "zhengyu/parent_cycles"
ITEMS_NEW = "zhengyu/items_new"
ITEMS_UPDATED = "zhengyu/items_updated"
ITEMS_UNCHANGED = "zhengyu/items_unchanged"
DUPLICATES = "zhengyu/duplicates"  # items seen twice in one run (dropped by the dedupe pipeline)
MAX_PUBLISHED_AT = "zhengyu/max_published_at"
REDIS_ERRORS = "zhengyu/redis_errors"
PEERS_LOST = "zhengyu/peers_lost"  # distributed peers whose heartbeat lapsed during the run
