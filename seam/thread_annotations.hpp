// Clang thread-safety attributes (-Wthread-safety), spelled once.
//
// These are the project's only macros: an attribute cannot be produced by a function or a
// template. Under GCC they expand to nothing (GCC has no such analysis).
#pragma once

#if defined(__clang__)
#define DC_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define DC_THREAD_ANNOTATION(x)
#endif

#define DC_CAPABILITY(name) DC_THREAD_ANNOTATION(capability(name))
#define DC_SCOPED_CAPABILITY DC_THREAD_ANNOTATION(scoped_lockable)
#define DC_GUARDED_BY(mu) DC_THREAD_ANNOTATION(guarded_by(mu))
#define DC_PT_GUARDED_BY(mu) DC_THREAD_ANNOTATION(pt_guarded_by(mu))
#define DC_REQUIRES(...) DC_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define DC_ACQUIRE(...) DC_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define DC_RELEASE(...) DC_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
#define DC_TRY_ACQUIRE(...) DC_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
#define DC_REQUIRES_SHARED(...) DC_THREAD_ANNOTATION(requires_shared_capability(__VA_ARGS__))
#define DC_ACQUIRE_SHARED(...) DC_THREAD_ANNOTATION(acquire_shared_capability(__VA_ARGS__))
#define DC_RELEASE_SHARED(...) DC_THREAD_ANNOTATION(release_shared_capability(__VA_ARGS__))
#define DC_TRY_ACQUIRE_SHARED(...) DC_THREAD_ANNOTATION(try_acquire_shared_capability(__VA_ARGS__))
#define DC_EXCLUDES(...) DC_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define DC_NO_THREAD_SAFETY_ANALYSIS DC_THREAD_ANNOTATION(no_thread_safety_analysis)

// The annotation lies of the pre-fix variants (impl/variants/), and only theirs: the attributes
// that let code with the fix taken out compile under -Wthread-safety -Werror, so that the model
// and ThreadSanitizer can run it.
//   DC_VARIANT_ACQUIRE / DC_VARIANT_RELEASE  NoLock (seam/scoped_lock.hpp) claims the mutex it
//                                            does not take
//   DC_VARIANT_UNCHECKED                     a function that reads a guarded field without the
//                                            lock on purpose (the naive DCL's fast path)
// A translation unit compiled with -DDC_HONEST_VARIANTS gets no lies: these expand to nothing, and
// the analysis sees the variants as they are. tsan/static_negative/ compiles the variants that way
// and expects them rejected at their racing lines.
#if defined(DC_HONEST_VARIANTS)
#define DC_VARIANT_ACQUIRE(...)
#define DC_VARIANT_RELEASE(...)
#define DC_VARIANT_UNCHECKED
#else
#define DC_VARIANT_ACQUIRE(...) DC_ACQUIRE(__VA_ARGS__)
#define DC_VARIANT_RELEASE(...) DC_RELEASE(__VA_ARGS__)
#define DC_VARIANT_UNCHECKED DC_NO_THREAD_SAFETY_ANALYSIS
#endif
