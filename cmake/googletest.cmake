# GoogleTest is built from Debian's sources (/usr/src/googletest) with this build's own flags, so
# a sanitizer build never links an uninstrumented copy (a TSan build that did would miss, or
# misreport, races that go through gtest's own synchronisation).
set(DC_GOOGLETEST_SOURCE "/usr/src/googletest" CACHE PATH "GoogleTest sources (Debian: googletest)")
if(NOT EXISTS "${DC_GOOGLETEST_SOURCE}/CMakeLists.txt")
  message(FATAL_ERROR "GoogleTest sources not found in ${DC_GOOGLETEST_SOURCE}: run scripts/setup "
                      "(it installs the Debian package 'googletest').")
endif()
set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
set(BUILD_GMOCK ON CACHE BOOL "" FORCE)
add_subdirectory("${DC_GOOGLETEST_SOURCE}" "${CMAKE_BINARY_DIR}/_googletest" EXCLUDE_FROM_ALL SYSTEM)
include(GoogleTest)
