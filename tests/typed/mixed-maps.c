/* SPDX-License-Identifier: BSD-2-Clause */
/* One definition's map passed to another's function.
 * flags: -Werror=incompatible-pointer-types
 * must fail: incompatible pointer type */
#include <syncmap_typed.h>

struct conn;
struct session;
SYNCMAP_DEFINE_TYPED(conns, int, struct conn *);
SYNCMAP_DEFINE_TYPED(sessions, int, struct session *);

int
main(void)
{
	conns_t *c = conns_create(NULL);
#ifdef WELL_FORMED
	int rc = conns_delete(c, 1);
#else
	int rc = sessions_delete(c, 1);
#endif

	conns_destroy(c);
	return rc;
}
