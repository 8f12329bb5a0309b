/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * unmap-cost - what giving back a large table costs the calling thread,
 * the figures behind lib/mem.c: free() of a block malloc mapped, touched
 * all over (as a table is), against munmap of a mapping of one's own in
 * pieces of 64 KiB, at sizes from 1 to 256 MiB.  Thread CPU time, kernel
 * included; the longest piece is what one locked call would pay.
 *
 * usage: bench/unmap-cost
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define PIECE ((size_t)64 << 10)

static double
cpu_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

int
main(void)
{
	size_t mb, size, off;
	double t0, whole, longest, piece;
	char *p;

	printf("MiB\tfree_us\tpieces_total_us\tlongest_piece_us\n");
	for (mb = 1; mb <= 256; mb *= 4) {
		size = mb << 20;
		if ((p = malloc(size)) == NULL)
			return 1;
		memset(p, 1, size);
		t0 = cpu_us();
		free(p);
		whole = cpu_us() - t0;
		p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return 1;
		memset(p, 1, size);
		longest = 0;
		t0 = cpu_us();
		for (off = size; off > 0; off -= PIECE) {
			piece = cpu_us();
			munmap(p + off - PIECE, PIECE);
			piece = cpu_us() - piece;
			longest = piece > longest ? piece : longest;
		}
		printf("%zu\t%.0f\t%.0f\t%.1f\n", mb, whole, cpu_us() - t0, longest);
	}
	return 0;
}
