// A model thread's state (model/engine/thread_state.hpp): the transitions of a life, and an
// illegal transition caught (the process aborts: an engine bug, never the model's).
#include "model/engine/thread_state.hpp"

#include <gtest/gtest.h>

namespace doublecheck::model {
namespace {

using Phase = ThreadState::Phase;
using Handle = ThreadState::Handle;
using Resumer = ThreadState::Resumer;

TEST(ThreadState, ASpawnedThreadRunsParksAndFinishesThenIsJoined) {
  ThreadState state;
  EXPECT_EQ(state.phase(), Phase::kNew);
  EXPECT_EQ(state.handle(), Handle::kJoinable);
  state.resume(Resumer::kCaller);  // a spawn runs it up to its first operation
  EXPECT_EQ(state.phase(), Phase::kRunning);
  EXPECT_FALSE(state.resumed_by_loop());
  state.park();
  EXPECT_TRUE(state.parked());
  EXPECT_FALSE(state.resumed_by_loop());
  state.resume(Resumer::kLoop);
  EXPECT_TRUE(state.resumed_by_loop());
  state.finish();
  EXPECT_TRUE(state.finished());
  EXPECT_FALSE(state.resumed_by_loop());
  EXPECT_FALSE(state.joined());
  state.join();
  EXPECT_TRUE(state.joined());
  EXPECT_EQ(state.phase(), Phase::kFinished);
}

TEST(ThreadState, TheMainThreadHasNoHandleToJoin) {
  ThreadState main = ThreadState::main_thread();
  EXPECT_EQ(main.phase(), Phase::kNew);
  EXPECT_TRUE(main.joined());
}

TEST(ThreadState, AHandleDestroyedUnjoinedIsForgottenInAnyPhase) {
  ThreadState state;
  state.resume(Resumer::kCaller);
  state.forget();
  EXPECT_TRUE(state.forgotten());
  state.park();
  EXPECT_EQ(state.handle(), Handle::kForgotten);
}

TEST(ThreadStateDeathTest, AnIllegalTransitionAbortsWithWhatWasTried) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        ThreadState state;
        state.park();  // a new thread has not run
      },
      "illegal model thread transition 'park' from new, joinable");
  EXPECT_DEATH(
      {
        ThreadState state;
        state.resume(Resumer::kCaller);
        state.join();  // still running
      },
      "'join' from running, joinable");
  EXPECT_DEATH(
      {
        ThreadState state;
        state.resume(Resumer::kCaller);
        state.finish();
        state.join();
        state.join();
      },
      "'join' from finished, joined");
  EXPECT_DEATH(
      {
        ThreadState state;
        state.resume(Resumer::kCaller);
        state.finish();
        state.resume(Resumer::kLoop);
      },
      "'resume' from finished");
}

}  // namespace
}  // namespace doublecheck::model
