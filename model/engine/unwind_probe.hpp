// Whether an exception thrown here would unwind the calling fiber to its entry through cleanups
// only — the question Execution asks before it unwinds a model thread of a stopped execution.
//
// Throwing into model code is safe only when nothing on the way can stop the exception: a
// destructor or a noexcept function calls std::terminate when an exception leaves it, and a
// catch clause of the model's would swallow it. The C++ runtime decides that frame by frame from
// each function's exception table (the LSDA of the Itanium C++ ABI): a call site absent from the
// table is a terminate region (GCC's noexcept and destructors); one with an action is a catch
// clause or an exception specification (Clang's noexcept is a catch-all that terminates). The
// probe reads the same tables, walking the stack with the unwinder, and answers yes only when
// every frame up to `entry` has at most cleanups there. Anything it cannot read is a no, so the
// worst a misreading can do is run a thread on instead of unwinding it.
#pragma once

namespace doublecheck::model {

// True when every frame between the caller and the first frame of the function starting at
// `entry` (a function whose own handler catches the exception) would only run cleanups. With
// `entry` null: every frame to the bottom of the calling thread's stack (a forced unwinding, as
// pthread_exit starts, goes there).
bool unwinds_cleanly_to(const void* entry);

}  // namespace doublecheck::model
