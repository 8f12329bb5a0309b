/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * lincheck - records a concurrent history of single-key operations on one
 * map and checks that each key's history is linearizable as a register
 * with compare-and-swap (the map is linearizable if every key is: the
 * operations here touch one key each, and Clear is checked per key as a
 * delete without a result).
 *
 * Recording: each call takes a stamp from one global atomic counter when
 * it is invoked and another when it returns, so stamps order events as
 * real time does.  Every value written is unique, and never NULL.
 *
 * Checking (just-in-time linearization): the events of a key are walked in
 * stamp order, keeping every configuration the register could be in: its
 * value, and which operations in flight have already taken effect.  When
 * an operation returns, each configuration is extended by taking effect,
 * in every order, operations in flight, until the returning one has; any
 * step whose recorded result disagrees with the register is dropped.  If
 * no configuration is left, the history is not linearizable, and the
 * events of that key around that point are printed.  Each thread has at
 * most one operation in flight, so configurations stay few and the check
 * is linear in the history.
 *
 * Phases: every other PHASE operations of each thread is delete-heavy over
 * WIDE keys (-w, default 256; 0 for none) instead of the KEYS hot ones
 * (keys beyond KEYS, moving from phase to phase), so
 * that dead entries pile up and the bounded policy compacts, and new keys
 * and misses bring dirty copies and promotions, all while the history is
 * recorded.  At the end the run prints what it exercised (syncmap_stats).
 *
 * Iterators (-i): threads that loop over the map with syncmap_iter while
 * the others run.  Each key a loop yields is recorded as a load that found
 * the value yielded, stamped around its syncmap_iter_next call, and now
 * and then the loop body deletes the key, recorded as a delete; so the
 * values loops see are checked with everything else.  A loop that yields
 * a key twice fails at once.
 *
 * Work in slices: a thread apart, not recorded, samples what work of the
 * bounded policy is under way (a copy of read, dirty's growth, the stale
 * scan after a promotion, a compaction) while the others run, and the
 * run prints in how many samples each was, so a test can tell that the
 * histories ran across them; -S sets the units of a slice (lib/debug.h)
 * to make each last longer.
 *
 * Managed values (-V release, or -V retain for release and retain): every
 * value written is a heap object carrying a magic number and its id, and
 * the history records ids.  A value handed back is read (magic, id)
 * inside a read-side section, or, with retain, outside any, the caller
 * owning it; a thread keeps a reference to the value it last saw of each
 * key, which it compares with, so that no address is reused under it.
 * Each release is counted in a ledger by id: a second one of an object
 * fails at once, and after destroy every object stored must have been
 * released exactly once, the others never, and every object freed.
 *
 * usage: lincheck [-t THREADS] [-k KEYS] [-n OPS] [-p classic|bounded] [-s SEED]
 *                 [-c CLEAR_EVERY] [-w WIDE] [-i ITERATORS] [-V release|retain]
 *                 [-S SLICE] [-f]
 * -f corrupts one recorded load before checking, to show that the checker
 * rejects a history it should reject.
 */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "syncmap.h"
#include "debug.h"

enum kind { LOAD, STORE, LOS, LAD, DEL, SWAP, CAS, CAD, CLEAR, NKINDS };

static const char *kind_name[NKINDS] = {
	"load", "store", "load_or_store", "load_and_delete", "delete", "swap",
	"compare_and_swap", "compare_and_delete", "clear",
};

/* One operation on one key.  Values: 0 = absent. */
struct op {
	uint64_t inv, resp;        /* stamps */
	uint64_t arg, arg2;        /* value written; CAS: arg = old, arg2 = new */
	uint64_t out;              /* value returned (load, los, lad, swap) */
	uint32_t key;
	uint16_t thread;
	uint8_t kind;
	int8_t ret;                /* the call's return value */
};

struct worker {
	syncmap_t *m;
	int id;
	long nops, nkeys, wide;
	unsigned long long seed;
	struct op *ops;
	long n, cap;               /* ops recorded (Clear records one per key) */
	void **seen;               /* last value this thread saw, per key */
	long loops;                /* iterators: loops run */
	/* Managed values, by the sequence number in an id: whether the map
	 * took the object (this thread writes it), and its releases. */
	uint8_t *stored;
	atomic_uchar *released;
};

