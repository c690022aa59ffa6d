# -fstack-clash-protection: a function whose frame is larger than a page touches the frame's pages
# in order as it grows the stack, so it cannot jump over a guard page into the memory below. The
# explorer's model threads run on fiber stacks of their own with guard pages below them
# (model/engine/fiber.hpp); without this flag, a model function with a large local array can skip
# the guard and overwrite another fiber's stack instead of faulting in the guard, where the crash
# handler (model/engine/crash.hpp) reports a stack overflow. Applied to every target (the model
# code is compiled in the engine, the runners and the tests alike); GCC and Clang both support it
# on x86-64 Linux, and a compiler that does not is left without it.
include(CheckCXXCompilerFlag)
check_cxx_compiler_flag(-fstack-clash-protection DC_HAS_STACK_CLASH_PROTECTION)
if(DC_HAS_STACK_CLASH_PROTECTION)
  add_compile_options(-fstack-clash-protection)
endif()
