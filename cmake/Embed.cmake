# thrace_embed(TARGET INPUT NAME): generates NAME.h from INPUT at build time
# (see embed.cmake) and puts it on TARGET's include path.
function(thrace_embed target input name)
  set(output ${CMAKE_CURRENT_BINARY_DIR}/generated/${name}.h)
  add_custom_command(OUTPUT ${output}
    COMMAND ${CMAKE_COMMAND} -DINPUT=${input} -DOUTPUT=${output} -DNAME=${name}
            -P ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
    DEPENDS ${input} ${PROJECT_SOURCE_DIR}/cmake/embed.cmake
    COMMENT "Embedding ${name}")
  target_sources(${target} PRIVATE ${output})
  target_include_directories(${target} PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/generated)
endfunction()
