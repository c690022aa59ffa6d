# Compiles one subject of tsan/static_negative/honest_variants.cpp with Clang's thread-safety
# analysis and checks the verdict (run by ctest: cmake -P check.cmake). Arguments (-D):
#   COMPILER      the clang++ of the build
#   SOURCE        the file to compile (honest_variants.cpp)
#   INCLUDES      '|'-separated include directories (the source root, nlohmann-json's)
#   DEFINES       '|'-separated macros: DC_HONEST_VARIANTS and the subject, e.g. DC_STATIC_NAIVE_DCL
#   SUBJECT       what is compiled, in words, for the messages (default: the defines)
#   EXPECT        "accept": passes only when the subject compiles clean under -Werror;
#                 "reject": passes only when compilation fails with an error whose message
#                 contains "requires holding mutex '<EXPECT_MUTEX>'" and whose location is
#                 EXPECT_FILE at one of the lines matching EXPECT_LINE
# and, for "reject":
#   SOURCE_ROOT   the repository
#   EXPECT_FILE   relative to SOURCE_ROOT, e.g. impl/telemetry_emitter.hpp
#   EXPECT_LINE   a regular expression (CMake syntax), matched against every line of EXPECT_FILE
#                 when the check runs, so edits that move the line do not break it (as
#                 tsan/run_negative_control.py does for TSan); a regex no line matches is an error:
#                 the expectation went stale
#   EXPECT_MUTEX  the capability the message must name, e.g. metrics_mutex_
# A rejection prints its location as "found: <file>:<line> (...): <message>" (scripts/verify
# reports that one); a failure says what was expected, and where the diagnostics were instead.
cmake_minimum_required(VERSION 3.25)  # the policies of the project (IN_LIST, ...)
foreach(required COMPILER SOURCE EXPECT)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "check.cmake: -D${required}=... is required")
  endif()
endforeach()
if(NOT EXPECT MATCHES "^(reject|accept)$")
  message(FATAL_ERROR "check.cmake: EXPECT must be reject or accept, got '${EXPECT}'")
endif()
string(REPLACE "|" ";" INCLUDES "${INCLUDES}")
string(REPLACE "|" ";" DEFINES "${DEFINES}")
if(NOT SUBJECT)
  list(JOIN DEFINES " " SUBJECT)
endif()

set(DC_FAIL_SUMMARY "check.cmake: the check failed (the FAIL line above says why)")
include(${CMAKE_CURRENT_LIST_DIR}/fail.cmake)

