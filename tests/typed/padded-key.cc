// A key with padding bytes: two equal keys could differ in their holes.
// must fail: the key type has padding bytes
#include <cstdint>
#include <syncmap_typed.h>

#ifdef WELL_FORMED
struct key { std::int32_t port; std::int32_t proto; };
#else
struct key { std::int32_t port; char proto; };
#endif

SYNCMAP_DEFINE_TYPED(pk, key, int);
