# The verdict matrix (matrix/variants.json), read by CMake: the TSan negative controls and static
# checks (tsan/CMakeLists.txt), the race suite's variant types (tests/race/), the emitter models'
# embedded copy (model/CMakeLists.txt). Editing the file re-runs the configure step.
set(DC_MATRIX_FILE ${PROJECT_SOURCE_DIR}/matrix/variants.json)
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             ${DC_MATRIX_FILE})
file(READ ${DC_MATRIX_FILE} DC_MATRIX_JSON)
string(JSON dc_matrix_schema ERROR_VARIABLE dc_matrix_error GET "${DC_MATRIX_JSON}" schema)
if(dc_matrix_error OR NOT dc_matrix_schema STREQUAL "doublecheck-matrix/1")
  message(FATAL_ERROR "${DC_MATRIX_FILE}: not a doublecheck-matrix/1 file (${dc_matrix_error})")
endif()

# dc_matrix_get(<out> <json> <key>...): the member at the path, or "" when it is absent.
function(dc_matrix_get out json)
  string(JSON value ERROR_VARIABLE error GET "${json}" ${ARGN})
  if(error)
    set(value "")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# dc_matrix_length(<out> <json> <key>...): the length of the array at the path (0 when absent).
function(dc_matrix_length out json)
  string(JSON value ERROR_VARIABLE error LENGTH "${json}" ${ARGN})
  if(error)
    set(value 0)
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

# dc_matrix_variant_indices(<out>): 0..n-1 for the n variants, to loop over with
# `string(JSON v GET "${DC_MATRIX_JSON}" variants ${i})` (JSON objects do not survive CMake lists).
function(dc_matrix_variant_indices out)
  dc_matrix_length(count "${DC_MATRIX_JSON}" variants)
  set(indices "")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      list(APPEND indices ${i})
    endforeach()
  endif()
  set(${out} "${indices}" PARENT_SCOPE)
endfunction()