# Source text as a CMake list of lines. A list cannot hold ';' (the separator) and splits oddly
# at unbalanced '[' ']', so those are escaped in the list and restored by dc_line().
set(semicolon "<dc-semicolon>")
set(open_bracket "<dc-open-bracket>")
set(close_bracket "<dc-close-bracket>")
function(dc_split_lines text out)
  string(REPLACE ";" "${semicolon}" text "${text}")
  string(REPLACE "[" "${open_bracket}" text "${text}")
  string(REPLACE "]" "${close_bracket}" text "${text}")
  string(REPLACE "\r" "" text "${text}")
  string(REPLACE "\n" ";" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()
function(dc_line escaped out)
  string(REPLACE "${semicolon}" ";" escaped "${escaped}")
  string(REPLACE "${open_bracket}" "[" escaped "${escaped}")
  string(REPLACE "${close_bracket}" "]" escaped "${escaped}")
  set(${out} "${escaped}" PARENT_SCOPE)
endfunction()

# The real path of `path` (relative paths are the compiler's, whose working directory is ours).
function(dc_real_path path out)
  get_filename_component(path "${path}" ABSOLUTE)
  if(EXISTS "${path}")
    file(REAL_PATH "${path}" path)
  endif()
  set(${out} "${path}" PARENT_SCOPE)
endfunction()

# The expected lines, looked up now.
if(EXPECT STREQUAL "reject")
  foreach(required SOURCE_ROOT EXPECT_FILE EXPECT_LINE EXPECT_MUTEX)
    if(NOT DEFINED ${required} OR "${${required}}" STREQUAL "")
      message(FATAL_ERROR "check.cmake: EXPECT=reject needs -D${required}=...")
    endif()
  endforeach()
  dc_real_path("${SOURCE_ROOT}" root)
  dc_real_path("${SOURCE_ROOT}/${EXPECT_FILE}" expected_path)
  if(NOT EXISTS "${expected_path}")
    dc_fail("FAIL: the expected file ${EXPECT_FILE} does not exist under "
            "${SOURCE_ROOT}: the expectation is stale (was the file moved?)")
  endif()
  file(READ "${expected_path}" text)
  dc_split_lines("${text}" source_lines)
  set(expected_lines "")
  set(number 0)
  foreach(escaped IN LISTS source_lines)
    math(EXPR number "${number} + 1")
    dc_line("${escaped}" line)
    if(line MATCHES "${EXPECT_LINE}")
      list(APPEND expected_lines ${number})
    endif()
  endforeach()
  if(NOT expected_lines)
    dc_fail("FAIL: no line of ${EXPECT_FILE} matches /${EXPECT_LINE}/: the "
            "expectation is stale (was the line renamed?)")
  endif()
  list(JOIN expected_lines "," shown_lines)
  set(wanted "requires holding mutex '${EXPECT_MUTEX}'")
  set(where "${EXPECT_FILE}:{${shown_lines}} (the lines matching /${EXPECT_LINE}/)")
endif()

set(command "${COMPILER}" -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror
            -Wthread-safety -Wthread-safety-beta)
foreach(dir IN LISTS INCLUDES)
  list(APPEND command "-I${dir}")
endforeach()
foreach(define IN LISTS DEFINES)
  list(APPEND command "-D${define}")
endforeach()
list(APPEND command "${SOURCE}")

list(JOIN command " " shown)
message("compiling: ${shown}")
execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(diagnostics "${out}${err}")

if(EXPECT STREQUAL "accept")
  if(NOT status EQUAL 0)
    dc_fail("FAIL: ${SUBJECT} did not compile under -Wthread-safety -Werror "
            "(status ${status}), expected no diagnostics:\n${diagnostics}")
  endif()
  message("PASS: ${SUBJECT} compiles clean under -Wthread-safety -Werror.")
  return()
endif()

# EXPECT=reject: sort the errors into those at an expected line with the expected message, those
# with the message elsewhere, and any other.
message("${diagnostics}")
if(status EQUAL 0)
  dc_fail("FAIL: ${SUBJECT} compiled cleanly: expected -Wthread-safety -Werror to "
          "reject it with \"${wanted}\" at ${where}.")
endif()
dc_split_lines("${diagnostics}" diagnostic_lines)
set(found "")
set(hits 0)
set(elsewhere "")
set(others "")
foreach(escaped IN LISTS diagnostic_lines)
  dc_line("${escaped}" line)
  if(NOT line MATCHES "^(.+):([0-9]+):[0-9]+: error: (.*)$")
    continue()
  endif()
  set(file "${CMAKE_MATCH_1}")
  set(number "${CMAKE_MATCH_2}")
  string(REGEX REPLACE " *\\[-W[^]]*\\]$" "" text "${CMAKE_MATCH_3}")
  dc_real_path("${file}" path)
  file(RELATIVE_PATH relative "${root}" "${path}")
  if(relative MATCHES "^[.][.]/")
    set(relative "${path}")
  endif()
  string(FIND "${text}" "${wanted}" has_message)
  if(NOT has_message EQUAL -1 AND path STREQUAL expected_path AND number IN_LIST expected_lines)
    math(EXPR hits "${hits} + 1")
    if(NOT found)
      set(found "found: ${relative}:${number} (a line matching /${EXPECT_LINE}/): ${text}")
    endif()
  elseif(NOT has_message EQUAL -1)
    string(APPEND elsewhere "\n  ${relative}:${number}: ${text}")
  else()
    string(APPEND others "\n  ${relative}:${number}: ${text}")
  endif()
endforeach()

if(NOT found)
  if(elsewhere)
    dc_fail("FAIL: the thread-safety analysis rejected ${SUBJECT} with \"${wanted}\", "
            "but not at the expected line: expected it at ${where}; the diagnostics "
            "were instead at:${elsewhere}${others}")
  endif()
  if(NOT others)
    set(others "\n  (no error with a file:line: see the compiler output above)")
  endif()
  dc_fail("FAIL: compilation of ${SUBJECT} failed (status ${status}) but not with "
          "\"${wanted}\" (a different error): expected it at ${where}; the errors "
          "were:${others}")
endif()
message("${found}")
if(elsewhere OR others)
  message("also:${elsewhere}${others}")
endif()
message("PASS: the thread-safety analysis rejected ${SUBJECT} at the expected line: ${hits} "
        "error(s) \"${wanted}\" at ${where}.")