/* Operations of a thread per phase: long enough for hundreds of deletes
 * over the wide keys, short enough for many phases per run. */
#define PHASE 4096
/* Each delete-heavy phase moves its keys on by half of them, over four
 * places, so that new keys keep coming (copies and promotions under
 * SYNCMAP_CLASSIC too) and old ones are expunged and dropped. */
#define WIDE_BASE(wide, i) ((wide) / 2 * (((i) / (16 * PHASE)) % 4))
#define WIDE_SPAN(wide) ((wide) / 2 * 3 + (wide))

static atomic_uint_fast64_t stamp;
static long clear_every;
static atomic_long working;        /* threads of recorded ops still running */

/* ---- work in slices, sampled ------------------------------------------- */

static const unsigned work_bit[] = {
	SYNCMAP_WORK_COPY, SYNCMAP_WORK_MOVE, SYNCMAP_WORK_ZERO,
	SYNCMAP_WORK_STALE, SYNCMAP_WORK_COMPACT,
};
#define NWORK (sizeof(work_bit) / sizeof(work_bit[0]))
static long work_seen[NWORK], work_samples;

/* Every 20 us until the recorded threads are done.  syncmap__work_state
 * takes the mutex, which only adds a contender. */
static void *
sample(void *arg)
{
	const struct timespec pause = { 0, 20000 };
	unsigned state;
	size_t b;

	while (atomic_load(&working) > 0) {
		state = syncmap__work_state(arg);
		for (b = 0; b < NWORK; b++)
			work_seen[b] += (state & work_bit[b]) != 0;
		work_samples++;
		nanosleep(&pause, NULL);
	}
	return NULL;
}

/* ---- managed values ---------------------------------------------------- */

#define MAGIC 0x0b1ec7ab1eULL
#define DEAD 0xdeadULL
#define SEQ_BITS 40

/* 0: values are ids; 1: objects the map releases; 2: and retains. */
static int managed;
static struct worker *workers;
static atomic_long objects;        /* alive */

struct obj {
	uint64_t magic;
	uint64_t id;
	atomic_long refs;
};

static void
die(const char *what, uint64_t id)
{
	fprintf(stderr, "lincheck: %s (%#llx)\n", what, (unsigned long long)id);
	exit(1);
}

/* An object with refs references: the map's, if the call stores it, and
 * the thread's, which keeps it as what it last saw. */
static struct obj *
obj_new(uint64_t id, long refs)
{
	struct obj *o = malloc(sizeof(*o));

	if (o == NULL) {
		perror("lincheck");
		exit(2);
	}
	o->magic = MAGIC;
	o->id = id;
	atomic_init(&o->refs, refs);
	/* Relaxed: a count, read after every thread is joined. */
	atomic_fetch_add_explicit(&objects, 1, memory_order_relaxed);
	return o;
}

/* The id of a value, read from the object, which must be alive. */
static uint64_t
id_of(const void *v)
{
	const struct obj *o = v;

	if (!managed || v == NULL)
		return (uint64_t)(uintptr_t)v;
	if (o->magic != MAGIC)
		die("a value handed back or held is not a live object", (uint64_t)(uintptr_t)v);
	return o->id;
}

/* Relaxed increments (who adds holds a reference already, or is inside
 * a section the map's reference outlives); acq_rel at the last put, so
 * that every use of the object happens before it is freed. */
static void
obj_get(void *v)
{
	if (managed && v != NULL)
		atomic_fetch_add_explicit(&((struct obj *)v)->refs, 1, memory_order_relaxed);
}

static void
obj_put(void *v)
{
	struct obj *o = v;

	if (!managed || o == NULL ||
	    atomic_fetch_sub_explicit(&o->refs, 1, memory_order_acq_rel) != 1)
		return;
	o->magic = DEAD;
	free(o);
	atomic_fetch_sub_explicit(&objects, 1, memory_order_relaxed);
}

static atomic_uchar *
ledger_of(uint64_t id)
{
	return &workers[(id >> SEQ_BITS) - 1].released[id & ((1ULL << SEQ_BITS) - 1)];
}

static void
release_obj(void *v, void *ctx)
{
	uint64_t id = id_of(v);

	(void)ctx;
	/* Relaxed: a count, checked after destroy on this thread or after
	 * a join. */
	if (atomic_fetch_add_explicit(ledger_of(id), 1, memory_order_relaxed) != 0)
		die("released twice", id);
	obj_put(v);
}

