# thrace_add_trace_test(NAME COMMAND prog [args...] EXPECT file.expect
#                       [DATABASE file.db])
#
# A ctest test that records COMMAND with `thrace record` (a session daemon
# is started if none answers) and checks its trace with `thrace check
# --expect`, which fails on a deadlock the trace shows too. The database
# (NAME.db in the test's directory unless DATABASE is given) is removed when
# the test passes and kept, for `thrace log` and `thrace serve`, when it
# fails. THRACE_EXECUTABLE names the thrace command (found by
# find_package(thrace)).
set(_thrace_run_trace_test "${CMAKE_CURRENT_LIST_DIR}/ThraceRunTraceTest.cmake")

function(thrace_add_trace_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "EXPECT;DATABASE" "COMMAND")
  if(NOT arg_COMMAND OR NOT arg_EXPECT)
    message(FATAL_ERROR "thrace_add_trace_test(${name}): COMMAND and EXPECT are required")
  endif()
  if(NOT THRACE_EXECUTABLE)
    message(FATAL_ERROR "thrace_add_trace_test(${name}): the thrace command was not found "
                        "(install thrace's tools, or set THRACE_EXECUTABLE)")
  endif()
  if(NOT arg_DATABASE)
    set(arg_DATABASE "${CMAKE_CURRENT_BINARY_DIR}/${name}.db")
  endif()
  get_filename_component(expect "${arg_EXPECT}" ABSOLUTE)
  list(JOIN arg_COMMAND "\\;" command) # kept one list through add_test
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} "-DTHRACE=${THRACE_EXECUTABLE}" "-DDATABASE=${arg_DATABASE}"
            "-DEXPECT=${expect}" "-DCOMMAND=${command}" -P "${_thrace_run_trace_test}")
endfunction()
