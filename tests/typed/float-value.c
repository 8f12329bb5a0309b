/* A floating value would be compared as a word, where 0.0 and -0.0 differ.
 * must fail: the value type is a floating type */
#include <syncmap_typed.h>

#ifdef WELL_FORMED
typedef int value_t;
#else
typedef float value_t;
#endif

SYNCMAP_DEFINE_TYPED(fv, int, value_t);