static void
retain_obj(void *v, void *ctx)
{
	(void)ctx;
	id_of(v);
	obj_get(v);
}

static const struct syncmap_value_ops release_ops = { release_obj, NULL, NULL };
static const struct syncmap_value_ops retain_ops = { release_obj, retain_obj, NULL };

/* The ops that hand a value back through an out-pointer. */
static bool
hands_back(enum kind k)
{
	return k == LOAD || k == LOS || k == LAD || k == SWAP;
}

/* The value the call handed back, read (and, without retain, a reference
 * taken) while it is surely alive: inside the call's section, or, with
 * retain, owned. */
static uint64_t
take(void *v)
{
	uint64_t id = id_of(v);

	if (managed == 1)
		obj_get(v);
	return id;
}

/* After destroy, with no section open: every object the map took was
 * released exactly once, and none other. */
static void
ledger_check(long nworkers)
{
	long i, s;

	for (i = 0; i < nworkers; i++)
		for (s = 1; s <= workers[i].nops; s++)
			if (atomic_load_explicit(&workers[i].released[s],
			    memory_order_relaxed) != workers[i].stored[s])
				die(workers[i].stored[s] ? "never released" :
				    "released but never stored",
				    ((uint64_t)(i + 1) << SEQ_BITS) | (uint64_t)s);
}

/* Room for one more operation, or one per key ever used for a Clear. */
static void
reserve(struct worker *w, long more)
{
	if (w->n + more <= w->cap)
		return;
	while (w->n + more > w->cap)
		w->cap *= 2;
	if ((w->ops = realloc(w->ops, (size_t)w->cap * sizeof(*w->ops))) == NULL) {
		perror("lincheck");
		exit(2);
	}
}

