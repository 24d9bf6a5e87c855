/* Host tests of the page replacement lists (src/mem/lru.c): list order,
 * each policy's choice of victim, the bound on the scan, the invariant
 * checker against hand-made corruptions, known fault counts, and random
 * operations against a plain model of the same rules. */
#include "unit.h"

#include <string.h>

#include "kernel/errno.h"
#include "lab/sim.h"
#include "lab/trace.h"
#include "mem/lru.h"

#define NF 64 /* frames in the test map */

static struct page map[NF];
static struct lru lru;

/* A simulated accessed bit per frame, read and cleared by the callback. */
static bool bit[NF];
static unsigned asked; /* calls of the callback */

static bool referenced(uint32_t pfn, void *ctx)
{
    bool *bits = ctx;
    bool was = bits[pfn];
    bits[pfn] = false;
    asked++;
    return was;
}

static bool always(uint32_t pfn, void *ctx)
{
    (void)pfn;
    (void)ctx;
    asked++;
    return true;
}

static bool never_called(uint32_t pfn, void *ctx)
{
    (void)ctx;
    ck_abort_msg("FIFO asked whether frame %u was referenced", pfn);
    return false;
}

/* Every frame allocated (as the buddy allocator leaves a frame it handed
 * out), none on a list. */
static void fresh(enum lru_policy policy)
{
    for (uint32_t i = 0; i < NF; i++)
        map[i] =
            (struct page){.next = BUDDY_NIL, .prev = BUDDY_NIL, .flags = PG_HEAD, .refcount = 1};
    memset(bit, 0, sizeof bit);
    asked = 0;
    ck_assert_int_eq(lru_init(&lru, map, NF, policy), 0);
}

static void expect_valid(void)
{
    struct lru_error why = {0};
    int rc = lru_check(&lru, &why);
    expect_msg(rc == 0, "lru_check: %s (frame %u)", lru_reason_text(why.reason), why.pfn);
}

/* List `which` holds exactly these frames from head to tail, linked both
 * ways. */
