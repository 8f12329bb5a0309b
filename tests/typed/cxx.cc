// The header from C++: maps in a namespace, a scoped enum and pointers as
// values, lambdas as range callbacks; compiled with -std=c++17 -pedantic
// -Wall -Wextra -Werror (typed-cxx.test), and run.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include <syncmap_typed.h>

namespace app {

struct endpoint {
	std::uint32_t addr;
	std::uint16_t port, proto;
};

enum class health : std::uint8_t { down, up };

struct session {
	std::string user;
};

SYNCMAP_DEFINE_TYPED(health_map, endpoint, health);
SYNCMAP_DEFINE_STRKEY(sessions, session *);
SYNCMAP_DEFINE_TYPED(counters, std::uint64_t, std::int16_t);

} // namespace app

#define CHECK(cond) do {                                                \
	if (!(cond)) {                                                  \
		std::fprintf(stderr, "cxx.cc:%d: %s\n", __LINE__, #cond); \
		return 1;                                               \
	}                                                               \
} while (0)

int
main()
{
	using namespace app;
	health_map_t *h = health_map_create(nullptr);
	sessions_t *s = sessions_create(nullptr);
	counters_t *c = counters_create(nullptr);
	endpoint a{ 0x0a000001u, 80, 6 }, b{ 0x0a000002u, 80, 6 };
	session alice{ "alice" }, bob{ "bob" };
	session *got = nullptr;
	health st = health::down;
	std::int16_t n = 0;
	int ups = 0;
	std::size_t chars = 0;

	CHECK(h != nullptr && s != nullptr && c != nullptr);
	CHECK(health_map_store(h, a, health::up) == 0);
	CHECK(health_map_load_or_store(h, b, health::down, &st) == 0 && st == health::down);
	CHECK(health_map_compare_and_swap(h, b, health::down, health::up) == 1);
	CHECK(health_map_range(h, [](endpoint, health v, void *arg) {
		*static_cast<int *>(arg) += v == health::up;
		return 0;
	}, &ups) == 0 && ups == 2);
	CHECK(health_map_compare_and_delete(h, a, health::up) == 1);
	CHECK(health_map_load(h, a, &st) == 0);

	CHECK(sessions_store(s, "k1", &alice) == 0);
	CHECK(sessions_swap(s, "k1", &bob, &got) == 1 && got == &alice);
	CHECK(sessions_load_or_store(s, "", nullptr, &got) == 0 && got == nullptr);
	CHECK(sessions_load(s, "", &got) == 1 && got == nullptr);
	CHECK(sessions_range(s, [](const char *key, session *v, void *arg) {
		*static_cast<std::size_t *>(arg) += std::strlen(key) + (v ? v->user.size() : 0);
		return 0;
	}, &chars) == 0 && chars == 2 + 3);
	{
		sessions_iter_t it;
		const char *key;
		std::size_t loop_chars = 0;

		sessions_iter_begin(s, &it);
		while (sessions_iter_next(&it, &key, &got))
			loop_chars += std::strlen(key) + (got ? got->user.size() : 0);
		sessions_iter_end(&it);
		CHECK(loop_chars == chars);
	}
	CHECK(sessions_load_and_delete(s, "k1", &got) == 1 && got == &bob);
	CHECK(sessions_delete(s, nullptr) == -EINVAL);

	CHECK(counters_store(c, UINT64_MAX, INT16_MIN) == 0);
	CHECK(counters_load(c, UINT64_MAX, &n) == 1 && n == INT16_MIN);
	CHECK(counters_compare_and_swap(c, UINT64_MAX, INT16_MIN, -1) == 1);
	CHECK(counters_load(c, UINT64_MAX, &n) == 1 && n == -1);
	CHECK(counters_clear(c) == 0);
	struct syncmap_stats stats;
	CHECK(counters_stats(c, &stats) == 0 && stats.live == 0);

	health_map_destroy(h);
	sessions_destroy(s);
	counters_destroy(c);
	std::puts("c++: ok");
	return 0;
}
