# Build-time embedding of files into C headers, so that programs need no
# file at run time. Each function works on a target of the calling
# directory.

# thrace_embed(TARGET INPUT NAME): generates NAME.h, INPUT's bytes as a C
# string (see embed_file.cmake), and puts it on TARGET's include path.
function(thrace_embed target input name)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/generated/${name}.h)
  add_custom_command(OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DNAME=${name}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/cmake/embed_file.cmake
            ${PROJECT_SOURCE_DIR}/cmake/embed_bytes.cmake
    COMMENT "Embedding ${name}" VERBATIM)
  target_sources(${target} PRIVATE ${output})
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
endfunction()

# thrace_embed_files(TARGET NAME TYPE FILE...): generates NAME.h, a table of
# the files as web assets of C type TYPE (see embed_files.cmake), and puts
# it on TARGET's include path.
function(thrace_embed_files target name type)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/generated/${name}.h)
  string(REPLACE ";" "|" files "${ARGN}")
  add_custom_command(OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DFILES=${files} -DOUTPUT=${output} -DNAME=${name} -DTYPE=${type}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${ARGN} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
            ${PROJECT_SOURCE_DIR}/cmake/embed_bytes.cmake
    COMMENT "Embedding ${name}" VERBATIM)
  target_sources(${target} PRIVATE ${output})
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
endfunction()
