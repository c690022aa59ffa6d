# The environment of every test in a ThreadSanitizer build (DESIGN.md, checker 2).
#
# Included by tests/CMakeLists.txt and tsan/CMakeLists.txt. Sets, in the including directory:
#   DC_TSAN              ON when CMAKE_CXX_FLAGS contain -fsanitize=thread
#   DC_TSAN_OPTIONS      tsan/options joined with ':' plus the suppressions file (and the
#                        symbolizer when found); empty when not a TSan build
#   DC_TEST_ENVIRONMENT  the ENVIRONMENT test property to give every test ("TSAN_OPTIONS=...")
set(DC_TSAN OFF)
set(DC_TSAN_OPTIONS "")
set(DC_TEST_ENVIRONMENT "")
if(NOT CMAKE_CXX_FLAGS MATCHES "-fsanitize=([a-z,]*,)?thread")
  return()
endif()
set(DC_TSAN ON)

set(_dc_tsan_dir "${CMAKE_CURRENT_LIST_DIR}")
file(STRINGS "${_dc_tsan_dir}/options" _dc_option_lines)
set(_dc_options "")
foreach(_dc_line IN LISTS _dc_option_lines)
  string(REGEX REPLACE "#.*$" "" _dc_line "${_dc_line}")
  string(STRIP "${_dc_line}" _dc_line)
  if(_dc_line)
    list(APPEND _dc_options "${_dc_line}")
  endif()
endforeach()
list(APPEND _dc_options "suppressions=${_dc_tsan_dir}/suppressions.txt")
# TSan looks for "llvm-symbolizer" on PATH; Debian may only have the versioned name.
find_program(DC_LLVM_SYMBOLIZER NAMES llvm-symbolizer llvm-symbolizer-14
             HINTS /usr/lib/llvm-14/bin DOC "Symbolizer for sanitizer reports (file:line)")
if(DC_LLVM_SYMBOLIZER)
  list(APPEND _dc_options "external_symbolizer_path=${DC_LLVM_SYMBOLIZER}")
endif()
list(JOIN _dc_options ":" DC_TSAN_OPTIONS)
set(DC_TEST_ENVIRONMENT "TSAN_OPTIONS=${DC_TSAN_OPTIONS}")
# Configure again when the options change.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_dc_tsan_dir}/options")
