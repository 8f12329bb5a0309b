/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * syncmap_typed.h - typed maps over libsyncmap: keys of a C type, values
 * of a pointer or integer type, and one map type per definition, so that
 * the compiler checks what a cast to void * would hide.
 *
 * At file scope, with the semicolon:
 *
 *   SYNCMAP_DEFINE_TYPED(conns, uint64_t, struct conn *);
 *   SYNCMAP_DEFINE_STRKEY(ids, uint32_t);
 *
 * defines, for each prefix, with key_type const char * for STRKEY:
 *
 *   prefix_t          the map: an incomplete struct, distinct per prefix
 *   prefix_range_fn   int (*)(key_type key, value_type value, void *arg)
 *   prefix_t *prefix_create(const struct syncmap_options *opts);
 *   void prefix_destroy(prefix_t *m);
 *   int prefix_load(prefix_t *m, key_type key, value_type *value);
 *   int prefix_store(prefix_t *m, key_type key, value_type value);
 *   int prefix_load_or_store(prefix_t *m, key_type key, value_type value,
 *                            value_type *actual);
 *   int prefix_load_and_delete(prefix_t *m, key_type key, value_type *value);
 *   int prefix_delete(prefix_t *m, key_type key);
 *   int prefix_swap(prefix_t *m, key_type key, value_type value,
 *                   value_type *previous);
 *   int prefix_compare_and_swap(prefix_t *m, key_type key,
 *                               value_type old_value, value_type new_value);
 *   int prefix_compare_and_delete(prefix_t *m, key_type key,
 *                                 value_type old_value);
 *   int prefix_range(prefix_t *m, prefix_range_fn fn, void *arg);
 *   int prefix_clear(prefix_t *m);
 *   int prefix_stats(prefix_t *m, struct syncmap_stats *out);
 *   prefix_iter_t     an iterator (syncmap_iter_t), distinct per prefix
 *   void prefix_iter_begin(prefix_t *m, prefix_iter_t *it);
 *   int prefix_iter_next(prefix_iter_t *it, key_type *key, value_type *value);
 *   void prefix_iter_end(prefix_iter_t *it);
 *
 * Each is a static inline call of the syncmap_* function of the same name
 * (syncmap.h), with its returns, errors and concurrency; an out-pointer is
 * written exactly when that call writes it, and one passed as NULL is
 * passed on as NULL.  Being inline, that is in the compiler's sight: code
 * that reads an out-pointer's variable after an error return may get a
 * -Wmaybe-uninitialized warning, rightly.  Names prefix_priv_* are the
 * header's own.
 *
 * Keys.  A SYNCMAP_DEFINE_TYPED key is passed by value and its bytes,
 * sizeof(key_type) of them, are the key.  So key_type must have no padding
 * bytes and one representation per value: in a struct with a hole between
 * members (or after the last), two equal keys whose holes differ would be
 * two keys; float and double are out too (0.0 and -0.0 are equal, NaN is
 * not equal to itself).  C cannot see padding, so in C this is yours to
 * check (a _Static_assert that sizeof equals the sum of the members'
 * sizes, say); a C++17 compiler rejects such a key_type at compile time
 * (std::has_unique_object_representations).  An array key_type is
 * rejected in C and C++ (a parameter cannot hold an array by value: wrap
 * it in a struct); key_type must be unqualified.
 *
 * A SYNCMAP_DEFINE_STRKEY key is a NUL-terminated string, copied into the
 * map with its terminating NUL: the key an untyped call on the same map
 * sees is (key, strlen(key) + 1).  A range callback gets it as a
 * NUL-terminated const char *, valid during the callback.  A NULL key is
 * passed on as (NULL, 1), for which every call returns -EINVAL.
 *
 * Values.  value_type is a pointer type or an integer type (enums and
 * bool included) no wider than a pointer.  A value v is stored as the
 * void * (void *)(uintptr_t)v and handed back as (value_type)(uintptr_t)p.
 * So every value round-trips, narrow signed ones included (-1 is stored
 * as (void *)UINTPTR_MAX and comes back as -1); equal values are always
 * the same word, which is what CompareAndSwap and CompareAndDelete
 * compare; and an untyped call sees the pointer a cast would have given.
 *
 * Checked at compile time, with a message that says why: a value_type
 * wider than a pointer; a floating value_type; an array key_type; and in
 * C++ (11 and later) a value_type that is not a pointer, integer or enum,
 * and (17 and later) a key_type with padding bytes or several
 * representations of one value.  A map passed to another definition's
 * function, or to a syncmap_* function, is an incompatible pointer type:
 * an error in C++, and in C under -Werror=incompatible-pointer-types (a
 * default error from GCC 14).  See syncmap_typed(3).
 */
