# Warnings are errors in every preset: a warning left in is a bug nobody was made to read.
# Clang builds add the thread-safety analysis, which checks the GUARDED_BY annotations of the
# emitter (DESIGN.md, checker 4: "static").
add_library(dc_warnings INTERFACE)
target_compile_options(dc_warnings INTERFACE -Wall -Wextra -Wpedantic -Werror)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  target_compile_options(dc_warnings INTERFACE -Wthread-safety -Wthread-safety-beta)
endif()
