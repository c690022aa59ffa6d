# The checks that must fail on misuses of StdSync's primitives beyond the mutex
# (ConditionVariable, SharedMutex with SharedLock, Atomic's wait/notify), whose correct use
# tests/race/std_sync_*_test.cpp checks (label seam-race). Included by tsan/CMakeLists.txt.
#   seam-tsan-negative  TsanCatches<suite>.<test>: one test of dc_std_sync_negative_controls
#                       (tests/race/std_sync_negative_controls.cpp), run by run_negative_control.py
#                       as the emitter's controls are, passing only when TSan reports a data race
#                       whose access stacks name one of the misused lines
#   seam-static         the thread-safety analysis rejects a write of a DC_GUARDED_BY field under a
#                       SharedLock, at that line (static_negative/shared_lock_write.cpp), and
#                       accepts the same class's reads under it and writes under a ScopedLock
# Their labels are not the emitter's tsan-negative and static: scripts/verify gives each test of
# those a row of DESIGN.md's matrix, whose variants are the emitter's, and a primitive has no model
# there. `ctest -L tsan-negative` and `ctest -L static` (regular expressions) still run them.

# A control's misused lines (both sides of the race) are regular expressions matched against its
# source when it runs, as the matrix's racing lines are; a report names the race when one of them
# is on an access stack (--any, as for a variant's racing lines).
set(dc_std_sync_controls_source tests/race/std_sync_negative_controls.cpp)

# dc_std_sync_negative_control(<suite>.<test> <racing line regex>...)
function(dc_std_sync_negative_control test)
  set(expect_args "")
  foreach(regex IN LISTS ARGN)
    list(APPEND expect_args --expect ${dc_std_sync_controls_source} "${regex}")
  endforeach()
  add_test(NAME TsanCatches${test}
           COMMAND Python3::Interpreter ${CMAKE_CURRENT_SOURCE_DIR}/run_negative_control.py
                   --source-root ${PROJECT_SOURCE_DIR} --any ${expect_args}
                   -- $<TARGET_FILE:dc_std_sync_negative_controls> --gtest_filter=${test})
  set_tests_properties(TsanCatches${test} PROPERTIES
    LABELS seam-tsan-negative TIMEOUT 600 ENVIRONMENT "${DC_TEST_ENVIRONMENT}")
endfunction()

if(DC_TSAN_NEGATIVE)
  dc_std_sync_negative_control(
    StdSyncSharedMutexMisuse.TwoWritersHoldingASharedLockWriteTheSameField "shared_total [+]= 1")
  dc_std_sync_negative_control(StdSyncConditionVariableMisuse.ProducerFillsTheItemAfterSignallingIt
                               "late_item = 42" "received = late_item")
  dc_std_sync_negative_control(
    StdSyncConditionVariableMisuse.ConsumerReadsTheItemAfterReleasingTheMutex
    "mailbox_item = item" "received = mailbox_item")
  foreach(test ARelaxedStorePublishesNothingToAnAcquireWait
               ARelaxedWaitAcquiresNothingFromAReleaseStore)
    dc_std_sync_negative_control(StdSyncAtomicWaitMisuse.${test} "published = 42"
                                 "seen = published")
  endforeach()
endif()

# ---- The static check: any Clang build, as the emitter's static checks.
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  set(dc_shared_lock_source tsan/static_negative/shared_lock_write.cpp)
  # dc_std_sync_static_check(<test> <subject define, or ""> <words> <check.cmake's -D...>...)
  function(dc_std_sync_static_check name define words)
    add_test(NAME ${name}
             COMMAND ${CMAKE_COMMAND} -DCOMPILER=${CMAKE_CXX_COMPILER}
                     -DSOURCE=${PROJECT_SOURCE_DIR}/${dc_shared_lock_source}
                     -DINCLUDES=${PROJECT_SOURCE_DIR} "-DDEFINES=${define}" "-DSUBJECT=${words}"
                     ${ARGN} -P ${CMAKE_CURRENT_SOURCE_DIR}/static_negative/check.cmake)
    set_tests_properties(${name} PROPERTIES LABELS seam-static TIMEOUT 300)
  endfunction()
  dc_std_sync_static_check(ThreadSafetyAnalysis.AcceptsGuardedReadsUnderASharedLock ""
                           "a guarded field read under a SharedLock, written under a ScopedLock"
                           -DEXPECT=accept)
  dc_std_sync_static_check(ThreadSafetyAnalysis.RejectsAGuardedWriteUnderASharedLock
                           DC_STATIC_WRITE_UNDER_SHARED_LOCK
                           "a guarded field written under a SharedLock"
                           -DEXPECT=reject -DSOURCE_ROOT=${PROJECT_SOURCE_DIR}
                           -DEXPECT_FILE=${dc_shared_lock_source} "-DEXPECT_LINE=balance_ = 0"
                           -DEXPECT_MUTEX=mutex_)
endif()