#ifndef SYNCMAP_TYPED_H
#define SYNCMAP_TYPED_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "syncmap.h"

#ifdef __cplusplus
#include <type_traits>
#define SYNCMAP_PRIV_ASSERT(cond, why) static_assert(cond, why)
#else
#define SYNCMAP_PRIV_ASSERT(cond, why) _Static_assert(cond, why)
#endif

/* Unused ones are the rule (a map rarely uses every operation), and clang
 * warns of unused static inline functions in the file that defines them. */
#if defined(__GNUC__)
#define SYNCMAP_PRIV_FN static inline __attribute__((unused))
#else
#define SYNCMAP_PRIV_FN static inline
#endif

/* Through uintptr_t, which an integer of any width converts to by value
 * and a pointer converts to losslessly: the word is fully determined. */
#define SYNCMAP_PRIV_WORD(v) ((void *)(uintptr_t)(v))
#define SYNCMAP_PRIV_VALUE(value_type, w) ((value_type)(uintptr_t)(w))

#ifdef __cplusplus
#define SYNCMAP_PRIV_VALUE_KIND(prefix, value_type)                          \
	SYNCMAP_PRIV_ASSERT(std::is_pointer<value_type>::value ||            \
	    std::is_integral<value_type>::value ||                           \
	    std::is_enum<value_type>::value,                                 \
	    "syncmap_typed.h: " #prefix ": the value type must be a pointer, " \
	    "integer or enum type: values are stored as a void *")
#else
#define SYNCMAP_PRIV_VALUE_KIND(prefix, value_type)                          \
	SYNCMAP_PRIV_ASSERT(_Generic((value_type)0, float: 0, double: 0,     \
	    long double: 0, default: 1),                                     \
	    "syncmap_typed.h: " #prefix ": the value type is a floating type: " \
	    "values are converted to uintptr_t, which would truncate it")
#endif

/* An array key_type decays, as a parameter, to a pointer: the key would
 * be the pointer's bytes. */
#ifdef __cplusplus
#define SYNCMAP_PRIV_KEY_CHECKS(prefix, key_type)                            \
	SYNCMAP_PRIV_ASSERT(!std::is_array<key_type>::value,                 \
	    "syncmap_typed.h: " #prefix ": the key type is an array, which "  \
	    "cannot be passed by value: wrap it in a struct");               \
	SYNCMAP_PRIV_PADDING(prefix, key_type)
#else
#define SYNCMAP_PRIV_KEY_CHECKS(prefix, key_type)                            \
	SYNCMAP_PRIV_FN void prefix##_priv_key_check(key_type key)           \
	{                                                                    \
		SYNCMAP_PRIV_ASSERT(_Generic(&key, key_type *: 1, default: 0), \
		    "syncmap_typed.h: " #prefix ": the key type is an array, " \
		    "which cannot be passed by value: wrap it in a struct"); \
		(void)key;                                                   \
	}                                                                    \
	struct prefix##_t
#endif

#if defined(__cplusplus) && __cplusplus >= 201703L
#define SYNCMAP_PRIV_PADDING(prefix, key_type)                               \
	SYNCMAP_PRIV_ASSERT(std::has_unique_object_representations<key_type>::value, \
	    "syncmap_typed.h: " #prefix ": the key type has padding bytes or " \
	    "several representations of one value, and its bytes are the key: " \
	    "equal keys could differ")
#else
#define SYNCMAP_PRIV_PADDING(prefix, key_type) SYNCMAP_PRIV_ASSERT(1, "")
#endif

/*
 * What both kinds of map share.  The kind supplies
 *   prefix_priv_kptr(&key), prefix_priv_klen(&key): the key's bytes;
 *   prefix_priv_key(bytes, klen, &key): the key a range visits, or 0 to
 *   skip bytes that no call of this definition could have stored.
 */
