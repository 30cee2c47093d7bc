# embed_bytes(FILE BYTES_VAR LEN_VAR) - FILE's bytes as the text of a C
# initialiser ("0x23,0x0a,...", twelve a line) and its length: what
# embed_file.cmake and embed_files.cmake write into their headers.
function(embed_bytes file bytes_var len_var)
  file(READ "${file}" hex HEX)
  string(LENGTH "${hex}" hex_len)
  math(EXPR len "${hex_len} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n    "
         bytes "${bytes}")
  set(${bytes_var} "${bytes}" PARENT_SCOPE)
  set(${len_var} ${len} PARENT_SCOPE)
endfunction()
