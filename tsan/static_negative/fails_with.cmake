# Shows that a check can fail, and for the right reason: runs the command given after `--` and
# passes only when it exits non-zero AND its output contains MESSAGE (so a check that fails for
# another reason -- a compile error, a usage error -- does not count, which WILL_FAIL alone would
# accept). Run by ctest:
#   cmake -DMESSAGE=<text> -P fails_with.cmake -- <command> [args...]
cmake_minimum_required(VERSION 3.25)  # the policies of the project (IN_LIST, ...)
if(NOT DEFINED MESSAGE OR MESSAGE STREQUAL "")
  message(FATAL_ERROR "fails_with.cmake: -DMESSAGE=... is required")
endif()
set(DC_FAIL_SUMMARY "fails_with.cmake: the check did not fail as it must (see FAIL above)")
include(${CMAKE_CURRENT_LIST_DIR}/fail.cmake)

set(command "")
set(after_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE 1 ${last})
  if(after_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif(CMAKE_ARGV${i} STREQUAL "--")
    set(after_separator TRUE)
  endif()
endforeach()
if(NOT command)
  message(FATAL_ERROR "fails_with.cmake: no command given (after --)")
endif()

list(JOIN command " " shown)
message("running: ${shown}")
execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
set(output "${out}${err}")
message("${output}")
string(FIND "${output}" "${MESSAGE}" at)
if(status EQUAL 0)
  dc_fail("FAIL: the check passed (status 0) although its expectation is wrong: "
          "it cannot fail, so its passing proves nothing. Expected it to fail with "
          "\"${MESSAGE}\".")
elseif(at EQUAL -1)
  dc_fail("FAIL: the check failed (status ${status}), but not with \"${MESSAGE}\": "
          "it failed for another reason (see its output above).")
endif()
message("PASS: the check failed as it must (status ${status}), with \"${MESSAGE}\".")
