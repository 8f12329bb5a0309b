// One definition's map passed to another's function, in C++.
// must fail: cannot convert|cannot initialize|no matching function
#include <syncmap_typed.h>

SYNCMAP_DEFINE_TYPED(ids, int, long);
SYNCMAP_DEFINE_STRKEY(names, long);

int
main()
{
	ids_t *m = ids_create(nullptr);
#ifdef WELL_FORMED
	int rc = ids_delete(m, 1);
#else
	int rc = names_delete(m, "one");
#endif

	ids_destroy(m);
	return rc;
}