static unsigned long long
rnd(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* Keys 0 to key_span - 1 are the ones a worker may touch: the hot ones
 * and those of the delete-heavy phases. */
static long
key_span(const struct worker *w)
{
	return w->nkeys > WIDE_SPAN(w->wide) ? w->nkeys : WIDE_SPAN(w->wide);
}

static void *
run(void *arg)
{
	struct worker *w = arg;
	uint64_t seq = 0, inv, resp;
	long i, k, used = key_span(w);

	for (i = 0; i < w->nops; i++) {
		struct op o = { 0 };
		bool wide = w->wide > 0 && (i / PHASE) % 2 == 1;
		uint32_t key = wide ? (uint32_t)(WIDE_BASE(w->wide, i) +
		    (long)(rnd(&w->seed) % (unsigned long long)w->wide)) :
		    (uint32_t)(rnd(&w->seed) % (unsigned long long)w->nkeys);
		uint64_t fresh = ((uint64_t)(w->id + 1) << SEQ_BITS) | ++seq;
		unsigned r = (unsigned)(rnd(&w->seed) % 100);
		void *v = NULL, *got = NULL, *mine, *arg, *now;
		bool section;

		o.key = key;
		o.thread = (uint16_t)w->id;
		if (clear_every > 0 && rnd(&w->seed) % (unsigned long long)clear_every == 0) {
			reserve(w, used);
			inv = atomic_fetch_add(&stamp, 1);
			syncmap_clear(w->m);
			resp = atomic_fetch_add(&stamp, 1);
			for (k = 0; k < used; k++)
				w->ops[w->n++] = (struct op){ .inv = inv, .resp = resp,
				    .key = (uint32_t)k, .thread = (uint16_t)w->id, .kind = CLEAR };
			continue;
		}
		if (wide && (i / (PHASE / 8)) % 2 == 0) /* refill: 60% stores */
			o.kind = r < 20 ? LOAD : r < 60 ? STORE : r < 70 ? LOS : r < 75 ? LAD :
			    r < 80 ? DEL : r < 90 ? SWAP : r < 95 ? CAS : CAD;
		else if (wide)                  /* 65% deletes */
			o.kind = r < 15 ? LOAD : r < 20 ? STORE : r < 40 ? LAD :
			    r < 80 ? DEL : r < 85 ? SWAP : r < 90 ? CAS : CAD;
		else
			o.kind = r < 30 ? LOAD : r < 45 ? STORE : r < 55 ? LOS : r < 63 ? LAD :
			    r < 70 ? DEL : r < 78 ? SWAP : r < 92 ? CAS : CAD;
		/* The value this op may store.  CAS and CAD compare with
		 * what this thread last saw, which is often still current. */
		mine = !managed ? (void *)(uintptr_t)fresh :
		    o.kind == STORE || o.kind == LOS || o.kind == SWAP || o.kind == CAS ?
		    obj_new(fresh, 2) : NULL;
		arg = o.kind == CAS || o.kind == CAD ? w->seen[key] : mine;
		o.arg = o.kind == CAS || o.kind == CAD ? id_of(arg) : fresh;
		o.arg2 = fresh;
		section = managed == 1 && hands_back(o.kind);
		if (section)
			syncmap_read_lock();
		o.inv = atomic_fetch_add(&stamp, 1);
		switch (o.kind) {
		case LOAD: o.ret = (int8_t)syncmap_load(w->m, &key, sizeof(key), &v); break;
		case STORE: o.ret = (int8_t)syncmap_store(w->m, &key, sizeof(key), arg); break;
		case LOS: o.ret = (int8_t)syncmap_load_or_store(w->m, &key, sizeof(key), arg, &v); break;
		case LAD: o.ret = (int8_t)syncmap_load_and_delete(w->m, &key, sizeof(key), &v); break;
		case DEL: o.ret = (int8_t)syncmap_delete(w->m, &key, sizeof(key)); break;
		case SWAP: o.ret = (int8_t)syncmap_swap(w->m, &key, sizeof(key), arg, &v); break;
		case CAS: o.ret = (int8_t)syncmap_compare_and_swap(w->m, &key, sizeof(key),
		    arg, mine); break;
		default: o.ret = (int8_t)syncmap_compare_and_delete(w->m, &key, sizeof(key), arg);
		}
		o.resp = atomic_fetch_add(&stamp, 1);
		if (o.ret < 0) {
			fprintf(stderr, "lincheck: %s failed: %d\n", kind_name[o.kind], o.ret);
			exit(2);
		}
		/* Swap that stored a new key hands nothing back. */
		if (hands_back(o.kind) && (o.ret == 1 || o.kind == LOS))
			got = v;
		o.out = take(got);
		if (section)
			syncmap_read_unlock();
		if (managed && mine != NULL) {
			w->stored[seq] = o.kind == LOS ? o.ret == 0 :
			    o.kind == CAS ? o.ret == 1 : 1;
			if (!w->stored[seq])
				obj_put(mine);  /* the map's reference, not taken */
		}
		now = w->seen[key];
		if (o.ret == 1 && o.kind != DEL && o.kind != CAS && o.kind != CAD)
			now = got;
		else if (o.kind == STORE || (o.kind == LOS && o.ret == 0) || (o.kind == SWAP))
			now = mine;
		else if (o.kind == CAS && o.ret == 1)
			now = mine;
		/* One reference kept, for what is now seen; the others go. */
		obj_get(now);
		obj_put(got);
		obj_put(mine);
		obj_put(w->seen[key]);
		w->seen[key] = now;
		reserve(w, 1);
		w->ops[w->n++] = o;
	}
	atomic_fetch_sub(&working, 1);
	return NULL;
}

/* An iterator thread: loops over the map until the others are done, or
 * until its record is full. */
static void *
iterate(void *arg)
{
	struct worker *w = arg;
	long span = key_span(w);
	unsigned char *yielded = calloc((size_t)span, 1);
	uint64_t last_delete = 0;
	syncmap_iter_t it;
	const void *k;
	size_t klen;
	uint32_t key;
	void *v;

	while (atomic_load(&working) > 0 && w->n + 2 * span <= w->nops) {
		memset(yielded, 0, (size_t)span);
		syncmap_iter_begin(w->m, &it);
		for (;;) {
			struct op o = { .kind = LOAD, .thread = (uint16_t)w->id, .ret = 1 };

			o.inv = atomic_fetch_add(&stamp, 1);
			if (!syncmap_iter_next(&it, &k, &klen, &v))
				break;
			o.resp = atomic_fetch_add(&stamp, 1);
			if (klen != sizeof(key)) {
				fprintf(stderr, "lincheck: a loop yielded a key never stored\n");
				exit(1);
			}
			memcpy(&key, k, sizeof(key));
			if (key >= (uint64_t)span || yielded[key]++) {
				fprintf(stderr, "lincheck: a loop yielded key %u twice, or a "
				    "key never stored\n", key);
				exit(1);
			}
			o.key = key;
			o.out = id_of(v);       /* the loop's section is open */
			w->ops[w->n++] = o;
			/* The others may be off the CPU while a loop runs:
			 * delete only once they have made progress, or loops
			 * alone would keep the map empty. */
			if (o.resp > last_delete + 64 && rnd(&w->seed) % 4 == 0) {
				o = (struct op){ .kind = DEL, .key = key, .thread = (uint16_t)w->id };
				o.inv = atomic_fetch_add(&stamp, 1);
				o.ret = (int8_t)syncmap_delete(w->m, k, klen);
				o.resp = atomic_fetch_add(&stamp, 1);
				last_delete = o.resp;
				w->ops[w->n++] = o;
			}
		}
		syncmap_iter_end(&it);
		w->loops++;
	}
	free(yielded);
	return NULL;
}

/* Applies o to a register holding *v; false if o's result disagrees. */
static int
apply(const struct op *o, uint64_t *v)
{
	switch (o->kind) {
	case LOAD:
		return o->ret == (*v != 0) && (*v == 0 || o->out == *v);
	case STORE:
		*v = o->arg;
		return o->ret == 0;
	case LOS:
		if (*v != 0)
			return o->ret == 1 && o->out == *v;
		*v = o->arg;
		return o->ret == 0 && o->out == o->arg;
	case LAD:
		if (o->ret != (*v != 0) || (*v != 0 && o->out != *v))
			return 0;
		*v = 0;
		return 1;
	case DEL:
		if (o->ret != (*v != 0))
			return 0;
		*v = 0;
		return 1;
	case SWAP:
		if (o->ret != (*v != 0) || (*v != 0 && o->out != *v))
			return 0;
		*v = o->arg;
		return 1;
	case CAS:
		if (o->ret != (*v != 0 && *v == o->arg))
			return 0;
		if (o->ret)
			*v = o->arg2;
		return 1;
	case CAD:
		if (o->ret != (*v != 0 && *v == o->arg))
			return 0;
		if (o->ret)
			*v = 0;
		return 1;
	default:                                /* CLEAR */
		*v = 0;
		return 1;
	}
}

#define MAXCONF 4096

struct conf {
	uint64_t value;
	uint64_t done;             /* in-flight ops (by thread) already in effect */
};

struct keystate {
	struct conf *conf;
	int nconf;
	const struct op *inflight[64];
	uint64_t inflight_mask;
};

static int
add_conf(struct conf *set, int *n, struct conf c)
{
	int i;

	for (i = 0; i < *n; i++)
		if (set[i].value == c.value && set[i].done == c.done)
			return 1;
	if (*n >= MAXCONF)
		return 0;
	set[(*n)++] = c;
	return 1;
}

/* Every configuration reachable from c in which thread t's op took effect. */
static int
extend(struct keystate *ks, struct conf c, int t, struct conf *out, int *nout)
{
	uint64_t pending = ks->inflight_mask & ~c.done;
	int u;

	if (c.done >> t & 1)
		return add_conf(out, nout, c);
	for (u = 0; u < 64; u++) {
		struct conf d = c;

		if (!(pending >> u & 1))
			continue;
		if (!apply(ks->inflight[u], &d.value))
			continue;
		d.done |= 1ULL << u;
		if (!extend(ks, d, t, out, nout))
			return 0;
	}
	return 1;
}

static void
report(const struct op *all, long nall, uint32_t key, uint64_t at)
{
	long i, shown = 0;

	printf("NOT LINEARIZABLE: key %u, no order explains the operations ending at stamp %llu.\n"
	    "Its operations up to there (stamps invoke..response):\n", key, (unsigned long long)at);
	for (i = 0; i < nall; i++) {
		const struct op *o = &all[i];

		if (o->key != key || o->inv > at || o->resp + 200 < at)
			continue;
		printf("  [%llu..%llu] thread %u %s(arg %#llx, %#llx) -> %d, %#llx\n",
		    (unsigned long long)o->inv, (unsigned long long)o->resp, o->thread,
		    kind_name[o->kind], (unsigned long long)o->arg, (unsigned long long)o->arg2,
		    o->ret, (unsigned long long)o->out);
		if (++shown > 40)
			break;
	}
}

static int
by_key_then_inv(const void *a, const void *b)
{
	const struct op *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->inv > y->inv) - (x->inv < y->inv);
}

