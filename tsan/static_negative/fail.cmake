# dc_fail(<parts>...), for the scripts of this folder: prints the concatenated parts (taken one by
# one: any may hold a ';') as they are, then fails with DC_FAIL_SUMMARY. message(FATAL_ERROR) would
# re-wrap the text at 80 columns, splitting the words a reader (or fails_with.cmake, or
# scripts/verify) looks for.
function(dc_fail)
  set(text "")
  math(EXPR last "${ARGC} - 1")
  foreach(i RANGE ${last})
    string(APPEND text "${ARGV${i}}")
  endforeach()
  message("${text}")
  message(FATAL_ERROR "${DC_FAIL_SUMMARY}")
endfunction()
