# -DDC_RELACY_DIR=<a Relacy checkout>: the Relacy backend (relacy_backend/). Relacy's sources stay
# where the user keeps them; nothing of them is copied into this tree or its install.
get_filename_component(DC_RELACY_DIR "${DC_RELACY_DIR}" ABSOLUTE)
if(NOT EXISTS "${DC_RELACY_DIR}/relacy/relacy.hpp")
  message(FATAL_ERROR
          "DC_RELACY_DIR='${DC_RELACY_DIR}' does not hold relacy/relacy.hpp: give the root of a "
          "Relacy checkout (git clone https://github.com/dvyukov/relacy), or leave DC_RELACY_DIR "
          "empty to build without the Relacy backend")
endif()
if(NOT (DC_BUILD_MODEL AND DC_BUILD_TESTS))
  message(FATAL_ERROR "DC_RELACY_DIR needs DC_BUILD_MODEL and DC_BUILD_TESTS (the emitter's "
                      "models it checks): use the default preset")
endif()
# Relacy's C++20 mode takes each operation's place from std::source_location.
include(CheckIncludeFileCXX)
check_include_file_cxx(source_location DC_HAVE_SOURCE_LOCATION)
if(NOT DC_HAVE_SOURCE_LOCATION)
  message(FATAL_ERROR "DC_RELACY_DIR: Relacy needs <source_location>, which ${CMAKE_CXX_COMPILER_ID} "
                      "${CMAKE_CXX_COMPILER_VERSION} lacks (use GCC 11 or later: the default preset)")
endif()
find_package(Git QUIET)
set(DC_RELACY_COMMIT "unknown")
if(GIT_FOUND AND EXISTS "${DC_RELACY_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${DC_RELACY_DIR} rev-parse --short=12 HEAD
                  OUTPUT_VARIABLE DC_RELACY_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
message(STATUS "Relacy backend: ${DC_RELACY_DIR} (commit ${DC_RELACY_COMMIT})")
add_subdirectory(relacy_backend)
