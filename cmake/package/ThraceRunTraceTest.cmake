# The script of a thrace_add_trace_test test (ThraceTraceTest.cmake):
# record, check, clean up. cmake -DTHRACE= -DDATABASE= -DEXPECT= -DCOMMAND= -P
file(REMOVE "${DATABASE}" "${DATABASE}.old")
execute_process(COMMAND "${THRACE}" record -o "${DATABASE}" -- ${COMMAND}
                RESULT_VARIABLE recorded)
if(NOT recorded EQUAL 0)
  message(FATAL_ERROR "thrace record exited with ${recorded}; the trace, if any, is in ${DATABASE}")
endif()
execute_process(COMMAND "${THRACE}" check "${DATABASE}" --expect "${EXPECT}"
                RESULT_VARIABLE checked)
if(NOT checked EQUAL 0)
  message(FATAL_ERROR "thrace check exited with ${checked}: the trace is kept in ${DATABASE}")
endif()
file(REMOVE "${DATABASE}")
