#!/bin/sh
# embed.sh NAME FILE: print a C file defining `const unsigned char NAME[]`
# and `const unsigned long NAME_len` with FILE's bytes.
set -e
name=$1 file=$2
printf '/* Generated from %s by tools/embed.sh; do not edit. */\n' "$file"
printf '#include <stddef.h>\n'
printf 'extern const unsigned char %s[];\nextern const size_t %s_len;\n' "$name" "$name"
printf 'const unsigned char %s[] = {\n' "$name"
od -An -v -tu1 "$file" | sed -e 's/^ *//' -e 's/  */,/g' -e 's/$/,/' -e '/^,$/d'
printf '0 };\nconst size_t %s_len = %s;\n' "$name" "$(wc -c < "$file" | tr -d ' ')"
