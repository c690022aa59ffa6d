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
#define DC_EXCLUDES(...) DC_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
#define DC_NO_THREAD_SAFETY_ANALYSIS DC_THREAD_ANNOTATION(no_thread_safety_analysis)
