/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mem.c - big blocks.  With the default allocator a map maps its tables
 * of MEM_BIG bytes (16 KiB) and more itself and gives them back a chunk
 * per call.
 *
 * Why: the kernel takes its time to take back pages.  free() of a table
 * that malloc had mapped cost the calling thread 1.2 ms at 16 MiB, 5 ms
 * at 64 MiB and 21 ms at 256 MiB (a table of ten million keys), in one
 * run of bench/unmap-cost, and it ran under the map's mutex, in whichever
 * call polled: the longest Store of the bounded mix at a million keys
 * (5 ms) once the work came in slices.  Unmapping a piece at a time (64
 * KiB: 10-40 us a step in the same run, page tables included) is what a
 * map's own mapping allows and malloc's does not: a piece of a malloc
 * block given back could be mapped again by someone else before free()
 * unmaps the whole.  A fresh mapping is zeroed by the
 * kernel a page at a time as it is first touched, so a table that comes
 * from here needs no memset, whose cost is spread over the inserts; a
 * small one may instead be cut, resident, from a block waiting to be
 * unmapped, and zeroed (map_reused says when).
 *
 * A system call here costs 30-40 us on a busy virtual machine (an mmap
 * and its faults; a munmap, whose TLB shootdown interrupts the other
 * cores), so a call that has mapped a block takes no unmap step as well.
 *
 * Tables from 16 KiB, not only the large ones: after a program has freed
 * many small blocks (another map's entries, say), glibc's malloc tidies
 * its bins on the next request of a kilobyte or more, and a Store whose
 * copy asked for dirty's first table of 16 KiB took 11 ms in the pause
 * benchmark when classic's map had run before bounded's in the process;
 * with the tables mapped, that Store took 80-225 us in three runs
 * (syncmap-bench pause -n 100000 -i classic,bounded -t 1 -r 5).
 *
 * A user allocator is left alone: every block goes through it, which is
 * what the contract promises, and the cost of its free is its own.
 */
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem.h"

/* LeakSanitizer scans the heap, stacks and globals for pointers, not
 * mappings of a program's own, so every entry a mapped table points to
 * would look leaked in a program that exits with a map alive.  When the
 * program runs with it, the sanitizer's runtime defines these, and a
 * table is registered as a root while it is mapped. */
__attribute__((weak)) void __lsan_register_root_region(const void *p, size_t size);
__attribute__((weak)) void __lsan_unregister_root_region(const void *p, size_t size);

/* Bytes given back per step: 10-40 us of the kernel's time (unmap-cost),
 * paid by a call that holds the mutex.  A step per locked call gives back a table of
 * ten million keys' (256 MiB) within 4,096 calls, while the next promotion
 * that could free another takes millions. */
#define UNMAP_CHUNK ((size_t)64 << 10)

/* Every map's mappings, as mmap and munmap had them, page-rounded: malloc's
 * own counts (mallinfo2) cannot see them, and the benchmarks add this to
 * those.  Relaxed: a count that orders nothing. */
static _Atomic size_t mapped;

size_t
syncmap__mapped_bytes(void)
{
	return atomic_load_explicit(&mapped, memory_order_relaxed);
}

static size_t
page_round(size_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return (n + pg - 1) & ~(pg - 1);
}

/*
 * Blocks up to this size are cut from the front of the newest block
 * waiting to be unmapped, when it is larger: its pages are resident
 * already, so the cut costs a memset, where a new mapping costs a system
 * call and a fault on every page it touches (some 40 us for dirty's first
 * table, 16 KiB, on this machine), and saves the munmap it replaces.  Not
 * larger ones, whose memset would be one long pause where faults are
 * spread over the calls that touch the pages.
 */
#define MEM_REUSE ((size_t)256 << 10)

static void *
map_reused(struct mem *mem, size_t size)
{
	size_t need = page_round(size), cut;
	struct mem_unmapping *u;
	void *p;

	if (need > MEM_REUSE || mem->n_unmapping == 0)
		return NULL;
	u = &mem->unmapping[mem->n_unmapping - 1];
	if (u->left <= need)
		return NULL;
	p = u->p;
	u->p = (char *)u->p + need;
	u->left -= need;
	/* The bytes cut leave the block's count, which leaves bytes with its
	 * last page; the new block's join bytes again below. */
	cut = u->size < need ? u->size : need;
	u->size -= cut;
	atomic_fetch_sub_explicit(&mem->unmapping_bytes, cut, memory_order_relaxed);
	atomic_fetch_sub_explicit(&mem->bytes, cut, memory_order_relaxed);
	memset(p, 0, size);
	return p;
}

void *
syncmap__mem_map(struct mem *mem, size_t size)
{
	void *p;

	if ((p = map_reused(mem, size)) == NULL) {
		p = mmap(NULL, page_round(size), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			mem->error = -ENOMEM;
			return NULL;
		}
		atomic_fetch_add_explicit(&mapped, page_round(size),
		    memory_order_relaxed);
		mem->mapped_now = true;
	}
	if (__lsan_register_root_region != NULL)
		__lsan_register_root_region(p, size);
	atomic_fetch_add_explicit(&mem->bytes, size, memory_order_relaxed);
	return p;
}

/* The block stays in bytes until its last page is gone. */
void
syncmap__mem_unmap(struct mem *mem, void *p, size_t size)
{
	struct mem_unmapping *u;

	if (__lsan_unregister_root_region != NULL)
		__lsan_unregister_root_region(p, size);
	if (mem->n_unmapping == MEM_UNMAPPING) {
		munmap(p, page_round(size));
		atomic_fetch_sub_explicit(&mapped, page_round(size), memory_order_relaxed);
		atomic_fetch_sub_explicit(&mem->bytes, size, memory_order_relaxed);
		return;
	}
	u = &mem->unmapping[mem->n_unmapping++];
	u->p = p;
	u->left = page_round(size);
	u->size = size;
	atomic_fetch_add_explicit(&mem->unmapping_bytes, size, memory_order_relaxed);
}

/* From the end of the newest block, so that what is left of it stays one
 * mapping at p. */
void
syncmap__mem_unmap_step(struct mem *mem, bool all)
{
	struct mem_unmapping *u;
	size_t n;

	while (mem->n_unmapping > 0) {
		u = &mem->unmapping[mem->n_unmapping - 1];
		n = all || u->left < UNMAP_CHUNK ? u->left : UNMAP_CHUNK;
		u->left -= n;
		munmap((char *)u->p + u->left, n);
		atomic_fetch_sub_explicit(&mapped, n, memory_order_relaxed);
		if (u->left == 0) {
			atomic_fetch_sub_explicit(&mem->bytes, u->size,
			    memory_order_relaxed);
			atomic_fetch_sub_explicit(&mem->unmapping_bytes, u->size,
			    memory_order_relaxed);
			mem->n_unmapping--;
		}
		if (!all)
			break;
	}
}