static int
by_resp(const void *a, const void *b)
{
	const struct op *x = *(const struct op *const *)a, *y = *(const struct op *const *)b;

	return (x->resp > y->resp) - (x->resp < y->resp);
}

/* Checks one key's ops, sorted by invocation. */
static int
check_key(const struct op *ops, long n, const struct op *all, long nall)
{
	static struct conf a[MAXCONF], b[MAXCONF];
	struct keystate ks = { .conf = a, .nconf = 1 };
	struct op **byresp;
	long i, r;
	int nb, c, t;

	a[0] = (struct conf){ 0, 0 };
	/* Walk events in stamp order: invocations from ops[], responses from
	 * a copy sorted by response stamp. */
	byresp = malloc((size_t)n * sizeof(*byresp));
	for (i = 0; i < n; i++)
		byresp[i] = (struct op *)&ops[i];
	qsort(byresp, (size_t)n, sizeof(*byresp), by_resp);
	for (i = 0, r = 0; r < n;) {
		if (i < n && ops[i].inv < byresp[r]->resp) {
			t = ops[i].thread;
			ks.inflight[t] = &ops[i];
			ks.inflight_mask |= 1ULL << t;
			i++;
			continue;
		}
		t = byresp[r]->thread;
		nb = 0;
		for (c = 0; c < ks.nconf; c++)
			if (!extend(&ks, ks.conf[c], t, b, &nb)) {
				fprintf(stderr, "lincheck: too many configurations\n");
				exit(2);
			}
		if (nb == 0) {
			report(all, nall, byresp[r]->key, byresp[r]->resp);
			free(byresp);
			return 0;
		}
		/* The op is done: forget its bit. */
		ks.nconf = 0;
		for (c = 0; c < nb; c++) {
			b[c].done &= ~(1ULL << t);
			add_conf(a, &ks.nconf, b[c]);
		}
		ks.inflight_mask &= ~(1ULL << t);
		r++;
	}
	free(byresp);
	return 1;
}

