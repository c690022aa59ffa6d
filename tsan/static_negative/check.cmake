# Compiles tsan/static_negative/honest_no_lock.cpp with Clang's thread-safety analysis and checks
# the verdict (run by ctest: cmake -P check.cmake). Arguments (-D):
#   COMPILER   the clang++ of the build
#   SOURCE     honest_no_lock.cpp
#   INCLUDES   '|'-separated include directories (the source root, nlohmann-json's)
#   DEFINE     the variant macro (DC_HONEST_UNLOCKED_UPDATE, ...), or empty for the fixed emitter
#   EXPECT     "reject": passes only when compilation fails with a diagnostic containing
#              "requires holding mutex 'metrics_mutex_'"; "accept": passes only when it compiles
foreach(required COMPILER SOURCE EXPECT)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "check.cmake: -D${required}=... is required")
  endif()
endforeach()

set(command "${COMPILER}" -std=c++20 -fsyntax-only -Wall -Wextra -Wpedantic -Werror
            -Wthread-safety -Wthread-safety-beta)
string(REPLACE "|" ";" INCLUDES "${INCLUDES}")
foreach(dir IN LISTS INCLUDES)
  list(APPEND command "-I${dir}")
endforeach()
if(DEFINE)
  list(APPEND command "-D${DEFINE}")
endif()
list(APPEND command "${SOURCE}")

list(JOIN command " " shown)
message("compiling: ${shown}")
execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
set(diagnostics "${out}${err}")
set(wanted "requires holding mutex 'metrics_mutex_'")

if(EXPECT STREQUAL "reject")
  string(FIND "${diagnostics}" "${wanted}" at)
  if(status EQUAL 0)
    message(FATAL_ERROR "FAIL: the unlocked variant (${DEFINE}) compiled cleanly: expected "
                        "-Wthread-safety -Werror to reject it with \"${wanted}\".\n${diagnostics}")
  elseif(at EQUAL -1)
    message(FATAL_ERROR "FAIL: compilation failed (status ${status}) but not with \"${wanted}\" "
                        "(a different error):\n${diagnostics}")
  endif()
  message("${diagnostics}")
  message("PASS: the thread-safety analysis rejected the unlocked variant (${DEFINE}) with "
          "\"${wanted}\".")
elseif(EXPECT STREQUAL "accept")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "FAIL: the fixed emitter did not compile under -Wthread-safety -Werror "
                        "(status ${status}), expected no diagnostics:\n${diagnostics}")
  endif()
  message("PASS: the fixed emitter compiles clean under -Wthread-safety -Werror.")
else()
  message(FATAL_ERROR "check.cmake: EXPECT must be reject or accept, got '${EXPECT}'")
endif()