static void expect_list(enum lru_which which, int n, const uint32_t *pfns)
{
    const struct lru_list *l = &lru.list[which];
    expect_uint_eq(l->count, n);
    uint32_t pfn = l->head;
    for (int i = 0; i < n; i++) {
        expect_uint_eq(pfn, pfns[i]);
        pfn = map[pfn].next;
    }
    expect_uint_eq(pfn, BUDDY_NIL);
    pfn = l->tail;
    for (int i = n; i-- > 0;) {
        expect_uint_eq(pfn, pfns[i]);
        pfn = map[pfn].prev;
    }
    expect_uint_eq(pfn, BUDDY_NIL);
    expect_valid();
}
#define LIST(which, ...)                                                                           \
    expect_list(which, sizeof((uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t),                       \
                (uint32_t[]){__VA_ARGS__})
#define EMPTY(which) expect_list(which, 0, NULL)

static void add_all(int n, const uint32_t *pfns)
{
    for (int i = 0; i < n; i++)
        ck_assert_int_eq(lru_add(&lru, pfns[i]), 0);
}
#define ADD(...)                                                                                   \
    add_all(sizeof((uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t), (uint32_t[]){__VA_ARGS__})

START_TEST(add_and_remove_keep_the_order)
{
    fresh(LRU_TWO_LIST);
    EMPTY(LRU_INACTIVE);
    ADD(1, 2, 3, 4, 5);
    LIST(LRU_INACTIVE, 5, 4, 3, 2, 1);
    EMPTY(LRU_ACTIVE);
    ck_assert_uint_eq(map[3].flags, PG_HEAD | PG_LRU);
    ck_assert_int_eq(lru_remove(&lru, 3), 0); /* the middle */
    LIST(LRU_INACTIVE, 5, 4, 2, 1);
    ck_assert_uint_eq(map[3].flags, PG_HEAD); /* the buddy allocator may free it */
    ck_assert_int_eq(lru_remove(&lru, 5), 0); /* the head */
    ck_assert_int_eq(lru_remove(&lru, 1), 0); /* the tail */
    LIST(LRU_INACTIVE, 4, 2);
    ck_assert_int_eq(lru_add(&lru, 3), 0); /* back, as a new page */
    LIST(LRU_INACTIVE, 3, 4, 2);
    ck_assert_uint_eq(lru_nr_pages(&lru), 3);
    ck_assert_uint_eq(lru_nr_inactive(&lru), 3);
    ck_assert_uint_eq(lru_nr_active(&lru), 0);
    ck_assert_uint_eq(lru.peak, 5); /* the five added first */
}
END_TEST

START_TEST(misuse_is_refused)
{
    fresh(LRU_TWO_LIST);
    ADD(7);
    ck_assert_int_eq(lru_add(&lru, 7), -EINVAL); /* already listed */
    ck_assert_int_eq(lru_add(&lru, NF), -EINVAL);
    ck_assert_int_eq(lru_add(&lru, BUDDY_NIL), -EINVAL);
    ck_assert_int_eq(lru_remove(&lru, 8), -EINVAL); /* not listed */
    ck_assert_int_eq(lru_remove(&lru, NF), -EINVAL);
    LIST(LRU_INACTIVE, 7);
    ck_assert_int_eq(lru_init(&lru, NULL, NF, LRU_FIFO), -EINVAL);
    ck_assert_int_eq(lru_init(&lru, map, NF, LRU_NR_POLICIES), -EINVAL);
    ck_assert_int_eq(lru_init(&lru, map, NF, (enum lru_policy)99), -EINVAL);
}
END_TEST

START_TEST(empty_lists_have_no_victim)
{
    for (int p = 0; p < LRU_NR_POLICIES; p++) {
        fresh((enum lru_policy)p);
        ck_assert_uint_eq(lru_take_victim(&lru, never_called, NULL), LRU_NONE);
        ck_assert_uint_eq(lru.pgsteal, 0);
    }
}
END_TEST

START_TEST(fifo_takes_the_oldest_and_never_asks)
{
    fresh(LRU_FIFO);
    ADD(0, 1, 2, 3);
    ck_assert_int_eq(lru_remove(&lru, 1), 0);
    ck_assert_uint_eq(lru_take_victim(&lru, never_called, NULL), 0);
    ck_assert_uint_eq(lru_take_victim(&lru, never_called, NULL), 2);
    ck_assert_uint_eq(map[2].flags, PG_HEAD);
    ck_assert_uint_eq(lru_take_victim(&lru, never_called, NULL), 3);
    ck_assert_uint_eq(lru_take_victim(&lru, never_called, NULL), LRU_NONE);
    ck_assert_uint_eq(lru.pgsteal, 3);
    ck_assert_uint_eq(lru.pgscan, 3);
}
END_TEST

START_TEST(clock_gives_a_second_chance)
{
    fresh(LRU_CLOCK);
    ADD(0, 1, 2, 3); /* the hand (tail) is at 0 */
    bit[0] = bit[2] = true;
    ck_assert_uint_eq(lru_take_victim(&lru, referenced, bit), 1);
    LIST(LRU_INACTIVE, 0, 3, 2);
    ck_assert(!bit[0]); /* cleared as the hand passed */
    ck_assert_uint_eq(lru_take_victim(&lru, referenced, bit), 3);
    LIST(LRU_INACTIVE, 2, 0);
    ck_assert_uint_eq(lru.pgscan, 4);
    ck_assert_uint_eq(lru.pgrotated, 2);
    ck_assert_uint_eq(lru.pgsteal, 2);
    ck_assert_uint_eq(lru.pgactivate + lru.pgdeactivate, 0);
}
END_TEST

/* Every bit set: a whole turn clears them all and the hand is back at the
 * first page, which goes. */
START_TEST(clock_with_every_bit_set_takes_the_first)
{
    fresh(LRU_CLOCK);
    ADD(0, 1, 2, 3);
    for (int i = 0; i < 4; i++)
        bit[i] = true;
    ck_assert_uint_eq(lru_take_victim(&lru, referenced, bit), 0);
    ck_assert_uint_eq(asked, 4);
    LIST(LRU_INACTIVE, 3, 2, 1);
}
END_TEST

START_TEST(two_list_new_pages_start_inactive)
{
    fresh(LRU_TWO_LIST);
    ADD(0, 1);
    ck_assert_uint_eq(map[0].flags, PG_HEAD | PG_LRU);
    LIST(LRU_INACTIVE, 1, 0);
    EMPTY(LRU_ACTIVE);
}
END_TEST

/* A page found referenced at the inactive tail moves to the active head
 * at once (lru.c says why one look is enough); the first one that was not
 * referenced is the victim. */
START_TEST(two_list_activates_at_the_first_referenced_look)
{
    fresh(LRU_TWO_LIST);
    ADD(0, 1, 2, 3);
    bit[0] = true;
    ck_assert_uint_eq(lru_take_victim(&lru, referenced, bit), 1);
    LIST(LRU_ACTIVE, 0);
    LIST(LRU_INACTIVE, 3, 2);
    ck_assert_uint_eq(map[0].flags, PG_HEAD | PG_LRU | PG_ACTIVE);
    ck_assert(!bit[0]);
    ck_assert_uint_eq(lru.pgactivate, 1);
    ck_assert_uint_eq(lru.pgscan, 2);
}
END_TEST

/* Three pages activated, the inactive list empty: active [3 2 1]. */
static void three_active(void)
{
    fresh(LRU_TWO_LIST);
    ADD(1, 2, 3, 0);
    bit[1] = bit[2] = bit[3] = true;
    ck_assert_uint_eq(lru_take_victim(&lru, referenced, bit), 0);
    LIST(LRU_ACTIVE, 3, 2, 1);
    EMPTY(LRU_INACTIVE);
    ck_assert_uint_eq(lru.pgactivate, 3);
}

/* Before choosing, the active list is aged until the inactive list is at
 * least as long: idle active pages go to the inactive head. */
START_TEST(two_list_balances_before_choosing)
{
    three_active();
    /* 1 and 2 are idle and move over; then the lists are even, and 1,
     * the coldest, goes. */
    ck_assert_uint_eq(lru_take_victim(&lru, referenced, bit), 1);
    LIST(LRU_ACTIVE, 3);
    LIST(LRU_INACTIVE, 2);
    ck_assert_uint_eq(map[2].flags, PG_HEAD | PG_LRU);
    ck_assert_uint_eq(lru.pgdeactivate, 2);
    ck_assert_uint_eq(lru.pgsteal, 2);
}
END_TEST

/* A referenced page at the active tail goes back to the active head. */
START_TEST(two_list_keeps_referenced_active_pages)
{
    three_active();
    bit[1] = true;
    ck_assert_uint_eq(lru_take_victim(&lru, referenced, bit), 2);
    LIST(LRU_ACTIVE, 1);
    LIST(LRU_INACTIVE, 3);
    ck_assert_uint_eq(lru.pgrotated, 1);
    ck_assert_uint_eq(lru.pgdeactivate, 2);
}
END_TEST

/* Whatever the callback answers, the scan ends, and asks about each page
 * at most twice (lru.h). */
START_TEST(the_scan_is_bounded)
{
    uint64_t rng = 99;
    for (int p = 0; p < LRU_NR_POLICIES; p++) {
        fresh((enum lru_policy)p);
        for (int step = 0; step < 2000; step++) {
            uint32_t pfn = (uint32_t)(unit_random(&rng) % NF);
            if (!(map[pfn].flags & PG_LRU)) {
                ck_assert_int_eq(lru_add(&lru, pfn), 0);
                continue;
            }
            uint32_t before = lru_nr_pages(&lru);
            asked = 0;
            /* mostly "always referenced", sometimes the real bits, so that
             * both lists fill */
            bool all = unit_random(&rng) % 4 != 0;
            if (!all)
                for (int i = 0; i < NF; i++)
                    bit[i] = unit_random(&rng) % 2;
            uint32_t v = lru_take_victim(&lru, all ? always : referenced, bit);
            expect_uint_ne(v, LRU_NONE);
            expect_uint_le(asked, 2 * before);
            expect_uint_eq(lru_nr_pages(&lru), before - 1);
        }
        expect_valid();
    }
}
END_TEST

START_TEST(policy_names)
{
    enum lru_policy p = LRU_FIFO;
    ck_assert_int_eq(lru_policy_parse("lru", &p), 0);
    ck_assert_int_eq(p, LRU_TWO_LIST);
    ck_assert_int_eq(lru_policy_parse("clock", &p), 0);
    ck_assert_int_eq(p, LRU_CLOCK);
    ck_assert_int_eq(lru_policy_parse("fifo", &p), 0);
    ck_assert_int_eq(p, LRU_FIFO);
    for (int i = 0; i < LRU_NR_POLICIES; i++) {
        ck_assert_int_eq(lru_policy_parse(lru_policy_name((enum lru_policy)i), &p), 0);
        ck_assert_int_eq(p, i);
    }
    const char *bad[] = {"", "LRU", "lru ", "lfu", "two-list", "opt", "fif"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_int_eq(lru_policy_parse(bad[i], &p), -EINVAL);
    ck_assert_str_eq(lru_policy_name(LRU_NR_POLICIES), "?");
}
END_TEST

/* ---- known fault counts, through lru.c --------------------------------- */

static uint64_t core_faults(enum lru_policy policy, const char *refs, uint32_t frames)
{
    struct trace t;
    struct trace_error e;
    uint64_t faults = 0;
    trace_init(&t);
    ck_assert_int_eq(trace_parse(&t, refs, strlen(refs), &e), 0);
    ck_assert_int_eq(sim_run_lru_core(policy, &t, frames, &faults, NULL), 0);
    trace_free(&t);
    return faults;
}

static const char belady[] = "1\n2\n3\n4\n1\n2\n5\n1\n2\n3\n4\n5\n";

/* FIFO's anomaly: more memory, more faults. */
START_TEST(fifo_shows_beladys_anomaly)
{
    ck_assert_uint_eq(core_faults(LRU_FIFO, belady, 3), 9);
    ck_assert_uint_eq(core_faults(LRU_FIFO, belady, 4), 10);
}
END_TEST

/* Worked by hand in docs/11-page-replacement.md. */
START_TEST(known_counts_for_clock_and_two_list)
{
    ck_assert_uint_eq(core_faults(LRU_CLOCK, belady, 3), 9);
    ck_assert_uint_eq(core_faults(LRU_CLOCK, belady, 4), 10);
    ck_assert_uint_eq(core_faults(LRU_TWO_LIST, belady, 3), 9);
    /* A loop one page larger than memory: every reference faults under
     * any of them. */
    const char *loop = "1\n2\n3\n4\n1\n2\n3\n4\n1\n2\n3\n4\n";
    for (int p = 0; p < LRU_NR_POLICIES; p++)
        ck_assert_uint_eq(core_faults((enum lru_policy)p, loop, 3), 12);
}
END_TEST

/* ---- the invariant checker --------------------------------------------- */

/* A valid state with both lists in use: active [3 2 1], inactive [6 5]. */
static void two_list_state(void)
{
    three_active();
    ADD(5, 6);
    LIST(LRU_INACTIVE, 6, 5);
}

static void expect_broken(int reason, uint32_t pfn)
{
    struct lru_error why = {0};
    ck_assert_int_eq(lru_check(&lru, &why), -EINVAL);
    ck_assert_msg(why.reason == reason, "found '%s', expected '%s'", lru_reason_text(why.reason),
                  lru_reason_text(reason));
    ck_assert_uint_eq(why.pfn, pfn);
    ck_assert_int_eq(lru_check(&lru, NULL), -EINVAL);
}

START_TEST(checker_catches_corruptions)
{
    two_list_state();
    map[2].prev = 1; /* 3 <- 2 became 1 <- 2 */
    expect_broken(LRU_I_LINK, 2);

    two_list_state();
    map[6].next = NF + 3; /* out of the frames */
    expect_broken(LRU_I_LINK, 6);

    two_list_state();
    lru.list[LRU_INACTIVE].count = 3;
    expect_broken(LRU_I_COUNT, 5);

    two_list_state();
    lru.list[LRU_INACTIVE].count = 1;
    expect_broken(LRU_I_COUNT, 6);

    two_list_state();
    map[5].next = 6; /* the tail links back to the head: a cycle */
    expect_broken(LRU_I_COUNT, 5);

    two_list_state();
    lru.list[LRU_INACTIVE].tail = 6;
    expect_broken(LRU_I_LINK, 6);

    two_list_state();
    map[5].flags |= PG_ACTIVE; /* on the inactive list */
    expect_broken(LRU_I_FLAGS, 5);

    two_list_state();
    map[2].flags &= (uint16_t)~PG_ACTIVE; /* on the active list */
    expect_broken(LRU_I_FLAGS, 2);

    two_list_state();
    map[6].flags &= (uint16_t)~PG_LRU;
    expect_broken(LRU_I_FLAGS, 6);

    two_list_state();
    map[5].flags = PG_FREE | PG_LRU; /* freed while listed */
    expect_broken(LRU_I_FREE, 5);

    two_list_state();
    map[9].flags |= PG_LRU; /* on no list */
    expect_broken(LRU_I_STRAY, 9);

    two_list_state();
    map[9].flags |= PG_ACTIVE; /* a flag left behind */
    expect_broken(LRU_I_STRAY, 9);

    /* Two strays that point at each other look listed from where they
     * stand; the count gives them away. */
    two_list_state();
    map[10] = (struct page){.next = 11, .prev = 11, .flags = PG_HEAD | PG_LRU};
    map[11] = (struct page){.next = 10, .prev = 10, .flags = PG_HEAD | PG_LRU};
    expect_broken(LRU_I_STRAY, 10);

    two_list_state();
    lru.policy = LRU_CLOCK; /* a one-list policy with an active list */
    expect_broken(LRU_I_HEADER, BUDDY_NIL);

    fresh(LRU_CLOCK);
    ADD(1, 2);
    map[1].flags |= PG_ACTIVE; /* CLOCK has no active list */
    expect_broken(LRU_I_FLAGS, 1);

    fresh(LRU_FIFO);
    lru.policy = LRU_NR_POLICIES;
    expect_broken(LRU_I_HEADER, BUDDY_NIL);

    for (int r = 0; r < LRU_NR_REASONS; r++)
        ck_assert_str_ne(lru_reason_text(r), "unknown reason");
    ck_assert_str_eq(lru_reason_text(LRU_NR_REASONS), "unknown reason");
    ck_assert_str_eq(lru_reason_text(-1), "unknown reason");
}
END_TEST

/* ---- random operations against a plain model ---------------------------- */

/* The same rules as lru.c, written with arrays: a list is its frames from
 * head to tail, and moving a page shifts the others along. */
struct model {
    enum lru_policy policy;
    uint32_t list[2][NF]; /* [LRU_INACTIVE], [LRU_ACTIVE]; [0] is the head */
    uint32_t n[2];
    bool on[NF], active[NF];
    bool bit[NF];
    uint64_t scan, steal, activate, deactivate, rotated;
    uint32_t peak;
};

static void model_unlink(struct model *m, uint32_t pfn)
{
    int w = m->active[pfn];
    uint32_t i = 0;
    while (m->list[w][i] != pfn)
        i++;
    memmove(&m->list[w][i], &m->list[w][i + 1], (m->n[w] - i - 1) * sizeof(uint32_t));
    m->n[w]--;
}

static void model_push(struct model *m, int w, uint32_t pfn)
{
    memmove(&m->list[w][1], &m->list[w][0], m->n[w] * sizeof(uint32_t));
    m->list[w][0] = pfn;
    m->n[w]++;
    m->active[pfn] = w == LRU_ACTIVE;
}

static void model_move(struct model *m, int w, uint32_t pfn)
{
    model_unlink(m, pfn);
    model_push(m, w, pfn);
}

static bool model_asks(struct model *m, uint32_t pfn)
{
    bool was = m->bit[pfn];
    m->bit[pfn] = false;
    m->scan++;
    return was;
}

static uint32_t model_tail(const struct model *m, int w)
{
    return m->n[w] ? m->list[w][m->n[w] - 1] : LRU_NONE;
}

static uint32_t model_choose(struct model *m)
{
    if (m->policy == LRU_FIFO) {
        m->scan++;
        return model_tail(m, LRU_INACTIVE);
    }
    if (m->policy == LRU_CLOCK) {
        for (uint32_t k = m->n[LRU_INACTIVE]; k > 0; k--) {
            uint32_t pfn = model_tail(m, LRU_INACTIVE);
            if (!model_asks(m, pfn))
                return pfn;
            model_move(m, LRU_INACTIVE, pfn);
            m->rotated++;
        }
        return model_tail(m, LRU_INACTIVE);
    }
    for (uint32_t k = m->n[LRU_ACTIVE]; k > 0 && m->n[LRU_ACTIVE] > m->n[LRU_INACTIVE]; k--) {
        uint32_t pfn = model_tail(m, LRU_ACTIVE);
        if (model_asks(m, pfn)) {
            model_move(m, LRU_ACTIVE, pfn);
            m->rotated++;
        } else {
            model_move(m, LRU_INACTIVE, pfn);
            m->deactivate++;
        }
    }
    for (uint32_t k = m->n[LRU_INACTIVE]; k > 0; k--) {
        uint32_t pfn = model_tail(m, LRU_INACTIVE);
        if (!model_asks(m, pfn))
            return pfn;
        model_move(m, LRU_ACTIVE, pfn);
        m->activate++;
    }
    return m->n[LRU_INACTIVE] ? model_tail(m, LRU_INACTIVE) : model_tail(m, LRU_ACTIVE);
}

static void model_remove(struct model *m, uint32_t pfn)
{
    model_unlink(m, pfn);
    m->on[pfn] = m->active[pfn] = false;
}

/* lru and its map say what the model says. */
static void expect_same(const struct model *m)
{
    for (int w = LRU_INACTIVE; w <= LRU_ACTIVE; w++)
        expect_list((enum lru_which)w, (int)m->n[w], m->list[w]);
    for (uint32_t pfn = 0; pfn < NF; pfn++) {
        uint16_t want = PG_HEAD | (m->on[pfn] ? PG_LRU : 0) | (m->active[pfn] ? PG_ACTIVE : 0);
        expect_uint_eq(map[pfn].flags, want);
    }
    expect_uint_eq(lru.pgscan, m->scan);
    expect_uint_eq(lru.pgsteal, m->steal);
    expect_uint_eq(lru.pgactivate, m->activate);
    expect_uint_eq(lru.pgdeactivate, m->deactivate);
    expect_uint_eq(lru.pgrotated, m->rotated);
    expect_uint_eq(lru.peak, m->peak);
}

START_TEST(random_operations_match_the_model)
{
    static struct model m;
    uint64_t rng = 0x5EED + (uint64_t)_i;
    memset(&m, 0, sizeof m);
    m.policy = (enum lru_policy)_i;
    fresh(m.policy);
    for (int step = 0; step < 6000; step++) {
        uint32_t pfn = (uint32_t)(unit_random(&rng) % NF);
        uint32_t dice = (uint32_t)(unit_random(&rng) % 8);
        if (dice < 3) { /* touch: the accessed bit */
            bit[pfn] = m.bit[pfn] = true;
        } else if (dice < 5) {
            expect_int_eq(lru_add(&lru, pfn), m.on[pfn] ? -EINVAL : 0);
            if (!m.on[pfn]) {
                m.on[pfn] = true;
                model_push(&m, LRU_INACTIVE, pfn);
                if (m.n[0] + m.n[1] > m.peak)
                    m.peak = m.n[0] + m.n[1];
            }
        } else if (dice < 6) {
            expect_int_eq(lru_remove(&lru, pfn), m.on[pfn] ? 0 : -EINVAL);
            if (m.on[pfn])
                model_remove(&m, pfn);
        } else {
            uint32_t want = lru_nr_pages(&lru) ? model_choose(&m) : LRU_NONE;
            expect_uint_eq(lru_take_victim(&lru, referenced, bit), want);
            if (want != LRU_NONE) {
                model_remove(&m, want);
                m.steal++;
            }
        }
        expect_same(&m);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lru");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, add_and_remove_keep_the_order);
    tcase_add_test(tc, misuse_is_refused);
    tcase_add_test(tc, empty_lists_have_no_victim);
    tcase_add_test(tc, fifo_takes_the_oldest_and_never_asks);
    tcase_add_test(tc, clock_gives_a_second_chance);
    tcase_add_test(tc, clock_with_every_bit_set_takes_the_first);
    tcase_add_test(tc, two_list_new_pages_start_inactive);
    tcase_add_test(tc, two_list_activates_at_the_first_referenced_look);
    tcase_add_test(tc, two_list_balances_before_choosing);
    tcase_add_test(tc, two_list_keeps_referenced_active_pages);
    tcase_add_test(tc, the_scan_is_bounded);
    tcase_add_test(tc, policy_names);
    tcase_add_test(tc, fifo_shows_beladys_anomaly);
    tcase_add_test(tc, known_counts_for_clock_and_two_list);
    tcase_add_test(tc, checker_catches_corruptions);
    tcase_add_loop_test(tc, random_operations_match_the_model, 0, LRU_NR_POLICIES);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