#define SYNCMAP_PRIV_COMMON(prefix, key_type, value_type)                    \
	SYNCMAP_PRIV_ASSERT(sizeof(value_type) <= sizeof(void *),            \
	    "syncmap_typed.h: " #prefix ": the value type is wider than a "  \
	    "pointer: values are stored in a void *");                       \
	SYNCMAP_PRIV_VALUE_KIND(prefix, value_type);                         \
	typedef int (*prefix##_range_fn)(key_type key, value_type value,     \
	                                 void *arg);                         \
	SYNCMAP_PRIV_FN prefix##_t *                                         \
	prefix##_create(const struct syncmap_options *opts)                  \
	{                                                                    \
		return (prefix##_t *)syncmap_create(opts);                   \
	}                                                                    \
	SYNCMAP_PRIV_FN void                                                 \
	prefix##_destroy(prefix##_t *m)                                      \
	{                                                                    \
		syncmap_destroy((syncmap_t *)m);                             \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_load(prefix##_t *m, key_type key, value_type *value)        \
	{                                                                    \
		void *w;                                                     \
		int rc = syncmap_load((syncmap_t *)m, prefix##_priv_kptr(&key), \
		    prefix##_priv_klen(&key), value != NULL ? &w : NULL);    \
		if (rc > 0 && value != NULL)                                 \
			*value = SYNCMAP_PRIV_VALUE(value_type, w);          \
		return rc;                                                   \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_store(prefix##_t *m, key_type key, value_type value)        \
	{                                                                    \
		return syncmap_store((syncmap_t *)m, prefix##_priv_kptr(&key), \
		    prefix##_priv_klen(&key), SYNCMAP_PRIV_WORD(value));     \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_load_or_store(prefix##_t *m, key_type key, value_type value, \
	                       value_type *actual)                           \
	{                                                                    \
		void *w;                                                     \
		int rc = syncmap_load_or_store((syncmap_t *)m,               \
		    prefix##_priv_kptr(&key), prefix##_priv_klen(&key),      \
		    SYNCMAP_PRIV_WORD(value), actual != NULL ? &w : NULL);   \
		if (rc >= 0 && actual != NULL)                               \
			*actual = SYNCMAP_PRIV_VALUE(value_type, w);         \
		return rc;                                                   \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_load_and_delete(prefix##_t *m, key_type key, value_type *value) \
	{                                                                    \
		void *w;                                                     \
		int rc = syncmap_load_and_delete((syncmap_t *)m,             \
		    prefix##_priv_kptr(&key), prefix##_priv_klen(&key),      \
		    value != NULL ? &w : NULL);                              \
		if (rc > 0 && value != NULL)                                 \
			*value = SYNCMAP_PRIV_VALUE(value_type, w);          \
		return rc;                                                   \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_delete(prefix##_t *m, key_type key)                         \
	{                                                                    \
		return syncmap_delete((syncmap_t *)m, prefix##_priv_kptr(&key), \
		    prefix##_priv_klen(&key));                               \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_swap(prefix##_t *m, key_type key, value_type value,         \
	              value_type *previous)                                  \
	{                                                                    \
		void *w;                                                     \
		int rc = syncmap_swap((syncmap_t *)m, prefix##_priv_kptr(&key), \
		    prefix##_priv_klen(&key), SYNCMAP_PRIV_WORD(value),      \
		    previous != NULL ? &w : NULL);                           \
		if (rc > 0 && previous != NULL)                              \
			*previous = SYNCMAP_PRIV_VALUE(value_type, w);       \
		return rc;                                                   \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_compare_and_swap(prefix##_t *m, key_type key,               \
	                          value_type old_value, value_type new_value) \
	{                                                                    \
		return syncmap_compare_and_swap((syncmap_t *)m,              \
		    prefix##_priv_kptr(&key), prefix##_priv_klen(&key),      \
		    SYNCMAP_PRIV_WORD(old_value), SYNCMAP_PRIV_WORD(new_value)); \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_compare_and_delete(prefix##_t *m, key_type key,             \
	                            value_type old_value)                    \
	{                                                                    \
		return syncmap_compare_and_delete((syncmap_t *)m,            \
		    prefix##_priv_kptr(&key), prefix##_priv_klen(&key),      \
		    SYNCMAP_PRIV_WORD(old_value));                           \
	}                                                                    \
	struct prefix##_priv_range {                                         \
		prefix##_range_fn fn;                                        \
		void *arg;                                                   \
	};                                                                   \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_priv_visit(const void *kb, size_t klen, void *w, void *arg) \
	{                                                                    \
		const struct prefix##_priv_range *r =                        \
		    (const struct prefix##_priv_range *)arg;                 \
		key_type key;                                                \
		if (!prefix##_priv_key(kb, klen, &key))                      \
			return 0;                                            \
		return r->fn(key, SYNCMAP_PRIV_VALUE(value_type, w), r->arg); \
	}                                                                    \
	/* A NULL fn goes through, for syncmap_range to refuse. */           \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_range(prefix##_t *m, prefix##_range_fn fn, void *arg)       \
	{                                                                    \
		struct prefix##_priv_range r = { fn, arg };                  \
		return syncmap_range((syncmap_t *)m,                         \
		    fn != NULL ? prefix##_priv_visit : (syncmap_range_fn)NULL, &r); \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_clear(prefix##_t *m)                                        \
	{                                                                    \
		return syncmap_clear((syncmap_t *)m);                        \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_stats(prefix##_t *m, struct syncmap_stats *out)             \
	{                                                                    \
		return syncmap_stats((syncmap_t *)m, out);                   \
	}                                                                    \
	typedef struct prefix##_priv_iter {                                  \
		syncmap_iter_t it;                                           \
	} prefix##_iter_t;                                                   \
	SYNCMAP_PRIV_FN void                                                 \
	prefix##_iter_begin(prefix##_t *m, prefix##_iter_t *it)              \
	{                                                                    \
		syncmap_iter_begin((syncmap_t *)m, it != NULL ? &it->it : NULL); \
	}                                                                    \
	/* Like prefix_range, passes over keys no call of this definition   \
	 * could have stored (an untyped call's). */                         \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_iter_next(prefix##_iter_t *it, key_type *keyp,              \
	                   value_type *valuep)                               \
	{                                                                    \
		const void *kb;                                              \
		size_t klen;                                                 \
		void *w;                                                     \
		key_type k;                                                  \
		do {                                                         \
			if (it == NULL ||                                    \
			    !syncmap_iter_next(&it->it, &kb, &klen, &w))     \
				return 0;                                    \
		} while (!prefix##_priv_key(kb, klen, &k));                  \
		if (keyp != NULL)                                            \
			*keyp = k;                                           \
		if (valuep != NULL)                                          \
			*valuep = SYNCMAP_PRIV_VALUE(value_type, w);         \
		return 1;                                                    \
	}                                                                    \
	SYNCMAP_PRIV_FN void                                                 \
	prefix##_iter_end(prefix##_iter_t *it)                               \
	{                                                                    \
		syncmap_iter_end(it != NULL ? &it->it : NULL);               \
	}                                                                    \
	struct prefix##_t

/* A map whose keys are key_type values, their bytes.  The helpers take
 * void *, so that an array key_type meets its static assertion alone. */
#define SYNCMAP_DEFINE_TYPED(prefix, key_type, value_type)                   \
	typedef struct prefix##_t prefix##_t;                                \
	SYNCMAP_PRIV_KEY_CHECKS(prefix, key_type);                           \
	SYNCMAP_PRIV_FN const void *                                         \
	prefix##_priv_kptr(const void *key)                                  \
	{                                                                    \
		return key;                                                  \
	}                                                                    \
	SYNCMAP_PRIV_FN size_t                                               \
	prefix##_priv_klen(const void *key)                                  \
	{                                                                    \
		(void)key;                                                   \
		return sizeof(key_type);                                     \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_priv_key(const void *kb, size_t klen, key_type *key)        \
	{                                                                    \
		if (klen != sizeof(*key))                                    \
			return 0;                                            \
		memcpy(key, kb, sizeof(*key));                               \
		return 1;                                                    \
	}                                                                    \
	SYNCMAP_PRIV_COMMON(prefix, key_type, value_type)

/* A map whose keys are NUL-terminated strings, stored with their NUL. */
#define SYNCMAP_DEFINE_STRKEY(prefix, value_type)                            \
	typedef struct prefix##_t prefix##_t;                                \
	SYNCMAP_PRIV_FN const void *                                         \
	prefix##_priv_kptr(const char *const *key)                           \
	{                                                                    \
		return *key;                                                 \
	}                                                                    \
	SYNCMAP_PRIV_FN size_t                                               \
	prefix##_priv_klen(const char *const *key)                           \
	{                                                                    \
		return *key != NULL ? strlen(*key) + 1 : 1;                  \
	}                                                                    \
	SYNCMAP_PRIV_FN int                                                  \
	prefix##_priv_key(const void *kb, size_t klen, const char **key)     \
	{                                                                    \
		*key = (const char *)kb;                                     \
		return klen > 0 && (*key)[klen - 1] == '\0';                 \
	}                                                                    \
	SYNCMAP_PRIV_COMMON(prefix, const char *, value_type)

#endif /* SYNCMAP_TYPED_H */
