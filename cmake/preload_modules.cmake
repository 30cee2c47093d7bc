# preload_modules.cmake - the page's index.html with a modulepreload link
# for each of its modules in place of the marker line, so that the browser
# fetches them all at once rather than one level of imports after another.
# Run as a script:
#   cmake -DINPUT=index.html -DOUTPUT=out.html -DMODULES="a.js|b.js" -P preload_modules.cmake
set(marker "  <!-- modulepreload: every module of the page, written in at build time -->\n")
file(READ "${INPUT}" html)
string(FIND "${html}" "${marker}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${INPUT}: no line '${marker}' to put the modules in")
endif()
string(REPLACE "|" ";" modules "${MODULES}")
set(links "")
foreach(module ${modules})
  get_filename_component(name "${module}" NAME)
  string(APPEND links "  <link rel=\"modulepreload\" href=\"/${name}\">\n")
endforeach()
string(REPLACE "${marker}" "${links}" html "${html}")
file(WRITE "${OUTPUT}.tmp" "${html}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