int
main(int argc, char **argv)
{
	long threads = 4, keys = 8, nops = 1000000, wide = 256, iters = 0, i, k, total = 0, start, loops = 0;
	enum syncmap_policy policy = SYNCMAP_BOUNDED;
	unsigned long long seed = 1;
	struct syncmap_options o = { 0 };
	struct syncmap_stats st;
	struct worker *w;
	pthread_t *t, sampler;
	struct op *all;
	int c, ok = 1, fault = 0;
	size_t b, slice = 0;

	while ((c = getopt(argc, argv, "t:k:n:p:s:c:w:i:V:S:f")) != -1) {
		switch (c) {
		case 't': threads = atol(optarg); break;
		case 'k': keys = atol(optarg); break;
		case 'n': nops = atol(optarg); break;
		case 'p': policy = strcmp(optarg, "classic") == 0 ? SYNCMAP_CLASSIC : SYNCMAP_BOUNDED; break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'c': clear_every = atol(optarg); break;
		case 'w': wide = atol(optarg); break;
		case 'i': iters = atol(optarg); break;
		case 'V': managed = strcmp(optarg, "retain") == 0 ? 2 : 1; break;
		case 'S': slice = strtoul(optarg, NULL, 10); break;
		case 'f': fault = 1; break;
		default:
			fprintf(stderr, "usage: %s [-t THREADS<=64] [-k KEYS] [-n OPS] "
			    "[-p classic|bounded] [-s SEED] [-c CLEAR_EVERY] [-w WIDE] [-i ITERATORS] "
			    "[-V release|retain] [-S SLICE] [-f]\n", argv[0]);
			return 2;
		}
	}
	if (threads < 1 || iters < 0 || threads + iters > 64 || keys < 1 || wide < 0 || nops < threads) {
		fprintf(stderr, "lincheck: bad arguments\n");
		return 2;
	}
	o.policy = policy;
	if (managed)
		o.values = managed == 2 ? &retain_ops : &release_ops;
	/* Iterators come after the threads of recorded ops, with ids of
	 * their own (the checker's threads), and records as long. */
	workers = w = calloc((size_t)(threads + iters), sizeof(*w));
	t = calloc((size_t)(threads + iters), sizeof(*t));
	for (i = 0; i < threads + iters; i++) {
		w[i].m = syncmap_create(&o);
		w[i].id = (int)i;
		w[i].nops = nops / threads;
		w[i].nkeys = keys;
		w[i].wide = wide;
		w[i].seed = seed * 0x9e3779b97f4a7c15ULL + (unsigned long long)i + 1;
		w[i].cap = w[i].nops + 1;
		w[i].ops = malloc((size_t)w[i].cap * sizeof(struct op));
		w[i].seen = calloc((size_t)(keys > WIDE_SPAN(wide) ? keys : WIDE_SPAN(wide)),
		    sizeof(void *));
		if (managed) {
			w[i].stored = calloc((size_t)w[i].nops + 1, 1);
			w[i].released = calloc((size_t)w[i].nops + 1, sizeof(atomic_uchar));
		}
	}
	for (i = 1; i < threads + iters; i++) { /* one map, shared */
		syncmap_destroy(w[i].m);
		w[i].m = w[0].m;
	}
	if (slice > 0)
		syncmap__set_slice(w[0].m, slice);
	atomic_store(&working, threads);
	for (i = 0; i < threads + iters; i++)
		pthread_create(&t[i], NULL, i < threads ? run : iterate, &w[i]);
	pthread_create(&sampler, NULL, sample, w[0].m);
	for (i = 0; i < threads + iters; i++) {
		pthread_join(t[i], NULL);
		total += w[i].n;
		loops += w[i].loops;
	}
	pthread_join(sampler, NULL);
	syncmap_stats(w[0].m, &st);
	all = malloc((size_t)total * sizeof(*all));
	for (i = 0, total = 0; i < threads + iters; i++) {
		memcpy(all + total, w[i].ops, (size_t)w[i].n * sizeof(*all));
		total += w[i].n;
	}
	if (fault) {
		/* A load that found a value now claims one nobody wrote. */
		for (i = total / 2; i < total; i++)
			if (all[i].kind == LOAD && all[i].ret == 1) {
				all[i].out ^= 1ULL << 63;
				break;
			}
	}
	qsort(all, (size_t)total, sizeof(*all), by_key_then_inv);
	for (start = 0; start < total && ok;) {
		long end = start;

		while (end < total && all[end].key == all[start].key)
			end++;
		ok = check_key(all + start, end - start, all, total);
		start = end;
	}
	printf("lincheck: %ld operations on %ld keys (%ld in delete-heavy phases) by %ld "
	    "threads and %ld iterators (%ld loops) (%s): %s\n", total, keys, wide, threads,
	    iters, loops,
	    policy == SYNCMAP_CLASSIC ? "classic" : "bounded",
	    ok ? "linearizable" : "NOT linearizable");
	printf("lincheck: exercised %llu promotions, %llu dirty_copies, %llu compactions, "
	    "%llu misses\n", (unsigned long long)st.promotions,
	    (unsigned long long)st.dirty_copies, (unsigned long long)st.compactions,
	    (unsigned long long)st.misses);
	printf("lincheck: work in slices under way, in samples of %ld:", work_samples);
	for (b = 0; b < NWORK; b++)
		printf(" %s %ld", (const char *[]){ "copy", "move", "zero", "stale",
		    "compaction" }[b], work_seen[b]);
	printf("\n");
	syncmap_destroy(w[0].m);
	if (managed) {
		/* No section is open: destroy has run every release. */
		ledger_check(threads + iters);
		if (syncmap_barrier() != 0)
			die("syncmap_barrier failed", 0);
		for (i = 0; i < threads + iters; i++)
			for (k = 0; k < key_span(&w[i]); k++)
				obj_put(w[i].seen[k]);
		if (atomic_load_explicit(&objects, memory_order_relaxed) != 0)
			die("objects left unfreed", (uint64_t)atomic_load_explicit(&objects,
			    memory_order_relaxed));
		printf("lincheck: managed values (%s): every object stored released once, "
		    "every object freed\n", managed == 2 ? "release and retain" : "release");
	}
	for (i = 0; i < threads + iters; i++) {
		free(w[i].ops);
		free(w[i].seen);
		free(w[i].stored);
		free(w[i].released);
	}
	free(all);
	free(w);
	free(t);
	return ok ? 0 : 1;
}
